// The time order of one core's work items (item-buffer.ts): the run bucketed by time with the items themselves
// moved, not indices to them, so every pass but the scatter reads and writes in sequence. Where the former
// order sorted indices and gathered through them (a random read per item per pass over runs of hundreds of
// thousands), measured on 10 of a rack-size network's largest unit steps (0.7–3.9 M items on 9–74 cores,
// recorded from a run, warm scratch), 35.6 ns an item went to 27.5 (with the sort by core it then still had).

import { MAX_DEPTH, mergeRunByTime, SMALL_RUN } from "./time-order.js";

/**
 * pairs[2s ..2e) (time, value, …) into time[s..e) and value[s..e) stably by time: bucketed over the run's
 * [min, max], one bucket an item, each bucket of two or more refined (by insertion, or the same way when
 * crowded). The pairs' places are free after (a refined bucket reuses its own). `ints`: at least 2 (e − s) + 2.
 */
export function pairsByTime(
  pairs: Float64Array,
  s: number,
  e: number,
  time: Float64Array,
  value: Float64Array,
  ints: Int32Array,
  depth: number,
): void {
  const m = e - s;
  if (m <= SMALL_RUN) {
    unpair(pairs, s, e, time, value);
    insertionPairs(time, value, s, e);
    return;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 2 * s; i < 2 * e; i += 2) {
    const t = pairs[i]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (hi === lo) {
    // all equal: insertion order
    unpair(pairs, s, e, time, value);
    return;
  }
  const scale = (m - 1) / (hi - lo);
  if (!(hi > lo) || depth >= MAX_DEPTH || !(scale > 0 && Number.isFinite(scale))) {
    // spread over too many scales
    mergePairs(pairs, s, e, time, value, ints);
    return;
  }
  // counts, then next free places, in ints[0..m]; floor((t − lo)·scale) is monotone in t and in [0, m − 1]
  ints.fill(0, 0, m + 1);
  let crowded = 0;
  for (let i = 2 * s; i < 2 * e; i += 2) {
    const c = ++ints[Math.floor((pairs[i]! - lo) * scale) + 1]!;
    if (c > crowded) crowded = c;
  }
  if (crowded === m) {
    mergePairs(pairs, s, e, time, value, ints);
    return;
  }
  for (let b = 0; b < m; b++) ints[b + 1]! += ints[b]!;
  for (let i = 2 * s; i < 2 * e; i += 2) {
    const t = pairs[i]!;
    const at = s + ints[Math.floor((t - lo) * scale)]!++;
    time[at] = t;
    value[at] = pairs[i + 1]!;
  }
  if (crowded === 1) return;
  // each bucket of two or more, found again by the same expression (the counts are free for its round)
  let r = s;
  while (r < e) {
    const b = Math.floor((time[r]! - lo) * scale);
    let q = r + 1;
    while (q < e && Math.floor((time[q]! - lo) * scale) === b) q++;
    if (q - r > SMALL_RUN) {
      for (let i = r; i < q; i++) {
        pairs[2 * i] = time[i]!;
        pairs[2 * i + 1] = value[i]!;
      }
      pairsByTime(pairs, r, q, time, value, ints, depth + 1);
    } else if (q - r > 1) insertionPairs(time, value, r, q);
    r = q;
  }
}

/** pairs[2s ..2e) into time[s..e) and value[s..e) as they are. */
function unpair(pairs: Float64Array, s: number, e: number, time: Float64Array, value: Float64Array): void {
  for (let i = s; i < e; i++) {
    time[i] = pairs[2 * i]!;
    value[i] = pairs[2 * i + 1]!;
  }
}

/** pairsByTime by a stable merge sort of the pairs' positions (ints: 2 (e − s)). */
function mergePairs(
  pairs: Float64Array,
  s: number,
  e: number,
  time: Float64Array,
  value: Float64Array,
  ints: Int32Array,
): void {
  const m = e - s;
  const order = ints.subarray(0, m);
  for (let j = 0; j < m; j++) order[j] = 2 * (s + j);
  mergeRunByTime(pairs, order, 0, m, ints.subarray(m));
  for (let j = 0; j < m; j++) {
    const p = order[j]!;
    time[s + j] = pairs[p]!;
    value[s + j] = pairs[p + 1]!;
  }
}

/** time[s..e) and value[s..e) stably by time, by insertion. */
function insertionPairs(time: Float64Array, value: Float64Array, s: number, e: number): void {
  for (let i = s + 1; i < e; i++) {
    const t = time[i]!;
    if (!(time[i - 1]! > t)) continue;
    const v = value[i]!;
    let j = i;
    while (j > s && time[j - 1]! > t) {
      time[j] = time[j - 1]!;
      value[j] = value[j - 1]!;
      j--;
    }
    time[j] = t;
    value[j] = v;
  }
}
