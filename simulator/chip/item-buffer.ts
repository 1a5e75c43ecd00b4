// A unit step's work items — (core, time, cycles): a synapse row's work on its core, waiting for its packet —
// pushed straight into one run per core, then each run put in time order (item-order.ts), so the chip model
// reads every core's work in arrival order without a sort by core.

import { pairsByTime } from "./item-order.js";
import { RELEASE_ENTRIES } from "./scratch.js";

/**
 * Items of (key, time, value) for a given list of keys, read back each key's in (time, insertion) order.
 *
 * Use: `begin(keys, size)` gives zeroed counts for the keys, the caller adds how many items each will get,
 * `open()` lays out one run per key in the list's order, `push` writes an item (time and value side by side)
 * at its key's next place, `sorted()` orders each run by time into the `time` and `value` columns, run q
 * (of keys[q]) ending at `end[q]`. Counting first costs a pass over the synapse rows but replaces a sort by
 * key: the count, the key column and a scatter of every item through scratch (a rack-size network's unit
 * steps have up to tens of millions of items).
 *
 * A key's pushes must match its count: `sorted` checks every run and the total, and throws on a mismatch
 * (an internal error: the counting and the pushing disagree).
 */
export class ItemBuffer {
  /** Items pushed since `open`. */
  n = 0;
  /** The sorted runs' times and values (`sorted`): key q's in [end[q − 1], end[q]). */
  time = new Float64Array(64);
  value = new Float64Array(64);
  /** (time, value) of item j at 2j, 2j + 1, in runs by key, as pushed. */
  private pairs = new Float64Array(128);
  /** By key: its count before `open`, then the next place of its run. */
  private next = new Int32Array(0);
  private keys: ArrayLike<number> = [];
  private end = new Int32Array(0);
  private total = 0;
  /** Counts for a run's bucket rounds (2 × the longest run + 2). */
  private ints = new Int32Array(130);

  /** Zeroed counts for `keys` (distinct, each below `size`), indexed by key, for the caller to add to. */
  begin(keys: ArrayLike<number>, size: number): Int32Array {
    if (this.next.length < size) this.next = new Int32Array(size);
    for (let q = 0; q < keys.length; q++) this.next[keys[q]!] = 0;
    this.keys = keys;
    if (this.end.length < keys.length) this.end = new Int32Array(keys.length);
    return this.next;
  }

  /** One run per key, in the order `begin` gave them, of the counted length; room for all their items. */
  open(): void {
    const { keys, next, end } = this;
    let s = 0;
    for (let q = 0; q < keys.length; q++) {
      const c = next[keys[q]!]!;
      next[keys[q]!] = s;
      s += c;
      end[q] = s;
    }
    this.total = s;
    this.n = 0;
    if (2 * s > this.pairs.length) {
      // an eighth more: the next unit steps are alike; nothing held is copied
      const m = s + (s >> 3);
      this.pairs = new Float64Array(2 * m);
      this.time = new Float64Array(m);
      this.value = new Float64Array(m);
    }
  }

  push(key: number, time: number, value: number): void {
    const at = 2 * this.next[key]!++;
    this.pairs[at] = time;
    this.pairs[at + 1] = value;
    this.n++;
  }

  /**
   * Each key's items by (time, insertion) into the `time` and `value` columns (stable, so runs are
   * reproducible); `end[q]`: where the run of keys[q] ends. Valid until the next `open`.
   */
  sorted(): { time: Float64Array; value: Float64Array; end: Int32Array } {
    const { keys, next, end } = this;
    if (this.n !== this.total)
      throw new Error(`ItemBuffer: ${this.n} items pushed where ${this.total} were counted`);
    let s = 0;
    let longest = 0;
    for (let q = 0; q < keys.length; q++) {
      if (next[keys[q]!] !== end[q])
        throw new Error(
          `ItemBuffer: key ${keys[q]} got ${next[keys[q]!]! - s} items where ${end[q]! - s} were counted`,
        );
      longest = Math.max(longest, end[q]! - s);
      s = end[q]!;
    }
    if (this.ints.length < 2 * longest + 2) this.ints = new Int32Array(2 * longest + 2 + (longest >> 1));
    s = 0;
    for (let q = 0; q < keys.length; q++) {
      const e = end[q]!;
      if (e > s) pairsByTime(this.pairs, s, e, this.time, this.value, this.ints, 0);
      s = e;
    }
    return { time: this.time, value: this.value, end: this.end };
  }

  /** Empties the buffer; one grown past RELEASE_ENTRIES gives its columns back (as PacketBuffer.release). */
  release(): void {
    this.n = 0;
    this.total = 0;
    if (this.time.length <= RELEASE_ENTRIES) return;
    this.pairs = new Float64Array(128);
    this.time = new Float64Array(64);
    this.value = new Float64Array(64);
    this.ints = new Int32Array(130);
  }
}
