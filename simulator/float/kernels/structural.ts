// Float kernels of the nodes that move values without weights: identity (Input/Output/Flatten/Reshape),
// Transpose, Concat, Reduce and Delay (τ seconds → whole steps of dt, an error when τ is not a multiple).

import { delaySteps } from "../../../compiler/graph/delay.js";
import type { ConcatNode, DelayNode, ReduceNode, TransposeNode } from "../../../compiler/graph/index.js";
import {
  type Kernel,
  type KernelContext,
  normalizeAxis,
  sizeOfShape,
  statelessKernel,
  stridesOf,
} from "./types.js";

/** y = x (row-major data is unchanged by Flatten and Reshape). */
export function copyKernel(ctx: KernelContext): Kernel {
  return statelessKernel(sizeOfShape(ctx.outShape), ([x], out) => out.set(x!));
}

/** A graph input: the runner writes each step's values into `out`; `step` does nothing. */
export function inputKernel(ctx: KernelContext): Kernel {
  const out = new Float64Array(sizeOfShape(ctx.outShape));
  return { out, step: () => {}, reset: () => out.fill(0) };
}

/** Gathers by a precomputed index map: out[j] = x[map[j]]. */
function gatherKernel(map: Int32Array): Kernel {
  return statelessKernel(map.length, ([x], out) => {
    for (let j = 0; j < map.length; j++) out[j] = x![map[j]!]!;
  });
}

/** y = permute(x, perm): y[i_0..] = x[i_{perm⁻¹}…]. */
export function transposeKernel(node: TransposeNode, ctx: KernelContext): Kernel {
  const inShape = ctx.inShapes[0]!;
  const inStrides = stridesOf(inShape);
  const outShape = ctx.outShape;
  const n = sizeOfShape(outShape);
  const map = new Int32Array(n);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let j = 0; j < n; j++) {
    let src = 0;
    for (let d = 0; d < outShape.length; d++) src += idx[d]! * inStrides[node.perm[d]!]!;
    map[j] = src;
    for (let d = outShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return gatherKernel(map);
}

/** Concatenation along `axis` of ports in0, in1, … in order. */
export function concatKernel(node: ConcatNode, ctx: KernelContext): Kernel {
  const out0 = ctx.outShape;
  const axis = normalizeAxis(node.axis, out0.length);
  const outer = sizeOfShape(out0.slice(0, axis));
  const inner = sizeOfShape(out0.slice(axis + 1));
  const outRow = out0[axis]! * inner;
  const blocks = ctx.inShapes.map((s) => s[axis]! * inner);
  return statelessKernel(sizeOfShape(out0), (inputs, out) => {
    let offset = 0;
    for (let p = 0; p < inputs.length; p++) {
      const x = inputs[p]!;
      const block = blocks[p]!;
      for (let o = 0; o < outer; o++) out.set(x.subarray(o * block, (o + 1) * block), o * outRow + offset);
      offset += block;
    }
  });
}

/** Sum or mean over `axes`: every input element adds into the output element it reduces to. */
export function reduceKernel(node: ReduceNode, ctx: KernelContext): Kernel {
  const inShape = ctx.inShapes[0]!;
  const axes = new Set(node.axes.map((a) => normalizeAxis(a, inShape.length)));
  const keep = inShape.map((_, d) => d).filter((d) => !axes.has(d));
  const keptShape = keep.map((d) => inShape[d]!);
  const keptStrides = stridesOf(keptShape);
  const n = sizeOfShape(inShape);
  const map = new Int32Array(n);
  const idx = new Array<number>(inShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let dst = 0;
    keep.forEach((d, k) => {
      dst += idx[d]! * keptStrides[k]!;
    });
    map[i] = dst;
    for (let d = inShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < inShape[d]!) break;
      idx[d] = 0;
    }
  }
  const nOut = sizeOfShape(ctx.outShape);
  const scale = node.op === "mean" ? nOut / n : 1;
  return statelessKernel(nOut, ([x], out) => {
    out.fill(0);
    for (let i = 0; i < n; i++) out[map[i]!]! += x![i]!;
    if (scale !== 1) for (let j = 0; j < nOut; j++) out[j]! *= scale;
  });
}

/** y_t[i] = x_{t − d_i}[i] (0 before the first input arrives), with a ring buffer of max(d) + 1 frames. */
export function delayKernel(node: DelayNode, ctx: KernelContext): Kernel {
  const steps = delaySteps(node, ctx);
  const n = steps.length;
  const depth = steps.reduce((m, d) => Math.max(m, d), 0) + 1;
  const ring = new Float64Array(depth * n);
  const out = new Float64Array(n);
  let t = 0;
  return {
    out,
    step([x]) {
      ring.set(x!, (t % depth) * n);
      for (let i = 0; i < n; i++) out[i] = ring[((t - steps[i]! + depth) % depth) * n + i]!;
      t++;
    },
    reset() {
      ring.fill(0);
      out.fill(0);
      t = 0;
    },
  };
}
