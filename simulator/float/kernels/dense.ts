// Float kernels of the weighted elementwise and matrix nodes: Affine, Linear (on the last axis), Scale,
// BatchNorm, Product and DynamicMatmul. Weights are copied to float64 once, at kernel creation.

import type {
  AffineNode,
  BatchNormNode,
  DynamicMatmulNode,
  LinearNode,
  ScaleNode,
} from "../../../compiler/graph/index.js";
import {
  expand,
  type Kernel,
  type KernelContext,
  normalizeAxis,
  sizeOfShape,
  statelessKernel,
} from "./types.js";

/** y[r, :] = W·x[r, :] + b for every row r of the input's leading axes; W [out, in]. */
export function affineKernel(node: AffineNode | LinearNode, ctx: KernelContext): Kernel {
  const [nOut, nIn] = node.weight.shape as [number, number];
  const w = Float64Array.from(node.weight.data);
  const b = node.kind === "Affine" ? Float64Array.from(node.bias.data) : new Float64Array(nOut);
  const rows = sizeOfShape(ctx.inShapes[0]!) / nIn;
  return statelessKernel(rows * nOut, (inputs, out) => {
    const x = inputs[0]!;
    for (let r = 0; r < rows; r++) {
      const xo = r * nIn;
      for (let o = 0; o < nOut; o++) {
        let s = b[o]!;
        const wo = o * nIn;
        for (let i = 0; i < nIn; i++) s += w[wo + i]! * x[xo + i]!;
        out[r * nOut + o] = s;
      }
    }
  });
}

/** y = x ⊙ s (s broadcast per `ndarray.at`). */
export function scaleKernel(node: ScaleNode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const s = expand(node.scale, n);
  return statelessKernel(n, (inputs, out) => {
    const x = inputs[0]!;
    for (let i = 0; i < n; i++) out[i] = x[i]! * s[i]!;
  });
}

/** y = γ(x − μ)/√(σ² + ε) + β per channel of `axis`, precomputed as y = a·x + c. */
export function batchNormKernel(node: BatchNormNode, ctx: KernelContext): Kernel {
  const shape = ctx.outShape;
  const axis = normalizeAxis(node.axis, shape.length);
  const channels = shape[axis]!;
  const inner = sizeOfShape(shape.slice(axis + 1));
  const n = sizeOfShape(shape);
  const a = new Float64Array(channels);
  const c = new Float64Array(channels);
  for (let k = 0; k < channels; k++) {
    a[k] = node.gamma.data[k]! / Math.sqrt(node.variance.data[k]! + node.eps);
    c[k] = node.beta.data[k]! - a[k]! * node.mean.data[k]!;
  }
  return statelessKernel(n, (inputs, out) => {
    const x = inputs[0]!;
    for (let i = 0; i < n; i++) {
      const k = Math.floor(i / inner) % channels;
      out[i] = a[k]! * x[i]! + c[k]!;
    }
  });
}

/** y = a ⊙ b. */
export function productKernel(ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  return statelessKernel(n, (inputs, out) => {
    const a = inputs[0]!;
    const b = inputs[1]!;
    for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  });
}

/** Y = scale·A·B (or A·Bᵀ) of this step's a [m, k] and b [k, n] (or [n, k]). */
export function dynamicMatmulKernel(node: DynamicMatmulNode, ctx: KernelContext): Kernel {
  const [m, k] = ctx.inShapes[0] as [number, number];
  const n = ctx.outShape[1]!;
  const tb = node.transposeB;
  const scale = node.scale;
  return statelessKernel(m * n, (inputs, out) => {
    const a = inputs[0]!;
    const b = inputs[1]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * (tb ? b[j * k + p]! : b[p * n + j]!);
        out[i * n + j] = scale * s;
      }
    }
  });
}
