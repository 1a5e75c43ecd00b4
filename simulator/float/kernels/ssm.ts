// The diagonal state-space layer (S4D) in its recurrent form: per channel h and complex mode n,
// x ← λ̄x + B̄u, y = 2·Re(Σ_n C·x) + D·u, with (λ̄, B̄) from ZOH or bilinear discretisation (state-spaces/s4).

import { SpikegridError } from "../../../common/errors.js";
import type { DiagonalSsmNode } from "../../../compiler/graph/index.js";
import { bidirectionalSsmKernel } from "./ssm-bidirectional.js";
import type { Kernel, KernelContext } from "./types.js";

export interface DiscreteDiagonalSsm {
  /** λ̄ and B̄ per [h, n], row-major over H × N/2 (tied rows, n_ssm < H, already repeated per channel). */
  aRe: Float64Array;
  aIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
}

/**
 * Δ = exp(logStep[h]). ZOH: λ̄ = exp(λΔ), B̄ = (λ̄ − 1)/λ·B. Bilinear: λ̄ = (1 + λΔ/2)/(1 − λΔ/2),
 * B̄ = Δ/(1 − λΔ/2)·B. Channel c reads row c mod S of the [S, N/2] λ and B (S4's `(v t)` repeat).
 */
export function discretizeDiagonalSsm(node: DiagonalSsmNode): DiscreteDiagonalSsm {
  const [h, modes] = node.cRe.shape as [number, number];
  const tied = node.lambdaRe.shape[0]!;
  const len = h * modes;
  const out: DiscreteDiagonalSsm = {
    aRe: new Float64Array(len),
    aIm: new Float64Array(len),
    bRe: new Float64Array(len),
    bIm: new Float64Array(len),
  };
  for (let c = 0; c < h; c++) {
    const delta = Math.exp(node.logStep.data[c]!);
    for (let k = 0; k < modes; k++) {
      const i = c * modes + k;
      const j = (c % tied) * modes + k;
      const lr = node.lambdaRe.data[j]!;
      const li = node.lambdaIm.data[j]!;
      const br = node.bRe.data[j]!;
      const bi = node.bIm.data[j]!;
      let ar: number;
      let ai: number;
      let fr: number; // the factor multiplying B
      let fi: number;
      if (node.discretization === "zoh") {
        const mag = Math.exp(lr * delta);
        ar = mag * Math.cos(li * delta);
        ai = mag * Math.sin(li * delta);
        [fr, fi] = cdiv(ar - 1, ai, lr, li);
      } else {
        const [nr, ni] = [1 + (lr * delta) / 2, (li * delta) / 2];
        const [dr, di] = [1 - (lr * delta) / 2, -(li * delta) / 2];
        [ar, ai] = cdiv(nr, ni, dr, di);
        [fr, fi] = cdiv(delta, 0, dr, di);
      }
      out.aRe[i] = ar;
      out.aIm[i] = ai;
      out.bRe[i] = fr * br - fi * bi;
      out.bIm[i] = fr * bi + fi * br;
    }
  }
  return out;
}

/** (a + ib)/(c + id). */
function cdiv(a: number, b: number, c: number, d: number): [number, number] {
  const den = c * c + d * d;
  return [(a * c + b * d) / den, (b * c - a * d) / den];
}

export function diagonalSsmKernel(node: DiagonalSsmNode, ctx: KernelContext): Kernel {
  if (node.bidirectional && ctx.sequenceLength !== undefined)
    return bidirectionalSsmKernel(node, ctx.sequenceLength);
  if (node.bidirectional) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `node "${ctx.id}" (DiagonalSsm) is bidirectional: its output at step t depends on all future inputs, which a step-by-step simulator cannot see`,
      {
        hint: 'run the finite input as one sequence (CLI: simulate --engine float --sequence whole; library: runFloat(…, { sequence: "whole" })), or use a causal (unidirectional) SSM for streaming',
      },
    );
  }
  const [h, modes] = node.cRe.shape as [number, number];
  const { aRe, aIm, bRe, bIm } = discretizeDiagonalSsm(node);
  const cRe = Float64Array.from(node.cRe.data);
  const cIm = Float64Array.from(node.cIm.data);
  const dd = Float64Array.from(node.d.data);
  const xRe = new Float64Array(h * modes);
  const xIm = new Float64Array(h * modes);
  const out = new Float64Array(h);
  return {
    out,
    step([u]) {
      for (let c = 0; c < h; c++) {
        const uc = u![c]!;
        let y = 0;
        for (let k = c * modes, end = k + modes; k < end; k++) {
          const r = aRe[k]! * xRe[k]! - aIm[k]! * xIm[k]! + bRe[k]! * uc;
          const i = aRe[k]! * xIm[k]! + aIm[k]! * xRe[k]! + bIm[k]! * uc;
          xRe[k] = r;
          xIm[k] = i;
          y += cRe[k]! * r - cIm[k]! * i; // Re(C·x)
        }
        out[c] = 2 * y + dd[c]! * uc;
      }
    },
    reset() {
      xRe.fill(0);
      xIm.fill(0);
      out.fill(0);
    },
  };
}
