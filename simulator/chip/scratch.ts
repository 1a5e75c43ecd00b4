// Growable structure-of-arrays buffers for the per-step work lists of the chip model (packets waiting to be
// routed, packets waiting to be processed, the arrival times read in the step they were sent), so the hot loops
// allocate nothing per event.

import { SpikegridError } from "../../common/errors.js";
import { orderByTime } from "./time-order.js";

/** A copy of `x` in a typed array of length m (≥ x.length). */
function resized<T extends Int32Array | Float64Array>(x: T, m: number): T {
  const y = new (x.constructor as new (n: number) => T)(m);
  y.set(x);
  return y;
}

const NONE32 = new Int32Array(0);

/**
 * Entries above which a work buffer is dropped once used (`release`) rather than kept for the next phase: a
 * buffer's pages stay resident once written, so keeping each buffer at its largest phase's size held every
 * buffer's largest at once (an active rack-size network: 75 M packets and 48 M work items, ≈ 2.9 GB, beside the
 * arrival times of the phase being run). Below it, reuse saves the allocations of small phases.
 */
export const RELEASE_ENTRIES = 2 ** 20;

/**
 * Packets of one phase: injection cycle, `pair` (a unicast packet's (source, destination) slot pair id; a
 * multicast packet's number of destination rows) and, for multicast only (`withRow`), its source neuron
 * (numbered over all sources, Router.base) and first arrival entry. `sortByTime` puts their indices in injection order
 * into `order` — a unicast packet's index is also its arrival entry (a phase's packets come from one source,
 * numbered as they were pushed). One index per packet, no sorted copies of the columns: 24 bytes a packet of
 * the largest phase where copies, bucket numbers and rows took 60 (an active rack-size network sends tens of
 * millions of packets in one phase).
 */
export class PacketBuffer {
  n = 0;
  time = new Float64Array(1024);
  pair = new Int32Array(1024);
  row = NONE32;
  entry = NONE32;
  /** Packet indices in (time, insertion) order after `sortByTime`; valid up to `n`. */
  order = new Int32Array(1024);
  private withRow = false;
  /** The time sort's scratch (n + 1 indices, more only where times crowd a bucket). */
  private scratch = new Int32Array(1025);

  /** Whether the next packets carry their first row and entry (multicast). */
  keepRows(row: boolean): void {
    this.withRow = row;
    const m = this.time.length;
    if (row && this.row.length < m) {
      this.row = resized(this.row, m);
      this.entry = resized(this.entry, m);
    }
  }

  push(time: number, pair: number, row: number, entry: number): void {
    if (this.n === this.time.length) this.resize(Math.ceil(this.time.length * 1.5));
    const i = this.n++;
    this.time[i] = time;
    this.pair[i] = pair;
    if (this.withRow) {
      this.row[i] = row;
      this.entry[i] = entry;
    }
  }

  /**
   * Room for `extra` more packets, made at once: what is needed and an eighth more (the next phases are alike).
   * Growing by halves as packets came copied the columns at each growth and held the old and new ones together —
   * twice the largest phase's packets at the peak, and up to half of them unused after.
   */
  reserve(extra: number): void {
    const need = this.n + extra;
    if (need > this.time.length) this.resize(need + (need >> 3));
  }

  /** Columns of length m (≥ n), the first n packets kept; with none held, new columns (nothing copied). */
  private resize(m: number): void {
    const keep = <T extends Int32Array | Float64Array>(x: T): T =>
      this.n > 0 ? resized(x, m) : new (x.constructor as new (n: number) => T)(m);
    this.order = NONE32; // dropped first: not copied, and not held beside the new columns
    this.time = keep(this.time);
    this.pair = keep(this.pair);
    if (this.row.length > 0) {
      this.row = keep(this.row);
      this.entry = keep(this.entry);
    }
    this.order = new Int32Array(m);
  }

  clear(): void {
    this.n = 0;
  }

  /** Empties the buffer; one grown past RELEASE_ENTRIES gives its columns back (the next phase reserves anew). */
  release(): void {
    this.n = 0;
    if (this.time.length <= RELEASE_ENTRIES) return;
    this.time = new Float64Array(1024);
    this.pair = new Int32Array(1024);
    this.order = new Int32Array(1024);
    if (this.row.length > 0) {
      this.row = new Int32Array(1024);
      this.entry = new Int32Array(1024);
    }
    this.scratch = new Int32Array(1025);
  }

  /**
   * The packet indices ordered by (time, insertion) into `order`: bucketed over the phase's time range, one
   * bucket a packet, crowded buckets refined the same way (time-order.ts) — O(n) where times crowd (equal
   * times, a far outlier), never the quadratic insertion of a crowded bucket.
   */
  sortByTime(): number {
    orderByTime(this.time, this.n, this.order, this.grown);
    return this.n;
  }

  /** The sort's scratch, grown to `size` when short (a quarter more: the next phases are alike). */
  private readonly grown = (size: number): Int32Array => {
    if (this.scratch.length < size) this.scratch = new Int32Array(size + (size >> 2));
    return this.scratch;
  };
}

/** The most deliveries of one source in one step whose arrivals can be kept (8 bytes each: 4 GiB at the limit). */
export const ARRIVAL_LIMIT = 2 ** 29;

/**
 * One source's arrivals of this step: entry `at[e] + q` is the time its e-th event's (last bit plane's) packet
 * reached destination row q of the event's list, for rows `from[e]` ≤ q < `to[e]` (those to slots in `floor` ..
 * `ceil`; the others, and earlier bit planes, are read by no phase still to run and are dropped, ArrivalTrim).
 */
export interface SourceArrivals {
  buf: Float64Array;
  at: Int32Array;
  from: Int32Array;
  to: Int32Array;
  floor: number;
  ceil: number;
  /** The last slot window a cut was weighed at (ArrivalTrim: weighed once per window, cut when it frees enough). */
  checkedFloor: number;
  checkedCeil: number;
}

/**
 * Arrival buffers per source for one step, drawn from a pool of freed ones (the smallest that fits), so the
 * memory held is that of the sources whose arrivals are still to be read, not of the whole step, and the pool
 * holds no more buffers than were in use at once (a new buffer replaces the largest free one, too small).
 */
export class ArrivalStore {
  private readonly bySource = new Map<number, SourceArrivals>();
  private readonly free: Float64Array[] = [];
  /** The buffer the router writes the routed packets' arrivals into (that of the last `open`). */
  current: Float64Array = new Float64Array(0);

  /**
   * Source s's arrivals this step (n entries, to be written), now `current`; `at[e]`: the entry of its e-th
   * event's first destination row (Router.entryOf with q = 0), all rows kept.
   */
  open(s: number, n: number, at: Int32Array): Float64Array {
    if (n > ARRIVAL_LIMIT)
      throw new SpikegridError(
        "RESOURCE_LIMIT",
        `one population's packet deliveries in one step (${n.toLocaleString("en-US")}) pass the ${ARRIVAL_LIMIT.toLocaleString("en-US")} whose arrival times the chip simulator can keep (ARRIVAL_LIMIT)`,
        {
          hint: "simulate a smaller input (zoo setting imageSize) or a mapping with fewer destination cores per neuron",
        },
      );
    this.release(s);
    // the smallest free buffer that fits and is at most a quarter larger (a buffer's pages stay resident once
    // written: a small source in a large buffer held the whole of it); else a new one an eighth larger than
    // asked (the next step's traffic of the same source is alike; its untouched tail takes no memory),
    // dropping the largest free one, so the pool keeps no more buffers than were in use at once
    let best = -1;
    let largest = -1;
    const most = Math.max(1024, n + (n >> 2));
    for (let k = 0; k < this.free.length; k++) {
      const len = this.free[k]!.length;
      if (len >= n && len <= most && (best < 0 || len < this.free[best]!.length)) best = k;
      if (largest < 0 || len > this.free[largest]!.length) largest = k;
    }
    const take = best >= 0 ? best : largest;
    const buf =
      best >= 0 ? this.free[best]! : new Float64Array(Math.min(Math.max(1024, n + (n >> 3)), ARRIVAL_LIMIT));
    if (take >= 0) {
      this.free[take] = this.free[this.free.length - 1]!;
      this.free.pop();
    }
    const all = 2 ** 31 - 1;
    this.bySource.set(s, {
      buf,
      at,
      from: new Int32Array(at.length),
      to: new Int32Array(at.length).fill(all),
      floor: 0,
      ceil: all,
      checkedFloor: 0,
      checkedCeil: all,
    });
    this.current = buf;
    return buf;
  }

  /** Source s's arrivals this step (empty when it sent nothing that is kept). */
  of(s: number): Float64Array {
    return this.bySource.get(s)?.buf ?? EMPTY;
  }

  /** Source s's entries and where its events' rows are (undefined when it sent nothing that is kept). */
  entries(s: number): SourceArrivals | undefined {
    return this.bySource.get(s);
  }

  /** The sources whose arrivals are held now. */
  sources(): IterableIterator<number> {
    return this.bySource.keys();
  }

  release(s: number): void {
    const a = this.bySource.get(s);
    if (!a) return;
    this.bySource.delete(s);
    this.free.push(a.buf);
  }

  releaseAll(): void {
    for (const s of [...this.bySource.keys()]) this.release(s);
  }

  /** Entries held by the buffers in use and in the pool (what the store costs: 8 bytes each). */
  heldEntries(): number {
    let n = 0;
    for (const a of this.bySource.values()) n += a.buf.length;
    for (const b of this.free) n += b.length;
    return n;
  }
}

const EMPTY = new Float64Array(0);
