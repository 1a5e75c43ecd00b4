// Synapse-level facts about a run of destination neurons of one projection: how many synapses land there,
// how many distinct source neurons (input axons) they come from, and how many distinct weight values each
// destination neuron uses (TrueNorth's axon types). Counts come in closed form where the connectivity has one
// (conv: conv-counts.ts; rowwise), else cost O(synapses of the slice) (O(nnz) for sparse).

import { assertNever } from "../../common/errors.js";
import {
  type Connectivity,
  connInSize,
  connOutSize,
  destinationChannel,
  rowwiseIndex,
} from "../nmir/index.js";
import { convGeometry, convSliceSynapses, tapRange } from "./conv-counts.js";

export { convGeometry } from "./conv-counts.js";

/** Calls `f(src, dst, weightIndex)` for every synapse whose destination is in `start .. start + count − 1`. */
export function forEachSynapse(
  c: Connectivity,
  start: number,
  count: number,
  f: (src: number, dst: number, w: number) => void,
): void {
  const end = start + count;
  switch (c.kind) {
    case "dense":
      for (let j = start; j < end; j++) for (let i = 0; i < c.inSize; i++) f(i, j, j * c.inSize + i);
      return;
    case "sparse":
      for (let i = 0; i < c.inSize; i++) {
        for (let r = c.rowPtr[i] ?? 0; r < (c.rowPtr[i + 1] ?? 0); r++) {
          const j = c.colIdx[r] ?? -1;
          if (j >= start && j < end) f(i, j, r);
        }
      }
      return;
    case "oneToOne":
      for (let j = start; j < end; j++) f(j, j, c.weights.length === 1 ? 0 : j);
      return;
    case "conv1d": {
      const [cin, len] = c.inShape;
      const lout = c.outShape[1];
      const [cout, cinG, k] = c.kernel;
      const coutG = cout / c.groups;
      for (let j = start; j < end; j++) {
        const co = Math.floor(j / lout);
        const l = j % lout;
        const q = Math.floor(co / coutG);
        for (let cg = 0; cg < cinG; cg++) {
          const ci = q * cinG + cg;
          if (ci >= cin) continue;
          for (let t = 0; t < k; t++) {
            const i = l * c.stride - c.padding + t * c.dilation;
            if (i >= 0 && i < len) f(ci * len + i, j, (co * cinG + cg) * k + t);
          }
        }
      }
      return;
    }
    case "conv2d": {
      const [cin, h, w] = c.inShape;
      const [, hout, wout] = c.outShape;
      const [cout, cinG, kh, kw] = c.kernel;
      const coutG = cout / c.groups;
      const plane = hout * wout;
      for (let j = start; j < end; j++) {
        const co = Math.floor(j / plane);
        const r = Math.floor((j % plane) / wout);
        const col = j % wout;
        const q = Math.floor(co / coutG);
        for (let cg = 0; cg < cinG; cg++) {
          const ci = q * cinG + cg;
          if (ci >= cin) continue;
          for (let ty = 0; ty < kh; ty++) {
            const y = r * c.stride[0] - c.padding[0] + ty * c.dilation[0];
            if (y < 0 || y >= h) continue;
            for (let tx = 0; tx < kw; tx++) {
              const x = col * c.stride[1] - c.padding[1] + tx * c.dilation[1];
              if (x >= 0 && x < w) f((ci * h + y) * w + x, j, ((co * cinG + cg) * kh + ty) * kw + tx);
            }
          }
        }
      }
      return;
    }
    case "rowwise": {
      const [nOut, nIn] = c.kernel;
      const { src } = rowwiseIndex(c);
      for (let j = start; j < end; j++) {
        const o = destinationChannel(c, j);
        const r = c.dstTransposed ? j % c.rows : Math.floor(j / nOut);
        for (let i = 0; i < nIn; i++) f(src(r, i), j, o * nIn + i);
      }
      return;
    }
    default:
      assertNever(c, "connectivity");
  }
}

export interface SliceSynapses {
  synapses: number;
  /** Distinct source neurons. */
  sources: number;
}

/** Counts of whole connectivities: the lower bound and every profile's demand check ask for them again. */
const wholeCounts = new WeakMap<Connectivity, SliceSynapses>();

/** Synapses and distinct sources of destination neurons `start .. start + count − 1`. */
export function sliceSynapses(c: Connectivity, start: number, count: number): SliceSynapses {
  if (count <= 0) return { synapses: 0, sources: 0 };
  if (start !== 0 || count !== connOutSize(c)) return countSlice(c, start, count);
  let whole = wholeCounts.get(c);
  if (!whole) {
    whole = countSlice(c, 0, count);
    wholeCounts.set(c, whole);
  }
  return { ...whole };
}

function countSlice(c: Connectivity, start: number, count: number): SliceSynapses {
  if (c.kind === "dense") return { synapses: c.inSize * count, sources: c.inSize };
  if (c.kind === "oneToOne") return { synapses: count, sources: count };
  if (c.kind === "rowwise") {
    // every destination reads the inFeatures sources of its row. Distinct rows of consecutive destinations:
    // row-major, rows ⌊j / nOut⌋ form one run; transposed, rows j mod rows cycle, so min(count, rows).
    const nOut = c.kernel[0];
    const distinct = c.dstTransposed
      ? Math.min(count, c.rows)
      : Math.floor((start + count - 1) / nOut) - Math.floor(start / nOut) + 1;
    return { synapses: count * c.kernel[1], sources: distinct * c.kernel[1] };
  }
  if (c.kind === "conv1d" || c.kind === "conv2d") return convSliceSynapses(c, start, count);
  if (c.kind === "sparse") return sparseSliceSynapses(c, start, count);
  const seen = new Uint8Array(connInSize(c));
  let synapses = 0;
  let sources = 0;
  forEachSynapse(c, start, count, (i) => {
    synapses++;
    if (seen[i] === 0) {
      seen[i] = 1;
      sources++;
    }
  });
  return { synapses, sources };
}

/**
 * The largest number of distinct nonzero weight values any destination neuron reads (over all neurons). With
 * `planes` = b > 0 (a bit-plane encoded source, encoding.ts) each weight w stands for w·2^i (i < b − 1) and
 * −w·2^(b−1).
 */
export function maxDistinctWeights(c: Connectivity, planes = 0): number {
  const out = connOutSize(c);
  const perNeuron: Set<number>[] = Array.from({ length: out }, () => new Set<number>());
  forEachSynapse(c, 0, out, (_i, j, w) => {
    const v = c.weights[w] ?? 0;
    if (v === 0) return;
    if (planes === 0) perNeuron[j]?.add(v);
    for (let b = 0; b < planes; b++) perNeuron[j]?.add(b === planes - 1 ? -v * 2 ** b : v * 2 ** b);
  });
  return perNeuron.reduce((a, s) => Math.max(a, s.size), 0);
}

/** The largest number of synapses leaving any one source neuron. */
export function maxFanOut(c: Connectivity): number {
  const counts = new Int32Array(connInSize(c));
  forEachSynapse(c, 0, connOutSize(c), (i) => {
    counts[i] = (counts[i] ?? 0) + 1;
  });
  return counts.reduce((a, b) => Math.max(a, b), 0);
}

/** In-range input positions each output position reads (input plane index lists), computed once per conv. */
const convWindows = new WeakMap<Connectivity, { start: Int32Array; pos: Int32Array }>();

export function windowsOf(c: Connectivity & { kind: "conv1d" | "conv2d" }) {
  let t = convWindows.get(c);
  if (t) return t;
  const g = convGeometry(c);
  const plane = g.ho * g.wo;
  const start = new Int32Array(plane + 1);
  const pos: number[] = [];
  for (let p = 0; p < plane; p++) {
    const r = Math.floor(p / g.wo);
    const col = p % g.wo;
    // only the taps that land inside the input (a wide, mostly padded kernel costs its in-range taps)
    const [y0, y1] = tapRange(r * g.sh - g.ph, g.dh, g.kh, g.h);
    const [x0, x1] = tapRange(col * g.sw - g.pw, g.dw, g.kw, g.w);
    for (let ty = y0; ty < y1; ty++) {
      const y = r * g.sh - g.ph + ty * g.dh;
      for (let tx = x0; tx < x1; tx++) pos.push(y * g.w + col * g.sw - g.pw + tx * g.dw);
    }
    start[p + 1] = pos.length;
  }
  t = { start, pos: Int32Array.from(pos) };
  convWindows.set(c, t);
  return t;
}

/** CSR by destination (column lists of a sparse connectivity), computed once per connectivity. */
const sparseColumns = new WeakMap<Connectivity, { start: Int32Array; src: Int32Array }>();

function sparseSliceSynapses(c: Connectivity & { kind: "sparse" }, start: number, count: number) {
  let t = sparseColumns.get(c);
  if (!t) {
    const colStart = new Int32Array(c.outSize + 1);
    for (const j of c.colIdx) colStart[j + 1]!++;
    for (let j = 0; j < c.outSize; j++) colStart[j + 1]! += colStart[j]!;
    const fill = colStart.slice(0, c.outSize);
    const src = new Int32Array(c.colIdx.length);
    for (let i = 0; i < c.inSize; i++)
      for (let r = c.rowPtr[i]!; r < c.rowPtr[i + 1]!; r++) src[fill[c.colIdx[r]!]!++] = i;
    t = { start: colStart, src };
    sparseColumns.set(c, t);
  }
  const mark = nextSeenMark(c.inSize);
  let sources = 0;
  const end = Math.min(start + count, c.outSize);
  for (let k = t.start[start]!; k < t.start[end]!; k++) {
    const i = t.src[k]!;
    if (seenScratch[i] !== mark) {
      seenScratch[i] = mark;
      sources++;
    }
  }
  return { synapses: t.start[end]! - t.start[start]!, sources };
}

/**
 * Sources counted by the current sparse slice: seenScratch[i] = its mark. One array for all calls — the
 * partitioner probes a sparse destination's slices thousands of times, and a fresh array of the source's
 * size per probe (millions of neurons on an ImageNet Spikformer) was most of `map`'s time and garbage.
 */
let seenScratch = new Int32Array(0);
let seenMark = 0;

function nextSeenMark(size: number): number {
  if (seenScratch.length < size) {
    seenScratch = new Int32Array(size);
    seenMark = 0;
  }
  if (seenMark === 0x7fffffff) {
    seenScratch.fill(0);
    seenMark = 0;
  }
  return ++seenMark;
}
