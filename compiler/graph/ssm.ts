// The diagonal state-space layer's (S4D) discretisation: per channel h and complex mode n, (λ̄, B̄) from ZOH or
// bilinear discretisation (state-spaces/s4). A pure function of the node, shared by the compiler (lowering)
// and the float reference (its kernel).

import type { DiagonalSsmNode } from "./nodes-extra.js";

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
