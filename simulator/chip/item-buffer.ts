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
 * at its key's next place, `sorted()` orders each run by time in place, run q (of keys[q]) ending at `end[q]`:
 * 16 bytes an item, and 24 per item of the longest run for its order. Counting first costs a pass over the synapse rows but replaces a sort by
 * key: the count, the key column and a scatter of every item through scratch (a rack-size network's unit
 * steps have up to tens of millions of items).
 *
 * A key's pushes must match its count: `sorted` checks every run and the total, and throws on a mismatch
 * (an internal error: the counting and the pushing disagree).
 */
export class ItemBuffer {
  /** Items pushed since `open`. */
  n = 0;
  /** (time, value) of item j at 2j, 2j + 1, in runs by key, as pushed (in time order after `sorted`). */
  pairs = new Float64Array(128);
  /** One run's times and values in order (`sorted`): as long as the longest run, not all the items. */
  private time = new Float64Array(64);
  private value = new Float64Array(64);
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
    // an eighth more: the next unit steps are alike; nothing held is copied
    if (2 * s > this.pairs.length) this.pairs = new Float64Array(2 * (s + (s >> 3)));
  }

  push(key: number, time: number, value: number): void {
    const at = 2 * this.next[key]!++;
    this.pairs[at] = time;
    this.pairs[at + 1] = value;
    this.n++;
  }

  /**
   * Each key's items by (time, insertion) in place: item k's time at pairs[2k], its value at pairs[2k + 1];
   * run q (of keys[q]) ends at `end[q]`. Stable, so runs are reproducible. Valid until the next `open`.
   */
  sorted(): { pairs: Float64Array; end: Int32Array } {
    const { keys, next, end, pairs } = this;
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
    if (this.time.length < longest) {
      const m = longest + (longest >> 3);
      this.time = new Float64Array(m);
      this.value = new Float64Array(m);
      this.ints = new Int32Array(2 * m + 2);
    }
    const { time, value } = this;
    s = 0;
    for (let q = 0; q < keys.length; q++) {
      const e = end[q]!;
      if (e - s > 1) {
        // ordered into the run-sized columns, then back in place
        pairsByTime(pairs.subarray(2 * s, 2 * e), 0, e - s, time, value, this.ints, 0);
        for (let i = s; i < e; i++) {
          pairs[2 * i] = time[i - s]!;
          pairs[2 * i + 1] = value[i - s]!;
        }
      }
      s = e;
    }
    return { pairs, end };
  }

  /** Empties the buffer; one grown past RELEASE_ENTRIES gives its columns back (as PacketBuffer.release). */
  release(): void {
    this.n = 0;
    this.total = 0;
    if (this.pairs.length <= 2 * RELEASE_ENTRIES) return;
    this.pairs = new Float64Array(128);
    this.time = new Float64Array(64);
    this.value = new Float64Array(64);
    this.ints = new Int32Array(130);
  }
}
