// Growable structure-of-arrays buffers for the per-step work lists of the chip model (packets waiting to be
// routed, packets waiting to be processed, the arrival times read in the step they were sent), so the hot loops
// allocate nothing per event.

import { SpikegridError } from "../../common/errors.js";

/** A copy of `x` in a typed array twice as long. */
function doubled<T extends Int32Array | Float64Array>(x: T): T {
  return resized(x, x.length * 2);
}

/** A copy of `x` in a typed array of length m (≥ x.length). */
function resized<T extends Int32Array | Float64Array>(x: T, m: number): T {
  const y = new (x.constructor as new (n: number) => T)(m);
  y.set(x);
  return y;
}

const NONE32 = new Int32Array(0);

/** A time-sort bucket with more packets than this is sorted by merging (`stableOrder`), not by insertion. */
const CROWDED_BUCKET = 64;

/**
 * 0..n − 1 stably ordered by (key, time) — by time alone when `key` is null; ties keep insertion order —
 * in `a` or `b` (each ≥ n long; the other is scratch), whichever it returns: runs of 8 by insertion, then
 * bottom-up merges, O(n log n) however the times crowd. One typed merge sort for the chip's work items and
 * for crowded packet buckets (a comparator passed to TypedArray#sort boxes every compared double).
 */
function stableOrder<T extends Int32Array>(
  key: Int32Array | null,
  time: Float64Array,
  a: T,
  b: T,
  n: number,
): T {
  let src = a;
  let dst = b;
  for (let i = 0; i < n; i++) src[i] = i;
  const RUN = 8;
  for (let s = 0; s < n; s += RUN) {
    const e = Math.min(n, s + RUN);
    for (let i = s + 1; i < e; i++) {
      const x = src[i]!;
      let j = i;
      while (j > s && before(key, time, x, src[j - 1]!)) {
        src[j] = src[j - 1]!;
        j--;
      }
      src[j] = x;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = before(key, time, src[j]!, src[i]!) ? src[j++]! : src[i++]!;
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    const tmp = src;
    src = dst;
    dst = tmp;
  }
  return src;
}

/**
 * Item x before item y when its (key, time) is smaller (time alone without keys); equal ones keep their
 * order. A module function, not a closure over the arrays: `sort` runs once per unit and step, and a closure
 * per call was a fifth of all the memory a sweep allocated.
 */
function before(key: Int32Array | null, time: Float64Array, x: number, y: number): boolean {
  if (key === null) return time[x]! < time[y]!;
  return key[x]! < key[y]! || (key[x] === key[y] && time[x]! < time[y]!);
}

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
  private bucketStart = new Int32Array(2048);
  /** Earliest and latest injection since the buffer was last emptied (`push` callers report them: `bound`). */
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

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
    if (this.n === this.time.length) this.grow();
    const i = this.n++;
    this.time[i] = time;
    this.pair[i] = pair;
    if (this.withRow) {
      this.row[i] = row;
      this.entry[i] = entry;
    }
  }

  /** Widens the injection range to [lo, hi] (the pusher tracks it in locals: cheaper than per push). */
  bound(lo: number, hi: number): void {
    if (lo < this.lo) this.lo = lo;
    if (hi > this.hi) this.hi = hi;
  }

  /** Half as long again (doubling left up to half of a phase's tens of millions of packets unused). */
  private grow(): void {
    const m = Math.ceil(this.time.length * 1.5);
    this.time = resized(this.time, m);
    this.pair = resized(this.pair, m);
    if (this.row.length > 0) {
      this.row = resized(this.row, m);
      this.entry = resized(this.entry, m);
    }
    this.order = new Int32Array(m);
  }

  clear(): void {
    this.n = 0;
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = Number.NEGATIVE_INFINITY;
  }

  /**
   * The packet indices ordered by (time, insertion) into `order` in O(n): a counting sort into ≈ n time
   * buckets, then insertion sort inside each (buckets hold about one packet), so the order is exact. A
   * packet's bucket is computed twice (the same expression, so the same bucket) rather than stored.
   */
  sortByTime(): number {
    const n = this.n;
    const { time, order, lo, hi } = this;
    // one bucket a packet: the insertion inside stays short even where times crowd part of the range
    const buckets = n + 1;
    if (this.bucketStart.length < 2 * buckets + 2)
      this.bucketStart = new Int32Array(Math.ceil(2.5 * buckets) + 4);
    // bucket b starts at bs[b]; its next free place is bs[P + b] (one array, no views: this runs per phase)
    const bs = this.bucketStart;
    const P = buckets + 1;
    bs.fill(0, 0, buckets + 1);
    const scale = hi > lo ? (buckets - 1) / (hi - lo) : 0;
    for (let i = 0; i < n; i++) bs[Math.floor((time[i]! - lo) * scale) + 1]!++;
    let crowded = 0;
    for (let b = 1; b <= buckets; b++) if (bs[b]! > crowded) crowded = bs[b]!;
    // times crowded into a few buckets (a far outlier stretches the range) make the insertion quadratic:
    // hours for millions of packets in one bucket, arriving late-first; sort by merging instead
    if (crowded > CROWDED_BUCKET) {
      const sorted = stableOrder(null, time, order, bs, n);
      if (sorted !== order) order.set(sorted.subarray(0, n));
      return n;
    }
    for (let b = 0; b < buckets; b++) bs[b + 1]! += bs[b]!;
    bs.copyWithin(P, 0, buckets + 1);
    for (let i = 0; i < n; i++) {
      const t = time[i]!;
      const b = Math.floor((t - lo) * scale);
      const first = bs[b]!;
      let at = bs[P + b]!++;
      // insertion inside the bucket keeps (time, insertion) order; equal times never move
      while (at > first && time[order[at - 1]!]! > t) {
        order[at] = order[at - 1]!;
        at--;
      }
      order[at] = i;
    }
    return n;
  }
}

/**
 * Items of (key: int, time: float, value: float, a: int, b: int), sortable by (key, time). `sort` orders
 * `order[0..n)` with a typed merge sort: a comparator passed to TypedArray#sort boxes every compared double,
 * and this runs once per unit and step.
 */
export class ItemBuffer {
  n = 0;
  key = new Int32Array(64);
  time = new Float64Array(64);
  value = new Float64Array(64);
  a = new Int32Array(64);
  b = new Int32Array(64);
  /** Item indices in (key, time, insertion) order after `sort`; valid up to `n`. */
  order = new Int32Array(64);
  private spare = new Int32Array(64);

  push(key: number, time: number, value: number, a: number, b: number): void {
    if (this.n === this.key.length) {
      this.key = doubled(this.key);
      this.time = doubled(this.time);
      this.value = doubled(this.value);
      this.a = doubled(this.a);
      this.b = doubled(this.b);
      this.order = new Int32Array(this.key.length);
      this.spare = new Int32Array(this.key.length);
    }
    const i = this.n++;
    this.key[i] = key;
    this.time[i] = time;
    this.value[i] = value;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Fills `order` with 0..n−1 ordered by (key, time, insertion): a stable order, so runs are reproducible. */
  sort(): Int32Array {
    const sorted = stableOrder(this.key, this.time, this.order, this.spare, this.n);
    if (sorted !== this.order) {
      this.spare = this.order;
      this.order = sorted;
    }
    return sorted;
  }
}

/** The most deliveries of one source in one step whose arrivals can be kept (8 bytes each: 4 GiB at the limit). */
export const ARRIVAL_LIMIT = 2 ** 29;

/**
 * Arrival buffers per source for one step, drawn from a pool of freed ones (the smallest that fits), so the
 * memory held is that of the sources whose arrivals are still to be read, not of the whole step, and the pool
 * holds no more buffers than were in use at once (a new buffer replaces the largest free one, too small).
 */
export class ArrivalStore {
  private readonly bySource = new Map<number, Float64Array>();
  private readonly free: Float64Array[] = [];
  /** The buffer the router writes the routed packets' arrivals into (that of the last `open`). */
  current: Float64Array = new Float64Array(0);

  /** Source s's arrivals this step (n entries, to be written), now `current`. */
  open(s: number, n: number): Float64Array {
    if (n > ARRIVAL_LIMIT)
      throw new SpikegridError(
        "RESOURCE_LIMIT",
        `one population's packet deliveries in one step (${n.toLocaleString("en-US")}) pass the ${ARRIVAL_LIMIT.toLocaleString("en-US")} whose arrival times the chip simulator can keep (ARRIVAL_LIMIT)`,
        {
          hint: "simulate a smaller input (zoo setting imageSize) or a mapping with fewer destination cores per neuron",
        },
      );
    this.release(s);
    // the smallest free buffer that fits; else a new one an eighth larger than asked (the next step's traffic
    // of the same source is alike), dropping the largest free one, too small, so the pool keeps no more
    // buffers than were in use at once
    let best = -1;
    let largest = -1;
    for (let k = 0; k < this.free.length; k++) {
      const len = this.free[k]!.length;
      if (len >= n && (best < 0 || len < this.free[best]!.length)) best = k;
      if (largest < 0 || len > this.free[largest]!.length) largest = k;
    }
    const take = best >= 0 ? best : largest;
    const buf =
      best >= 0 ? this.free[best]! : new Float64Array(Math.min(Math.max(1024, n + (n >> 3)), ARRIVAL_LIMIT));
    if (take >= 0) {
      this.free[take] = this.free[this.free.length - 1]!;
      this.free.pop();
    }
    this.bySource.set(s, buf);
    this.current = buf;
    return buf;
  }

  /** Source s's arrivals this step (empty when it sent nothing that is kept). */
  of(s: number): Float64Array {
    return this.bySource.get(s) ?? EMPTY;
  }

  release(s: number): void {
    const buf = this.bySource.get(s);
    if (!buf) return;
    this.bySource.delete(s);
    this.free.push(buf);
  }

  releaseAll(): void {
    for (const s of [...this.bySource.keys()]) this.release(s);
  }

  /** Entries held by the buffers in use and in the pool (what the store costs: 8 bytes each). */
  heldEntries(): number {
    let n = 0;
    for (const b of this.bySource.values()) n += b.length;
    for (const b of this.free) n += b.length;
    return n;
  }
}

const EMPTY = new Float64Array(0);
