// Graded elementwise activations (ReLU, clamp, exact-erf GELU, sigmoid, tanh, identity); erf and GELU live in
// compiler/graph/nonlinear-math.ts, shared with the compiler's tabulated lowerings.

import { assertNever } from "../../../common/errors.js";
import { type ActivationNode, pwlValue } from "../../../compiler/graph/index.js";
import { erf, gelu } from "../../../compiler/graph/nonlinear-math.js";

export { erf, gelu };

import { type Kernel, type KernelContext, sizeOfShape, statelessKernel } from "./types.js";

export function activationKernel(node: ActivationNode, ctx: KernelContext): Kernel {
  const n = sizeOfShape(ctx.outShape);
  const fn = node.fn;
  switch (fn) {
    case "relu":
      return statelessKernel(n, ([x], out) => {
        for (let i = 0; i < n; i++) out[i] = Math.max(x![i]!, 0);
      });
    case "clamp": {
      const lo = node.min ?? Number.NEGATIVE_INFINITY;
      const hi = node.max ?? Number.POSITIVE_INFINITY;
      return statelessKernel(n, ([x], out) => {
        for (let i = 0; i < n; i++) out[i] = Math.min(hi, Math.max(lo, x![i]!));
      });
    }
    case "gelu":
      return statelessKernel(n, ([x], out) => {
        for (let i = 0; i < n; i++) out[i] = gelu(x![i]!);
      });
    case "sigmoid":
      return statelessKernel(n, ([x], out) => {
        for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x![i]!));
      });
    case "tanh":
      return statelessKernel(n, ([x], out) => {
        for (let i = 0; i < n; i++) out[i] = Math.tanh(x![i]!);
      });
    case "identity":
      return statelessKernel(n, ([x], out) => out.set(x!));
    case "table": {
      const t = node.table!;
      return statelessKernel(n, ([x], out) => {
        for (let i = 0; i < n; i++) out[i] = pwlValue(t, x![i]!);
      });
    }
    default:
      return assertNever(fn, "activation function");
  }
}
