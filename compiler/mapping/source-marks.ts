// The source neurons a core's runs of destination neurons read (traffic between cores): the same set
// forEachSynapse visits, found per convolution group and input position instead of per synapse, so a conv
// core costs its output positions' windows plus its groups' input channels × read positions, and the runs of
// one tile (one per channel, the same positions) read those positions once, not once per channel.

import { type Connectivity, rowwiseIndex, type SparseConn } from "../nmir/index.js";
import type { Run } from "./shared-weights.js";
import { convGeometry, forEachSynapse, windowsOf } from "./synapses.js";

/** Sets mark[src] = 1 for every source neuron with a synapse onto destinations `start .. start + count − 1`. */
export function markSources(c: Connectivity, start: number, count: number, mark: Uint8Array): void {
  visitSources(c, [{ start, count }], (i) => {
    mark[i] = 1;
  });
}

/**
 * Calls `visit(src)` for every source neuron with a synapse onto one of `runs`: convolutions and token-major
 * rowwise projections mostly once per source (a source may repeat when runs of different groups interleave),
 * other kinds once per synapse — the caller drops repeats. Work follows the sources read, not the source
 * population's size. With `visitRange`, a convolution passes stretches of consecutive sources as ranges
 * [lo, hi) instead — a group whose runs read every input position of its channels (a 1×1 conv tile spanning
 * all tokens) as one range, else each channel's runs of ≥ MIN_RANGE consecutive positions read — each source
 * in a range once, and never also passed to `visit`.
 */
export function visitSources(
  c: Connectivity,
  runs: readonly Run[],
  visit: (src: number) => void,
  visitRange?: (lo: number, hi: number) => void,
): void {
  if (c.kind === "conv1d" || c.kind === "conv2d")
    convSources(c, runs, visit, visitRange ?? ((lo, hi) => visitEach(lo, hi, visit)));
  else if (c.kind === "rowwise" && !c.dstTransposed) rowwiseSources(c, runs, visit);
  else if (c.kind === "sparse") sparseSources(c, runs, visit);
  else for (const r of runs) forEachSynapse(c, r.start, r.count, visit);
}

/** A sparse projection's sources by destination (CSC), built once: a run costs its synapses, not every row. */
const bySparseDestination = new WeakMap<SparseConn, { start: Int32Array; src: Int32Array }>();

function sparseSources(c: SparseConn, runs: readonly Run[], visit: (src: number) => void): void {
  let t = bySparseDestination.get(c);
  if (!t) {
    const start = new Int32Array(c.outSize + 1);
    for (let r = 0; r < c.colIdx.length; r++) start[c.colIdx[r]! + 1]!++;
    for (let j = 0; j < c.outSize; j++) start[j + 1]! += start[j]!;
    const fill = start.slice(0, c.outSize);
    const src = new Int32Array(c.colIdx.length);
    for (let i = 0; i < c.inSize; i++)
      for (let r = c.rowPtr[i]!; r < c.rowPtr[i + 1]!; r++) src[fill[c.colIdx[r]!]!++] = i;
    t = { start, src };
    bySparseDestination.set(c, t);
  }
  for (const { start, count } of runs)
    for (let j = start; j < start + count; j++)
      for (let s = t.start[j]!; s < t.start[j + 1]!; s++) visit(t.src[s]!);
}

function visitEach(lo: number, hi: number, visit: (src: number) => void): void {
  for (let i = lo; i < hi; i++) visit(i);
}

/** Whether `list` (input positions, repeats allowed) holds all `inPlane` of them. */
function coversPlane(list: readonly number[], inPlane: number): boolean {
  if (list.length < inPlane) return false;
  const hit = new Uint8Array(inPlane);
  let distinct = 0;
  for (const x of list)
    if (hit[x] === 0) {
      hit[x] = 1;
      distinct++;
    }
  return distinct === inPlane;
}

function convSources(
  c: Connectivity & { kind: "conv1d" | "conv2d" },
  runs: readonly Run[],
  visit: (src: number) => void,
  visitRange: (lo: number, hi: number) => void,
): void {
  const g = convGeometry(c);
  const plane = g.ho * g.wo;
  const inPlane = g.h * g.w;
  const coutG = g.cout / g.groups;
  const win = windowsOf(c);
  // per group, the input positions its channels' parts of the runs read (stamp = group + 1 marks a position
  // as listed for that group); every input channel of the group contributes those positions
  const stamp = new Int32Array(inPlane);
  const read = new Map<number, number[]>();
  for (const { start, count } of runs) {
    const end = start + count;
    for (let j0 = start; j0 < end; ) {
      const q = Math.floor(Math.floor(j0 / plane) / coutG);
      const j1 = Math.min(end, (q + 1) * coutG * plane);
      let list = read.get(q);
      if (!list) {
        list = [];
        read.set(q, list);
      }
      const positions = Math.min(j1 - j0, plane);
      for (let k = 0; k < positions; k++) {
        const p = (j0 + k) % plane;
        for (let s = win.start[p]!; s < win.start[p + 1]!; s++) {
          const x = win.pos[s]!;
          if (stamp[x] !== q + 1) {
            stamp[x] = q + 1;
            list.push(x);
          }
        }
      }
      j0 = j1;
    }
  }
  for (const [q, list] of read) {
    if (coversPlane(list, inPlane)) {
      // the group's input channels are consecutive, each read whole: one range
      const lo = q * g.cinG * inPlane;
      const hi = Math.min(g.cin, (q + 1) * g.cinG) * inPlane;
      if (hi > lo) visitRange(lo, hi);
      continue;
    }
    // every input channel reads the same positions: as intervals (a tile of consecutive positions, a window's
    // rows) each channel's stretch of ≥ MIN_RANGE sources is one range
    let xs: ArrayLike<number> = list;
    let intervals = [[0, list.length]];
    if (g.cinG > 1) {
      const sorted = sortedDistinct(list);
      xs = sorted;
      intervals = consecutiveRuns(sorted);
    }
    for (let cg = 0; cg < g.cinG; cg++) {
      const ci = q * g.cinG + cg;
      if (ci >= g.cin) continue;
      const base = ci * inPlane;
      for (const [k0, k1] of intervals) {
        if (g.cinG > 1 && k1! - k0! >= MIN_RANGE) visitRange(base + xs[k0!]!, base + xs[k1! - 1]! + 1);
        else for (let k = k0!; k < k1!; k++) visit(base + xs[k]!);
      }
    }
  }
}

/** A stretch of consecutive sources shorter than this is visited source by source. */
const MIN_RANGE = 8;

function sortedDistinct(list: readonly number[]): Int32Array {
  const xs = Int32Array.from(list).sort();
  let n = 0;
  for (let k = 0; k < xs.length; k++) if (k === 0 || xs[k] !== xs[k - 1]) xs[n++] = xs[k]!;
  return xs.subarray(0, n);
}

/** Index intervals [k0, k1) of runs of consecutive values in ascending `xs`. */
function consecutiveRuns(xs: Int32Array): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < xs.length; ) {
    let e = k + 1;
    while (e < xs.length && xs[e] === xs[e - 1]! + 1) e++;
    out.push([k, e]);
    k = e;
  }
  return out;
}

/** Token-major rowwise: destination j is (row ⌊j / out⌋, feature j mod out) and reads every input of its row. */
function rowwiseSources(
  c: Connectivity & { kind: "rowwise" },
  runs: readonly Run[],
  visit: (src: number) => void,
): void {
  const [nOut, nIn] = c.kernel;
  const { src } = rowwiseIndex(c);
  const rows = new Set<number>();
  for (const { start, count } of runs) {
    if (count <= 0) continue;
    const r1 = Math.floor((start + count - 1) / nOut);
    for (let r = Math.floor(start / nOut); r <= r1; r++) rows.add(r);
  }
  for (const r of rows) for (let i = 0; i < nIn; i++) visit(src(r, i));
}
