// LayerNorm and the GSU's ternary gated mixing (compiler/graph/nodes-norm.ts): both stateless, both need the
// whole feature vector of the step before any output (a mean / variance, a max |y|).

import type { LayerNormNode, TernaryGatedMixNode } from "../../../compiler/graph/index.js";
import { ternary, ternaryWeights } from "../../../compiler/graph/nonlinear-math.js";

export { ternary, ternaryWeights };

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
