// Stable orders of buffer indices by time for the chip model's per-phase work (scratch.ts; the (key, time)
// order of work items is item-order.ts): groups of equal times ordered as groups, a few ascending runs merged,
// anything else bucketed by time and refined bucket by bucket (most significant first), O(n) for the times a
// phase makes however they crowd — equal times, a few distinct ones, a far outlier.

/** A run this short is sorted by insertion (here and in item-order.ts). */
export const SMALL_RUN = 16;
/** Bucketing rounds before a run is merge sorted (times spread over many scales: rare). */
export const MAX_DEPTH = 6;

/**
 * order[s..e) stably by time[order[k]] (ties keep their order): bucketed over the run's [min, max] into one
 * bucket per index, each bucket then refined the same way. `tmp` is scratch, at least 2 (e − s) + 2 long.
 */
export function sortRunByTime(
  time: Float64Array,
  order: Int32Array,
  s: number,
  e: number,
  tmp: Int32Array,
  depth = 0,
): void {
  const m = e - s;
  if (m < 2) return;
  if (m <= SMALL_RUN) {
    insertionByTime(time, order, s, e);
    return;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = s; k < e; k++) {
    const t = time[order[k]!]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (!(hi > lo)) {
    // all equal: already in insertion order (NaN never happens; a run with one would merge below)
    if (hi === lo) return;
    mergeRunByTime(time, order, s, e, tmp);
    return;
  }
  const scale = (m - 1) / (hi - lo);
  if (depth >= MAX_DEPTH || !(scale > 0 && Number.isFinite(scale))) {
    mergeRunByTime(time, order, s, e, tmp);
    return;
  }
  // counts (then next free places) in tmp[0..m], the scattered run in tmp[m + 1 ..]; floor((t − lo)·scale) is
  // monotone in t and in [0, m − 1], so buckets follow time order
  tmp.fill(0, 0, m + 1);
  let crowded = 0;
  for (let k = s; k < e; k++) {
    const b = Math.floor((time[order[k]!]! - lo) * scale) + 1;
    const c = ++tmp[b]!;
    if (c > crowded) crowded = c;
  }
  if (crowded === m) {
    // one bucket holds everything (cannot happen with hi > lo, but never loop)
    mergeRunByTime(time, order, s, e, tmp);
    return;
  }
  for (let b = 0; b < m; b++) tmp[b + 1]! += tmp[b]!;
  const out = m + 1;
  for (let k = s; k < e; k++) {
    const x = order[k]!;
    const b = Math.floor((time[x]! - lo) * scale);
    tmp[out + tmp[b]!++] = x;
  }
  order.set(tmp.subarray(out, out + m), s);
  if (crowded > 1) walkBuckets(time, order, s, e, lo, scale, tmp, depth + 1);
}

/**
 * Each bucket of two or more of order[s..e) (bucketed by floor((t − lo)·scale)) sorted in turn, found again
 * by the same expression: nothing stored per bucket.
 */
function walkBuckets(
  time: Float64Array,
  order: Int32Array,
  s: number,
  e: number,
  lo: number,
  scale: number,
  tmp: Int32Array,
  depth: number,
): void {
  let r = s;
  while (r < e) {
    const b = Math.floor((time[order[r]!]! - lo) * scale);
    let q = r + 1;
    while (q < e && Math.floor((time[order[q]!]! - lo) * scale) === b) q++;
    if (q - r > 1) sortRunByTime(time, order, r, q, tmp, depth);
    r = q;
  }
}

/**
 * Fewer ascending runs than this are merged rather than bucketed: a phase's packets leave each core in time
 * order and its cores' neurons come one core after the other, so a large phase is often a few runs (a
 * rack-size phase of 7 M packets: 8). Measured on that phase: 8 runs merged in 11.6 ns a packet, against 25–28
 * bucketed; its 200 blocks reordered: 23 merged (8 passes), 25–28 bucketed.
 */
const MERGE_RUNS = 64;

/**
 * order[0..n) (the identity) stably by time when time[0..n) is a few ascending runs: adjacent runs
 * merged pairwise, the left one first on ties, through tmp (≥ n). Times are not NaN (the caller checked).
 */
function mergeAscendingRuns(time: Float64Array, order: Int32Array, n: number, tmp: Int32Array): void {
  let bounds = [0];
  for (let i = 1; i < n; i++) if (time[i]! < time[i - 1]!) bounds.push(i);
  bounds.push(n);
  let src = order;
  let dst = tmp;
  while (bounds.length > 2) {
    const next = [0];
    for (let j = 0; j + 1 < bounds.length; j += 2) {
      const lo = bounds[j]!;
      const mid = bounds[j + 1]!;
      const hi = j + 2 < bounds.length ? bounds[j + 2]! : mid;
      mergePair(time, src, dst, lo, mid, hi);
      if (hi < n) next.push(hi);
    }
    next.push(n);
    bounds = next;
    [src, dst] = [dst, src];
  }
  if (src !== order) order.set(src.subarray(0, n));
}

/** dst[lo..hi) = src[lo..mid) and src[mid..hi) merged by time, the left run first on ties. */
function mergePair(
  time: Float64Array,
  src: Int32Array,
  dst: Int32Array,
  lo: number,
  mid: number,
  hi: number,
): void {
  let i = lo;
  let j = mid;
  let k = lo;
  if (i < mid && j < hi) {
    let x = src[i]!;
    let y = src[j]!;
    let tx = time[x]!;
    let ty = time[y]!;
    for (;;) {
      if (ty < tx) {
        dst[k++] = y;
        if (++j === hi) break;
        y = src[j]!;
        ty = time[y]!;
      } else {
        dst[k++] = x;
        if (++i === mid) break;
        x = src[i]!;
        tx = time[x]!;
      }
    }
  }
  while (i < mid) dst[k++] = src[i++]!;
  while (j < hi) dst[k++] = src[j++]!;
}

/** Scratch of at least `size` indices (the caller's buffer, grown when short). */
export type Scratch = (size: number) => Int32Array;

/**
 * Groups of equal consecutive times at most this share of the times: the groups are ordered instead. Where
 * sending costs a core no cycles (Loihi 2 profiles) a spike's packets, one a destination core, leave at one
 * time: a rack-size network's largest phases have groups of 37–74, and were ordered in 4.0 ns a packet against
 * 14.7 as runs or buckets (8 phases of 0.7–3.3 M packets recorded from a run, warm scratch).
 */
const GROUPED = 4;

/**
 * 0..n − 1 into `order` stably ordered by time. Where times come in groups of equal consecutive times, the
 * groups are ordered (by their time, the same way) and expanded; where they come in a few ascending runs, the
 * runs are merged; otherwise counted into one bucket an index over [min, max] straight from insertion order,
 * then each bucket of two or more refined (`sortRunByTime`). Scratch: n + 1 indices, and twice the largest
 * bucket (not 2n: a phase has tens of millions of packets).
 */
export function orderByTime(time: Float64Array, n: number, order: Int32Array, scratch: Scratch): void {
  if (n <= SMALL_RUN) {
    for (let i = 0; i < n; i++) order[i] = i;
    insertionByTime(time, order, 0, n);
    return;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let descents = 0;
  let groups = 1;
  let last = time[0]!;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
    if (t !== last) {
      groups++;
      if (t < last) descents++;
      last = t;
    }
  }
  if (descents > 0 && groups * GROUPED <= n) {
    orderGroups(time, n, groups, order, scratch);
    return;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  if (hi === lo || descents === 0) return;
  if (descents < MERGE_RUNS) {
    mergeAscendingRuns(time, order, n, scratch(n));
    return;
  }
  const scale = (n - 1) / (hi - lo);
  if (!(hi > lo && scale > 0 && Number.isFinite(scale))) {
    mergeRunByTime(time, order, 0, n, scratch(n));
    return;
  }
  const count = scratch(n + 1);
  count.fill(0, 0, n + 1);
  let crowded = 0;
  for (let i = 0; i < n; i++) {
    const c = ++count[Math.floor((time[i]! - lo) * scale) + 1]!;
    if (c > crowded) crowded = c;
  }
  for (let b = 0; b < n; b++) count[b + 1]! += count[b]!;
  for (let i = 0; i < n; i++) order[count[Math.floor((time[i]! - lo) * scale)]!++] = i;
  if (crowded === 1) return;
  const tmp = scratch(2 * crowded + 2);
  walkBuckets(time, order, 0, n, lo, scale, tmp, 1);
}

/**
 * orderByTime over the `groups` maximal groups of equal consecutive times: the groups' first indices ordered
 * by their times (stably: equal groups keep their order, as their members would), then each group's indices
 * written in turn. Stable as the members' own order would be, in two passes in sequence over the times.
 */
function orderGroups(
  time: Float64Array,
  n: number,
  groups: number,
  order: Int32Array,
  scratch: Scratch,
): void {
  // a quarter of the packets at most: allocated, so the group order below has the caller's scratch to itself
  const groupTime = new Float64Array(groups);
  const start = new Int32Array(groups + 1);
  let g = 0;
  groupTime[0] = time[0]!;
  for (let i = 1; i < n; i++) {
    if (time[i] !== time[i - 1]) {
      g++;
      groupTime[g] = time[i]!;
      start[g] = i;
    }
  }
  start[groups] = n;
  const groupOrder = new Int32Array(groups);
  orderByTime(groupTime, groups, groupOrder, scratch);
  let k = 0;
  for (let j = 0; j < groups; j++) {
    const q = groupOrder[j]!;
    const end = start[q + 1]!;
    for (let i = start[q]!; i < end; i++) order[k++] = i;
  }
}

function insertionByTime(time: Float64Array, order: Int32Array, s: number, e: number): void {
  for (let i = s + 1; i < e; i++) {
    const x = order[i]!;
    const t = time[x]!;
    let j = i;
    while (j > s && time[order[j - 1]!]! > t) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = x;
  }
}

/** order[s..e) stably by time: runs of 8 by insertion, then bottom-up merges through tmp[0..e − s). */
export function mergeRunByTime(
  time: Float64Array,
  order: Int32Array,
  s: number,
  e: number,
  tmp: Int32Array,
): void {
  const m = e - s;
  const RUN = 8;
  for (let a = s; a < e; a += RUN) insertionByTime(time, order, a, Math.min(e, a + RUN));
  // src/dst alternate between order (offset s) and tmp (offset 0)
  let src = order;
  let so = s;
  let dst = tmp;
  let dOff = 0;
  for (let width = RUN; width < m; width *= 2) {
    for (let lo = 0; lo < m; lo += 2 * width) {
      const mid = Math.min(m, lo + width);
      const hi = Math.min(m, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const x = src[so + i]!;
        const y = src[so + j]!;
        if (time[y]! < time[x]!) {
          dst[dOff + k++] = y;
          j++;
        } else {
          dst[dOff + k++] = x;
          i++;
        }
      }
      while (i < mid) dst[dOff + k++] = src[so + i++]!;
      while (j < hi) dst[dOff + k++] = src[so + j++]!;
    }
    [src, dst] = [dst, src];
    [so, dOff] = [dOff, so];
  }
  if (src !== order) order.set(tmp.subarray(0, m), s);
}
