// A shared matrix on one core: a convolution's kernel or a rowwise (per-token linear) [out, in] matrix stored
// once for every row / position the core hosts, when the profile's memory model shares weights (csr or dense
// with `sharedWeights`, conv-shared). What each format charges is in compiler/mapping/README.md.

import type { MemoryModel } from "../../hw-profiles/index.js";
import {
  bitsFor,
  type Connectivity,
  destinationChannel,
  outChannels,
  type Projection,
} from "../nmir/index.js";
import type { SliceSynapses } from "./synapses.js";

export type SharedConn = Connectivity & { kind: "conv1d" | "conv2d" | "rowwise" };

/** A run of destination neurons `start .. start + count − 1` of one node on one core. */
export interface Run {
  start: number;
  count: number;
}

/** A core's slices grouped by node, so each node's runs are charged together (its shared matrix once). */
export function runsByNode<T extends Run>(slices: readonly T[], nodeOf: (s: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const s of slices) {
    const id = nodeOf(s);
    const list = out.get(id);
    if (list) list.push(s);
    else out.set(id, [s]);
  }
  return out;
}

export function isSharedConn(c: Connectivity): c is SharedConn {
  return c.kind === "conv1d" || c.kind === "conv2d" || c.kind === "rowwise";
}

/** Whether the memory model stores a shared matrix once per core rather than per destination neuron. */
export function sharesWeights(m: MemoryModel): boolean {
  return m.kind === "conv-shared" || ((m.kind === "csr" || m.kind === "dense") && m.sharedWeights === true);
}

/** Weights of one output channel: a rowwise matrix row (inFeatures), a conv filter (cin/groups × taps). */
export function weightsPerOut(c: SharedConn): number {
  if (c.kind === "rowwise") return c.kernel[1];
  if (c.kind === "conv1d") return c.kernel[1] * c.kernel[2];
  return c.kernel[1] * c.kernel[2] * c.kernel[3];
}

/** Sources per row: a rowwise row's inFeatures, a conv position's cin/groups channels (one group). */
function sourcesPerRow(c: SharedConn): number {
  return c.kernel[1];
}

/**
 * Distinct output channels (rowwise out-features, conv filters) the runs' neurons belong to: each run's
 * channels are an interval (token-major rowwise: channels cycle with j, so an interval modulo the channel
 * count, split in two where it wraps), and the answer is the length of their union — O(runs log runs), not
 * O(neurons).
 */
export function distinctOutChannels(c: SharedConn, runs: readonly Run[]): number {
  const n = outChannels(c);
  // half-open channel intervals [from[i], to[i])
  const from: number[] = [];
  const to: number[] = [];
  for (const r of runs) {
    if (r.count <= 0) continue;
    if (c.kind === "rowwise" && !c.dstTransposed) {
      // n consecutive neurons of a token-major destination already cover every channel
      if (r.count >= n) return n;
      const first = destinationChannel(c, r.start);
      const stop = first + r.count;
      from.push(first);
      to.push(Math.min(stop, n));
      if (stop > n) {
        from.push(0);
        to.push(stop - n);
      }
    } else {
      // channel-major (conv, feature-major rowwise): a run's channels are one interval
      from.push(destinationChannel(c, r.start));
      to.push(destinationChannel(c, r.start + r.count - 1) + 1);
    }
  }
  const order = from.map((_, i) => i).sort((x, y) => from[x]! - from[y]!);
  let distinct = 0;
  let reached = Number.NEGATIVE_INFINITY;
  for (const i of order) {
    const lo = Math.max(from[i]!, reached);
    const hi = to[i]!;
    if (hi > lo) {
      distinct += hi - lo;
      reached = hi;
    }
  }
  return distinct;
}

/**
 * Bits of projection `c` (weights of `weightBits`) on a core that hosts `runs` of its destination (`total`
 * neurons of the node there): `ones` are the runs' synapse counts, `planes` ≥ 1 bit planes of the source.
 * dense: the hosted channels' weights once. csr: the same as (weight + target index) entries, one list
 * pointer per input feature / channel, and per row read (token, conv input position) an axon entry: a list
 * pointer and a destination base. conv-shared: the whole kernel.
 */
export function sharedMatrixBits(
  c: SharedConn,
  weightBits: number,
  m: MemoryModel,
  runs: readonly Run[],
  ones: readonly SliceSynapses[],
  planes: number,
  total: number,
): number {
  if (m.kind === "conv-shared") return c.weights.length * weightBits * planes;
  const entries = distinctOutChannels(c, runs) * weightsPerOut(c) * planes;
  if (m.kind !== "csr") return entries * weightBits;
  let rows = 0;
  for (const o of ones) rows += Math.ceil(o.sources / sourcesPerRow(c));
  rows *= planes;
  const lists = (c.kind === "rowwise" ? c.kernel[1] : c.inShape[0]) * planes;
  const idx = m.indexBits ?? Math.max(1, bitsFor(total - 1));
  const ptr = Math.max(1, bitsFor(entries));
  const bits = entries * (weightBits + idx) + (lists + 1) * ptr + rows * (ptr + idx);
  const word = m.wordBits ?? 1;
  return Math.ceil(bits / word) * word;
}

/**
 * Bits a second projection with the very same matrix (`sameMatrix`) adds on a core that already stores it:
 * csr its rows' axon entries (a list pointer and a destination base per row read); dense and conv-shared
 * nothing — the core's program adds W·x for every source it is told reads this matrix, so a residual stream's
 * terms read through one per-token linear share one stored copy.
 */
export function sharedMatrixExtraBits(
  c: SharedConn,
  m: MemoryModel,
  runs: readonly Run[],
  ones: readonly SliceSynapses[],
  planes: number,
  total: number,
): number {
  if (m.kind !== "csr") return 0;
  let rows = 0;
  for (const o of ones) rows += Math.ceil(o.sources / sourcesPerRow(c));
  rows *= planes;
  const entries = distinctOutChannels(c, runs) * weightsPerOut(c) * planes;
  const idx = m.indexBits ?? Math.max(1, bitsFor(total - 1));
  const word = m.wordBits ?? 1;
  return Math.ceil((rows * (Math.max(1, bitsFor(entries)) + idx)) / word) * word;
}

/** Same stored matrix: same kind, shape, geometry, weights, width and scale (the sources may differ). */
export function sameMatrix(a: Projection, b: Projection): boolean {
  const x = a.connectivity;
  const y = b.connectivity;
  if (x.kind !== y.kind || !isSharedConn(x) || !isSharedConn(y)) return false;
  if (a.weightBits !== b.weightBits || !sameScale(a, b)) return false;
  const { weights: wx, srcTransposed: _sx, ...gx } = x as SharedConn & { srcTransposed?: boolean };
  const { weights: wy, srcTransposed: _sy, ...gy } = y as SharedConn & { srcTransposed?: boolean };
  if (JSON.stringify(gx) !== JSON.stringify(gy) || wx.length !== wy.length) return false;
  for (let i = 0; i < wx.length; i++) if (wx[i] !== wy[i]) return false;
  return true;
}

function sameScale(a: Projection, b: Projection): boolean {
  const x = a.scale;
  const y = b.scale;
  if (x.kind === "perProjection" || y.kind === "perProjection")
    return x.kind === y.kind && x.kind === "perProjection" && y.kind === "perProjection" && x.exp === y.exp;
  return x.exps.length === y.exps.length && x.exps.every((e, i) => e === y.exps[i]);
}
