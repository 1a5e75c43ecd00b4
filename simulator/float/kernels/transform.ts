// Fixed-basis transforms along one axis (FNet/FWformer token mixing); the basis matrices are compiler/graph's.

import { fixedTransformMatrix } from "../../../compiler/graph/fixed-transforms.js";
import type { FixedTransformNode } from "../../../compiler/graph/index.js";
import { type Kernel, type KernelContext, normalizeAxis, sizeOfShape, statelessKernel } from "./types.js";

/** y[o, j, i] = Σ_k M[j, k]·x[o, k, i] with the transformed axis in the middle. */
export function fixedTransformKernel(node: FixedTransformNode, ctx: KernelContext): Kernel {
  const shape = ctx.outShape;
  const axis = normalizeAxis(node.axis, shape.length);
  const n = shape[axis]!;
  const outer = sizeOfShape(shape.slice(0, axis));
  const inner = sizeOfShape(shape.slice(axis + 1));
  const m = fixedTransformMatrix(node, n);
  return statelessKernel(sizeOfShape(shape), ([x], out) => {
    out.fill(0);
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      for (let j = 0; j < n; j++) {
        const dst = base + j * inner;
        for (let k = 0; k < n; k++) {
          const mv = m[j * n + k]!;
          if (mv === 0) continue;
          const src = base + k * inner;
          for (let i = 0; i < inner; i++) out[dst + i]! += mv * x![src + i]!;
        }
      }
    }
  });
}
