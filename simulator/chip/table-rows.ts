// Building blocks of the traffic tables (tables.ts): their shape (row lists shared by the neurons that have the
// same rows, row-pool.ts), a sort for a neuron's few rows, and a sink that turns per-slot synaptic-op counts into
// a neuron's ascending rows.

import { IntList, type RowInts, RowPool } from "./row-pool.js";

export { IntList, type RowInts, RowPool } from "./row-pool.js";

/** Slots from which a destination table of 65,537 to 131,072 cores in use is split (DestTable.high). */
export const HIGH_SLOT = 65536;

/**
 * Per source neuron i, the destination slots its packets reach, ascending: the rows of its list k = listOf[i],
 * slot[rowStart[k]] .. slot[rowStart[k + 1] − 1]. Neurons with the same rows share one list (row-pool.ts). With
 * `high`, list k's rows from high.from[k] on are slots high.at + slot[r], so `slot` stays 16-bit past 65,536
 * cores in use: 2 bytes a row instead of 4 (spikformer-8-512 at 224×224 on spinnaker2-sandia: 462 M of its
 * 599 M rows were 32-bit before lists were shared). Read a row with `slotAt`, or from `highFrom` and `highAt`
 * in a loop.
 */
export interface DestTable {
  listOf: RowInts;
  rowStart: Int32Array;
  slot: RowInts;
  high?: { from: Int32Array; at: number };
}

/**
 * The slot at which the destination tables of `slots` cores in use are split (undefined: not split). Tests
 * lower it to run split tables through the whole chip on small layouts.
 */
export const destSplit = {
  at: (slots: number): number | undefined =>
    slots > HIGH_SLOT && slots <= 2 * HIGH_SLOT ? HIGH_SLOT : undefined,
};

/** The slot of row r, a row of list k, of d. */
export function slotAt(d: DestTable, k: number, r: number): number {
  const h = d.high;
  return h !== undefined && r >= h.from[k]! ? h.at + d.slot[r]! : d.slot[r]!;
}

/** The first row of list k of d whose slot is stored less `highAt(d)` (its rows' end: none). */
export function highFrom(d: DestTable, k: number): number {
  return d.high === undefined ? d.rowStart[k + 1]! : d.high.from[k]!;
}

/** What the rows of a list from `highFrom` on add to their stored slot. */
export function highAt(d: DestTable): number {
  return d.high === undefined ? 0 : d.high.at;
}

/** Rows of source neuron i of d (the length of its list). */
export function rowsOf(d: DestTable, i: number): number {
  const k = d.listOf[i]!;
  return d.rowStart[k + 1]! - d.rowStart[k]!;
}

/** A DestTable with the synaptic ops (nonzero synapses) of each (source neuron, destination slot) row: lists
 * are shared by neurons with the same slots and the same ops. */
export interface SlotTable extends DestTable {
  count: RowInts;
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
 * any number of times), then `end(i)` gives neuron i its list — its slots ascending with their summed ops,
 * stored once for all neurons with the same rows.
 */
export class RowSink {
  private readonly perSlot: Int32Array;
  private readonly touched: Int32Array;
  private readonly ops: Int32Array;
  private nTouched = 0;
  private readonly listOf = new IntList();
  private readonly pool: RowPool;

  constructor(
    slotCount: number,
    private readonly sources: number,
  ) {
    this.pool = new RowPool(slotCount <= 65536, true, false);
    this.perSlot = new Int32Array(slotCount);
    this.touched = new Int32Array(slotCount);
    this.ops = new Int32Array(slotCount);
  }

  /** ops > 0 synaptic ops of the current neuron on `slot`. */
  add(slot: number, ops: number): void {
    if (this.perSlot[slot] === 0) this.touched[this.nTouched++] = slot;
    this.perSlot[slot]! += ops;
  }

  /** Ends neuron i's rows (every neuron before i already ended). */
  end(i: number): void {
    const { touched, perSlot, nTouched, ops } = this;
    if (i !== this.listOf.n) throw new Error(`row sink: neuron ${i} ended out of order`);
    sortSmall(touched, nTouched);
    for (let k = 0; k < nTouched; k++) {
      const s = touched[k]!;
      ops[k] = perSlot[s]!;
      perSlot[s] = 0;
    }
    this.listOf.push(this.pool.add(touched, ops, nTouched));
    this.nTouched = 0;
  }

  done(): SlotTable {
    if (this.listOf.n !== this.sources)
      throw new Error(`row sink: ${this.listOf.n} of ${this.sources} neurons ended`);
    const { rowStart, slot, count } = this.pool.done();
    return { listOf: this.listOf.done(), rowStart, slot, count: count! };
  }
}
