// quantizeWeights at one exponent per projection, straight from the lowered weights: the targets t = w·f and
// the all-zero group array the general per-group path allocates (12 bytes per weight, ≈ 1.2 GB of short-lived
// arrays for an ImageNet Spikformer) are not needed when every weight shares one exponent. Same arithmetic.

import type { Weights } from "../nmir/index.js";
import { pow2Exp, roundHalfAway, signedMax } from "./quant-plan.js";

/** Exponents of a weight scale stay within NMIR's −31..31. */
export const EXP_LIMIT = 31;

/**
 * The smallest exponent in −31..31 whose mantissas fit `hi` (the largest positive mantissa) given the largest
 * positive target `mp` and the largest negative magnitude `mn`; 0 when both are 0.
 */
export function expFromExtremes(mp: number, mn: number, hi: number): number {
  // A side with no values sets no constraint (pow2Exp(0) would force e ≥ 0).
  const e = Math.max(
    mp > 0 ? pow2Exp(mp, hi) : Number.NEGATIVE_INFINITY,
    mn > 0 ? pow2Exp(mn, hi + 1) : Number.NEGATIVE_INFINITY,
  );
  // | 0: an integer in −31..31 either way; it only turns −0 into 0, as the Int32Array of exponents does
  return Number.isFinite(e) ? Math.min(EXP_LIMIT, Math.max(-EXP_LIMIT, e)) | 0 : 0;
}

/** chooseExps of one group, no clipping, of the targets w[i]·f. */
export function uniformExp(w: Weights, f: number, bits: number): number {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i]! * f;
    if (v > pos) pos = v;
    if (-v > neg) neg = -v;
  }
  return expFromExtremes(pos, neg, signedMax(bits));
}

/** mantissas of the targets w[i]·f at one exponent: round(w[i]·f / 2^exp) clipped to `bits` signed. */
export function uniformMantissas(
  w: Weights,
  f: number,
  exp: number,
  bits: number,
): { q: Int32Array; clipped: number } {
  const hi = signedMax(bits);
  const scale = 2 ** exp;
  let clipped = 0;
  const q = new Int32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const x = roundHalfAway((w[i]! * f) / scale);
    if (x < -hi - 1 || x > hi) clipped++;
    q[i] = Math.min(hi, Math.max(-hi - 1, x));
  }
  return { q, clipped };
}
