// lowerToNmir, step 5: the NMIR connectivity of one term, with the destination's per-neuron input gain folded
// into its weights: oneToOne (identity, Scale), conv1d/conv2d (a conv, pools composed), dense (one Affine/Linear
// on a 1-d input, or any composite at least half full), else sparse CSR from unit vectors.

import {
  type Connectivity,
  createConv1d,
  createConv2d,
  createDense,
  createOneToOne,
  createSparse,
  type Weights,
} from "../../nmir/index.js";
import { type Csr, composeCsr, type Limits } from "./compose.js";
import { type ConvSpec, composeConv } from "./conv-compose.js";
import type { Term } from "./paths.js";
import { isReindex } from "./roles.js";
import { gatherCsr, reduceCsr, rowwiseConnectivity } from "./structured.js";

/** Weights at stage "lowered" (the one place that picks their array type). */
export function realWeights(values: ArrayLike<number>): Weights {
  return Float32Array.from(values);
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const uniform = (v: Float64Array) => v.every((x) => x === v[0]);

/** Gain of each output channel of a conv, or undefined when some channel's neurons differ. */
function channelGain(gain: Float64Array, channels: number): Float64Array | undefined {
  const per = gain.length / channels;
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    out[c] = gain[c * per]!;
    for (let i = 1; i < per; i++) if (gain[c * per + i] !== out[c]) return undefined;
  }
  return out;
}

function convConnectivity(c: ConvSpec, gain: Float64Array): Connectivity | undefined {
  const g = channelGain(gain, c.cout);
  if (!g) return undefined;
  const per = c.w.length / c.cout;
  const w = realWeights(c.w.map((v, i) => v * g[Math.floor(i / per)]!));
  if (c.dims === 1) {
    const [inC, inL] = c.inShape as [number, number];
    return createConv1d({
      inShape: [inC, inL],
      outShape: [c.outShape[0]!, c.outShape[1]!],
      kernel: [c.cout, c.cinG, c.k[0]!],
      weights: w,
      stride: c.stride[0]!,
      padding: c.pad[0]!,
      dilation: c.dil[0]!,
      groups: c.groups,
    });
  }
  return createConv2d({
    inShape: c.inShape as [number, number, number],
    outShape: c.outShape as [number, number, number],
    kernel: [c.cout, c.cinG, c.k[0]!, c.k[1]!],
    weights: w,
    stride: [c.stride[0]!, c.stride[1]!],
    padding: [c.pad[0]!, c.pad[1]!],
    dilation: [c.dil[0]!, c.dil[1]!],
    groups: c.groups,
  });
}

/** Dense [out][in] from CSR, or sparse when under half full; gain already applied. */
function fromCsr(m: Csr): { conn: Connectivity; how: string } {
  const nnz = m.colIdx.length;
  if (nnz * 2 >= m.inSize * m.outSize) {
    const w = new Float64Array(m.inSize * m.outSize);
    for (let i = 0; i < m.inSize; i++)
      for (let r = m.rowPtr[i]!; r < m.rowPtr[i + 1]!; r++) w[m.colIdx[r]! * m.inSize + i]! += m.values[r]!;
    return {
      conn: createDense({ inSize: m.inSize, outSize: m.outSize, weights: realWeights(w) }),
      how: "dense",
    };
  }
  const { inSize, outSize, rowPtr, colIdx } = m;
  return {
    conn: createSparse({ inSize, outSize, rowPtr, colIdx, weights: realWeights(m.values) }),
    how: `sparse (${nnz} synapses)`,
  };
}

/** W [out, in] applied to each of `rows` rows, as CSR by source (block diagonal). */
function rowwiseCsr(w: ArrayLike<number>, nOut: number, nIn: number, rows: number): Csr {
  const cols: number[] = [];
  const vals: number[] = [];
  const rowPtr = new Int32Array(rows * nIn + 1);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < nIn; i++) {
      for (let o = 0; o < nOut; o++) {
        const v = w[o * nIn + i]!;
        if (v !== 0) {
          cols.push(r * nOut + o);
          vals.push(v);
        }
      }
      rowPtr[r * nIn + i + 1] = cols.length;
    }
  return {
    inSize: rows * nIn,
    outSize: rows * nOut,
    rowPtr,
    colIdx: Int32Array.from(cols),
    values: Float64Array.from(vals),
  };
}

/**
 * The connectivity of `term` with destination gains `gain` (one per destination neuron) multiplied into each
 * destination's weights, and a short description of the choice.
 */
export function buildConnectivity(
  term: Term,
  gain: Float64Array,
  limits: Limits,
): { conn: Connectivity; how: string } {
  // re-indexing at either end is free (populations are flat); a trailing Scale (e.g. a kept BatchNorm) is a
  // per-destination factor, so it joins the gain and the structure before it (a conv, a Linear) survives
  let lo = 0;
  let hi = term.steps.length;
  while (lo < hi && isReindex(term.steps[lo]!.node)) lo++;
  for (let last = term.steps[hi - 1]?.node; hi > lo && last; last = term.steps[--hi - 1]?.node) {
    if (last.kind === "Scale") {
      const s = last.scale.data;
      gain = gain.map((g, i) => g * (s.length === 1 ? s[0]! : s[i]!));
    } else if (!isReindex(last)) break;
  }
  const core = term.steps.slice(lo, hi);
  const n = size(term.outShape);
  const only = core.length === 1 ? core[0]!.node : undefined;
  if (core.length === 0 && size(term.inShape) === n) {
    const w = uniform(gain) ? gain.subarray(0, 1) : gain;
    return { conn: createOneToOne({ size: n, weights: realWeights(w) }), how: "oneToOne" };
  }
  const conv = composeConv(core);
  const conn = conv && convConnectivity(conv, gain);
  if (conv && conn) {
    const pools = core.length - (core.some((s) => s.node.kind.startsWith("Conv")) ? 1 : 0);
    return {
      conn,
      how: `${conn.kind}${pools ? ` (${pools} pooling stage${pools > 1 ? "s" : ""} composed)` : ""}`,
    };
  }
  // a per-row Linear keeps one shared matrix (through the transposes around it), not rows copies of it
  const rowwise = rowwiseConnectivity(term, core, gain);
  if (rowwise) {
    const how = `rowwise (${rowwise.kind === "rowwise" ? rowwise.rows : 0} rows share one matrix)`;
    return { conn: rowwise, how };
  }
  const structured = { ...term, steps: core };
  let csr: Csr;
  if (only?.kind === "Linear") {
    const [nOut, nIn] = only.weight.shape as [number, number];
    csr = rowwiseCsr(only.weight.data, nOut, nIn, size(term.inShape) / nIn);
  } else csr = gatherCsr(structured) ?? reduceCsr(structured) ?? composeCsr(structured, limits);
  for (let r = 0; r < csr.values.length; r++) csr.values[r]! *= gain[csr.colIdx[r]!]!;
  return fromCsr(csr);
}
