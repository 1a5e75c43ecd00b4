// quantizeNeurons for function neurons: a real piecewise-linear table (input at the port's LSB 2^k, values at
// the payload's LSB 2^o) → integer breakpoints, values and slopes with one shared slope shift.

import type { FunctionModel } from "../nmir/index.js";
import { clampCount, roundHalfAway, signedMax } from "./quant-plan.js";

const INT32_MAX = signedMax(32);
const toInt32 = (x: number) => clampCount(roundHalfAway(x), -INT32_MAX - 1, INT32_MAX)[0];

/**
 * Breakpoints round to the input LSB; those that round onto an earlier one are dropped (the table cannot
 * resolve them); values round to the payload LSB; interior slopes are the chords between the kept integer
 * points (so the integer curve is continuous up to one LSB), tails keep their real slope. The slope shift is
 * the largest that keeps every slope within int32 (≤ 62).
 */
export function quantizeTable(
  m: FunctionModel,
  k: number,
  o: number,
): Pick<FunctionModel, "xs" | "ys" | "slopes" | "slopeShift"> {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < m.xs.length; i++) {
    const x = toInt32(m.xs[i]! / 2 ** k);
    if (xs.length > 0 && x <= xs[xs.length - 1]!) continue;
    xs.push(x);
    ys.push(toInt32(m.ys[i]! / 2 ** o));
  }
  if (xs.length === 1) {
    // every breakpoint within one input LSB: a step of one LSB on the left tail's slope keeps the table valid
    const s = (m.slopes[0]! / 2 ** m.slopeShift) * 2 ** (k - o);
    // (before it when the breakpoint sits at the top of int32, where one more would wrap)
    if (xs[0]! < INT32_MAX) {
      xs.push(xs[0]! + 1);
      ys.push(toInt32(ys[0]! + s));
    } else {
      xs.unshift(xs[0]! - 1);
      ys.unshift(toInt32(ys[0]! - s));
    }
  }
  const unit = 2 ** (k - o - m.slopeShift);
  const real = [m.slopes[0]! * unit];
  for (let i = 1; i < xs.length; i++) real.push((ys[i]! - ys[i - 1]!) / (xs[i]! - xs[i - 1]!));
  real.push(m.slopes[m.slopes.length - 1]! * unit);
  const big = real.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
  const slopeShift = big > 0 ? Math.min(62, Math.max(0, Math.floor(Math.log2(INT32_MAX / big)))) : 0;
  return {
    xs: Int32Array.from(xs),
    ys: Int32Array.from(ys),
    slopes: Int32Array.from(real, (s) => toInt32(s * 2 ** slopeShift)),
    slopeShift,
  };
}
