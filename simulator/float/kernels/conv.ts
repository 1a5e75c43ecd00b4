// Float kernels of the convolutions: Conv1d, Conv2d (PyTorch cross-correlation with groups, dilation, stride and
// asymmetric zero pads) and TemporalConv, executed causally: its look-ahead becomes a delay of `lookahead` steps.

import type { Conv1dNode, Conv2dNode, TemporalConvNode } from "../../../compiler/graph/index.js";
import { type Kernel, type KernelContext, statelessKernel } from "./types.js";

/** out[co, l] = b[co] + Σ_{ci in group, k} W[co, ci', k]·x[ci, l·stride − padBegin + k·dilation]. */
export function conv1dKernel(node: Conv1dNode, ctx: KernelContext): Kernel {
  const len = ctx.inShapes[0]![1]!;
  const [cOut, lOut] = ctx.outShape as [number, number];
  const [, cInG, kLen] = node.weight.shape as [number, number, number];
  const cOutG = cOut / node.groups;
  const w = Float64Array.from(node.weight.data);
  const bias = node.bias ? Float64Array.from(node.bias.data) : new Float64Array(cOut);
  const { stride, dilation } = node;
  const pad = node.pads[0];
  return statelessKernel(cOut * lOut, ([x], out) => {
    for (let co = 0; co < cOut; co++) {
      const g = Math.floor(co / cOutG);
      const o = out.subarray(co * lOut, (co + 1) * lOut);
      o.fill(bias[co]!);
      for (let cl = 0; cl < cInG; cl++) {
        const xc = (g * cInG + cl) * len;
        for (let k = 0; k < kLen; k++) {
          const wv = w[(co * cInG + cl) * kLen + k]!;
          if (wv === 0) continue;
          for (let l = 0; l < lOut; l++) {
            const p = l * stride - pad + k * dilation;
            if (p >= 0 && p < len) o[l]! += wv * x![xc + p]!;
          }
        }
      }
    }
  });
}

/** 2-d version of conv1dKernel over [C, H, W]; pads are [top, left, bottom, right]. */
export function conv2dKernel(node: Conv2dNode, ctx: KernelContext): Kernel {
  const [, h, wd] = ctx.inShapes[0] as [number, number, number];
  const [cOut, hOut, wOut] = ctx.outShape as [number, number, number];
  const [, cInG, kh, kw] = node.weight.shape as [number, number, number, number];
  const cOutG = cOut / node.groups;
  const w = Float64Array.from(node.weight.data);
  const bias = node.bias ? Float64Array.from(node.bias.data) : new Float64Array(cOut);
  const [sh, sw] = node.stride;
  const [dh, dw] = node.dilation;
  const [pt, pl] = node.pads;
  const plane = hOut * wOut;
  return statelessKernel(cOut * plane, ([x], out) => {
    for (let co = 0; co < cOut; co++) {
      const g = Math.floor(co / cOutG);
      const o = out.subarray(co * plane, (co + 1) * plane);
      o.fill(bias[co]!);
      for (let cl = 0; cl < cInG; cl++) {
        const xc = (g * cInG + cl) * h * wd;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const wv = w[((co * cInG + cl) * kh + i) * kw + j]!;
            if (wv === 0) continue;
            for (let oy = 0; oy < hOut; oy++) {
              const y = oy * sh - pt + i * dh;
              if (y < 0 || y >= h) continue;
              const row = xc + y * wd;
              for (let ox = 0; ox < wOut; ox++) {
                const xx = ox * sw - pl + j * dw;
                if (xx >= 0 && xx < wd) o[oy * wOut + ox]! += wv * x![row + xx]!;
              }
            }
          }
        }
      }
    }
  });
}

/**
 * TemporalConv, causal: the node's y_t needs x up to t + lookahead, so at step t this kernel emits
 * y_{t−lookahead} = b + Σ_k W[:, :, k]·x_{t−(K−1)+k} (x before step 0 is 0), and 0 while t < lookahead
 * (the delay line is still empty). Feed `lookahead` trailing zero steps to flush the last outputs.
 */
export function temporalConvKernel(node: TemporalConvNode, ctx: KernelContext): Kernel {
  const [cIn] = ctx.inShapes[0] as [number];
  const [cOut] = ctx.outShape as [number];
  const [, cInG, kLen] = node.weight.shape as [number, number, number];
  const cOutG = cOut / node.groups;
  const w = Float64Array.from(node.weight.data);
  const bias = node.bias ? Float64Array.from(node.bias.data) : new Float64Array(cOut);
  const history = new Float64Array(kLen * cIn); // ring of the last K input frames
  const out = new Float64Array(cOut);
  let t = 0;
  return {
    out,
    step([x]) {
      history.set(x!, (t % kLen) * cIn);
      if (t < node.lookahead) out.fill(0);
      else {
        for (let co = 0; co < cOut; co++) {
          const g = Math.floor(co / cOutG);
          let s = bias[co]!;
          for (let k = 0; k < kLen; k++) {
            const src = t - (kLen - 1) + k;
            if (src < 0) continue;
            const frame = (src % kLen) * cIn;
            for (let cl = 0; cl < cInG; cl++)
              s += w[(co * cInG + cl) * kLen + k]! * history[frame + g * cInG + cl]!;
          }
          out[co] = s;
        }
      }
      t++;
    },
    reset() {
      history.fill(0);
      out.fill(0);
      t = 0;
    },
  };
}
