// LayerNorm and the GSU's ternary gated mixing (compiler/graph/nodes-norm.ts): both stateless, both need the
// whole feature vector of the step before any output (a mean / variance, a max |y|).

import type { LayerNormNode, TernaryGatedMixNode } from "../../../compiler/graph/index.js";
import { type Kernel, type KernelContext, sizeOfShape, statelessKernel } from "./types.js";

/** torch.nn.LayerNorm over the last axis: biased variance, eps inside the square root. */
export function layerNormKernel(node: LayerNormNode, ctx: KernelContext): Kernel {
  const d = ctx.outShape[ctx.outShape.length - 1]!;
  const rows = sizeOfShape(ctx.outShape) / d;
  const w = Float64Array.from(node.weight.data);
  const b = Float64Array.from(node.bias.data);
  return statelessKernel(rows * d, ([x], out) => {
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let mean = 0;
      for (let i = 0; i < d; i++) mean += x![o + i]!;
      mean /= d;
      let v = 0;
      for (let i = 0; i < d; i++) v += (x![o + i]! - mean) ** 2;
      const inv = 1 / Math.sqrt(v / d + node.eps);
      for (let i = 0; i < d; i++) out[o + i] = (x![o + i]! - mean) * inv * w[i]! + b[i]!;
    }
  });
}

/** snntorch fast_sigmoid forward on a − δ and −a − δ: +1, −1 or 0 (ties with the threshold give 0). */
export function ternary(a: number, delta: number): number {
  return (a - delta > 0 ? 1 : 0) - (-a - delta > 0 ? 1 : 0);
}

/** The ternary weights T = H(W − δ) − H(−W − δ), δ = ratio·max|W| (s4_gsu.py `gsu_spike`). */
export function ternaryWeights(w: ArrayLike<number>, ratio: number): Float64Array {
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
  const out = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) out[i] = ternary(w[i]!, ratio * max);
  return out;
}

/** out = (ternary(y) @ W + bias) ⊙ (y @ ternary(W)); W is [H_in, H_out] (row i = input feature i). */
export function ternaryGatedMixKernel(node: TernaryGatedMixNode): Kernel {
  const [hIn, hOut] = node.weight.shape as [number, number];
  const w = Float64Array.from(node.weight.data);
  const t = ternaryWeights(w, node.ratio);
  const bias = Float64Array.from(node.bias.data);
  const s = new Float64Array(hIn);
  const gate = new Float64Array(hOut);
  return statelessKernel(hOut, ([y], out) => {
    let max = 0;
    for (let i = 0; i < hIn; i++) max = Math.max(max, Math.abs(y![i]!));
    for (let i = 0; i < hIn; i++) s[i] = ternary(y![i]!, node.ratio * max);
    out.set(bias);
    gate.fill(0);
    for (let i = 0; i < hIn; i++) {
      const si = s[i]!;
      const yi = y![i]!;
      const row = i * hOut;
      for (let j = 0; j < hOut; j++) {
        out[j]! += si * w[row + j]!;
        gate[j]! += yi * t[row + j]!;
      }
    }
    for (let j = 0; j < hOut; j++) out[j]! *= gate[j]!;
  });
}
