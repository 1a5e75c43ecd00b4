// Float kernels of the 2-d poolings over [C, H, W]: SumPool2d (zero pads), AvgPool2d (= SumPool ÷ kh·kw, pads
// count as zeros, NIR's definition) and MaxPool2d (pads are −∞, so they never win).

import { assertNever } from "../../../common/errors.js";
import type { AvgPool2dNode, MaxPool2dNode, SumPool2dNode } from "../../../compiler/graph/index.js";
import { type Kernel, type KernelContext, statelessKernel } from "./types.js";

export function poolKernel(node: SumPool2dNode | AvgPool2dNode | MaxPool2dNode, ctx: KernelContext): Kernel {
  const [, h, w] = ctx.inShapes[0] as [number, number, number];
  const [c, hOut, wOut] = ctx.outShape as [number, number, number];
  const [kh, kw] = node.kernel;
  const [sh, sw] = node.stride;
  const [pt, pl] = node.pads;
  const kind = node.kind;
  let init: number;
  let scale: number;
  switch (kind) {
    case "SumPool2d":
      init = 0;
      scale = 1;
      break;
    case "AvgPool2d":
      init = 0;
      scale = 1 / (kh * kw);
      break;
    case "MaxPool2d":
      init = Number.NEGATIVE_INFINITY;
      scale = 1;
      break;
    default:
      return assertNever(kind, "pool kind");
  }
  const isMax = kind === "MaxPool2d";
  return statelessKernel(c * hOut * wOut, ([x], out) => {
    for (let ch = 0; ch < c; ch++) {
      const xc = ch * h * w;
      for (let oy = 0; oy < hOut; oy++) {
        for (let ox = 0; ox < wOut; ox++) {
          let acc = init;
          for (let i = 0; i < kh; i++) {
            const y = oy * sh - pt + i;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < kw; j++) {
              const xx = ox * sw - pl + j;
              if (xx < 0 || xx >= w) continue;
              const v = x![xc + y * w + xx]!;
              acc = isMax ? Math.max(v, acc) : acc + v;
            }
          }
          out[(ch * hOut + oy) * wOut + ox] = acc * scale;
        }
      }
    }
  });
}
