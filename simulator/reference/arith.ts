// NMIR arithmetic for the reference interpreter: exact mulShift (float64 when provably exact, BigInt past
// 2^53), saturation ranges, parameter broadcast. Stage "lowered" runs the same code in float (no rounding).

import { signedRange } from "../../compiler/nmir/model-info.js";
import type { Param } from "../../compiler/nmir/neuron-models.js";

/** Integers below this magnitude are exact in float64. */
export const EXACT = 2 ** 53;

/** `sat(x, bits)` bounds at stage quantized; infinite (sat does nothing) at stage lowered. */
export function satBounds(bits: number, quantized: boolean): [number, number] {
  return quantized ? signedRange(bits) : [-Infinity, Infinity];
}

export const INT32: [number, number] = signedRange(32);

/** A length-1 (broadcast) or length-n parameter as a Float64Array of length n. */
export function expand(p: Param, n: number): Float64Array {
  const out = new Float64Array(n);
  if (p.length === 1) out.fill(p[0]!);
  else out.set(p);
  return out;
}

/**
 * `mulShift(x, m, s) = trunc(x·m / 2^s)` for integers x, m of any size up to 2^63: float64 when the product is
 * below 2^53 (then exact: a float product below 2^53 means the true one is), BigInt otherwise. The result is
 * exact when it fits 2^53; beyond that it is the nearest float, which callers saturate anyway.
 */
export function mulShiftInt(x: number, m: number, s: number): number {
  const p = x * m;
  if (p < EXACT && p > -EXACT) return Math.trunc(p / 2 ** s);
  return Number((BigInt(x) * BigInt(m)) / (1n << BigInt(s)));
}

/** `mulShift` at either stage: exact integer semantics when quantized, the real x·m/2^s when lowered. */
export function mulShift(x: number, m: number, s: number, quantized: boolean): number {
  return quantized ? mulShiftInt(x, m, s) : (x * m) / 2 ** s;
}

/** Exact integer quotient of a BigInt sum by 2^s, toward zero, as a number (nearest float past 2^53). */
export function bigShift(x: bigint, s: number): number {
  return Number(s === 0 ? x : x / (1n << BigInt(s)));
}
