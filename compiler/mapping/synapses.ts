// Synapse-level facts about a run of destination neurons of one projection: how many synapses land there,
// how many distinct source neurons (input axons) they come from, and how many distinct weight values each
// destination neuron uses (TrueNorth's axon types). Costs O(synapses of the slice) (O(nnz) for sparse).

import { assertNever } from "../../common/errors.js";
import {
  type Connectivity,
  connInSize,
  connOutSize,
  destinationChannel,
  rowwiseIndex,
} from "../nmir/index.js";

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

/** Synapses and distinct sources of destination neurons `start .. start + count − 1`. */
export function sliceSynapses(c: Connectivity, start: number, count: number): SliceSynapses {
  if (count <= 0) return { synapses: 0, sources: 0 };
  if (c.kind === "dense") return { synapses: c.inSize * count, sources: c.inSize };
  if (c.kind === "oneToOne") return { synapses: count, sources: count };
  if (c.kind === "rowwise") {
    // every destination reads the inFeatures sources of its row: count the distinct rows
    const nOut = c.kernel[0];
    const rows = new Uint8Array(c.rows);
    let distinct = 0;
    for (let j = start; j < start + count; j++) {
      const r = c.dstTransposed ? j % c.rows : Math.floor(j / nOut);
      if (rows[r] === 0) {
        rows[r] = 1;
        distinct++;
      }
    }
    return { synapses: count * c.kernel[1], sources: distinct * c.kernel[1] };
  }
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
