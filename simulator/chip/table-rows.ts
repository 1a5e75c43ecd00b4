// Building blocks of the traffic tables (tables.ts): a growable int column that ends 16-bit where it fits, a
// sort for a neuron's few rows, and a sink that turns per-slot synaptic-op counts into a neuron's ascending rows.

/** Row entries: 16 bits when every value fits (slots of fewer than 65,536 cores, counts below 65,536). */
export type RowInts = Int32Array | Uint16Array;

/** CSR over source neurons of destination slots, ascending per neuron. */
export interface DestTable {
  start: Int32Array;
  slot: RowInts;
}

/** A DestTable with the synaptic ops (nonzero synapses) of each (source neuron, destination slot) row. */
export interface SlotTable extends DestTable {
  count: RowInts;
}

/** Non-negative ints filled by push, grown by half again when full; `done` gives the filled part (a copy). */
export class IntList {
  n = 0;
  private a = new Int32Array(1024);
  private max = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(Math.ceil(this.a.length * 1.5));
      b.set(this.a);
      this.a = b;
    }
    if (x > this.max) this.max = x;
    this.a[this.n++] = x;
  }
  /** The values, 16-bit when they fit. */
  done(): RowInts {
    const part = this.a.subarray(0, this.n);
    const out = this.max < 65536 ? Uint16Array.from(part) : part.slice();
    this.a = new Int32Array(0);
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
  private readonly slots = new IntList();
  private readonly counts = new IntList();

  constructor(slotCount: number, sources: number) {
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
