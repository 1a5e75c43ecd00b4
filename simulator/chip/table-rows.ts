// Building blocks of the traffic tables (tables.ts): a growable int column that ends 8- or 16-bit where it fits, a
// sort for a neuron's few rows, and a sink that turns per-slot synaptic-op counts into a neuron's ascending rows.

/**
 * Row entries: 8 bits when every value fits (synaptic ops per row below 256: most rows of a tiled network), 16
 * when every value is below 65,536 (slots of fewer than 65,537 cores), else 32.
 */
export type RowInts = Int32Array | Uint16Array | Uint8Array;

/** Slots from which a destination table of 65,537 to 131,072 cores in use is split (DestTable.high). */
export const HIGH_SLOT = 65536;

/**
 * CSR over source neurons of destination slots, ascending per neuron. With `high`, neuron i's rows from
 * high.row[i] on (to start[i + 1]) are slots high.at + slot[r], so `slot` stays 16-bit past 65,536 cores in
 * use: 2 bytes a row instead of 4, for 4 more a neuron (spikformer-8-512 at 224×224 on spinnaker2-sandia: 462 M
 * of its 599 M rows were 32-bit). Read a row with `rowSlot`, or from `highRow` and `highAt` in a loop.
 */
export interface DestTable {
  start: Int32Array;
  slot: RowInts;
  high?: { row: Int32Array; at: number };
}

/**
 * The slot at which the destination tables of `slots` cores in use are split (undefined: not split). Tests
 * lower it to run split tables through the whole chip on small layouts.
 */
export const destSplit = {
  at: (slots: number): number | undefined =>
    slots > HIGH_SLOT && slots <= 2 * HIGH_SLOT ? HIGH_SLOT : undefined,
};

/** The slot of row r, a row of neuron i, of d. */
export function rowSlot(d: DestTable, i: number, r: number): number {
  const h = d.high;
  return h !== undefined && r >= h.row[i]! ? h.at + d.slot[r]! : d.slot[r]!;
}

/** The first row of neuron i of d whose slot is stored less `highAt(d)` (its rows' end: none). */
export function highRow(d: DestTable, i: number): number {
  return d.high === undefined ? d.start[i + 1]! : d.high.row[i]!;
}

/** What the rows of a neuron from `highRow` on add to their stored slot. */
export function highAt(d: DestTable): number {
  return d.high === undefined ? 0 : d.high.at;
}

/** A DestTable with the synaptic ops (nonzero synapses) of each (source neuron, destination slot) row. */
export interface SlotTable extends DestTable {
  count: RowInts;
}

/**
 * Non-negative ints filled by push, in chunks (a table's rows run to hundreds of millions: growing one array
 * copied it again and again, and kept up to half of it unused); `done` gives them in one array, 8- or 16-bit
 * when every value fits. `narrow`: every value is known to be below 65,536, so the chunks are 16-bit too.
 */
export class IntList {
  n = 0;
  private readonly full: (Int32Array | Uint16Array)[] = [];
  private cur: Int32Array | Uint16Array;
  private at = 0;
  private max = 0;

  constructor(private readonly narrow = false) {
    this.cur = narrow ? new Uint16Array(1024) : new Int32Array(1024);
  }

  push(x: number): void {
    if (this.at === this.cur.length) this.next();
    if (x > this.max) this.max = x;
    this.cur[this.at++] = x;
    this.n++;
  }

  /** A new chunk, twice the last up to 2^20 entries. */
  private next(): void {
    this.full.push(this.cur);
    const size = Math.min(2 ** 20, 2 * this.cur.length);
    this.cur = this.narrow ? new Uint16Array(size) : new Int32Array(size);
    this.at = 0;
  }

  /** The values, 8- or 16-bit when they fit. */
  done(): RowInts {
    const n = this.n;
    const out =
      this.max < 256 ? new Uint8Array(n) : this.max < 65536 ? new Uint16Array(n) : new Int32Array(n);
    let o = 0;
    for (const c of this.full) {
      out.set(c, o);
      o += c.length;
    }
    out.set(this.cur.subarray(0, this.at), o);
    this.full.length = 0;
    this.cur = new Int32Array(0);
    return out;
  }
}

/** Sorts the first n entries ascending (insertion sort for the usual few rows of a neuron). */
export function sortSmall(x: Int32Array, n: number): void {
  if (n > 32) {
    // rows found in slot order (a tiled destination walked in order) need no sort
    let k = 1;
    while (k < n && x[k - 1]! <= x[k]!) k++;
    if (k < n) x.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = x[i]!;
    let j = i - 1;
    while (j >= 0 && x[j]! > v) {
      x[j + 1] = x[j]!;
      j--;
    }
    x[j + 1] = v;
  }
}

/**
 * Collects a SlotTable neuron by neuron, in neuron order: `add` synaptic ops on a slot (any order, a slot
 * any number of times), then `end(i)` writes neuron i's rows — its slots ascending with their summed ops.
 */
export class RowSink {
  private readonly perSlot: Int32Array;
  private readonly touched: Int32Array;
  private nTouched = 0;
  private readonly start: Int32Array;
  private readonly slots: IntList;
  private readonly counts = new IntList();

  constructor(slotCount: number, sources: number) {
    this.slots = new IntList(slotCount <= 65536);
    this.perSlot = new Int32Array(slotCount);
    this.touched = new Int32Array(slotCount);
    this.start = new Int32Array(sources + 1);
  }

  /** ops > 0 synaptic ops of the current neuron on `slot`. */
  add(slot: number, ops: number): void {
    if (this.perSlot[slot] === 0) this.touched[this.nTouched++] = slot;
    this.perSlot[slot]! += ops;
  }

  /** Ends neuron i's rows (every neuron before i already ended). */
  end(i: number): void {
    const { touched, perSlot, nTouched } = this;
    sortSmall(touched, nTouched);
    for (let k = 0; k < nTouched; k++) {
      const s = touched[k]!;
      this.slots.push(s);
      this.counts.push(perSlot[s]!);
      perSlot[s] = 0;
    }
    this.nTouched = 0;
    this.start[i + 1] = this.slots.n;
  }

  done(): SlotTable {
    return { start: this.start, slot: this.slots.done(), count: this.counts.done() };
  }
}
