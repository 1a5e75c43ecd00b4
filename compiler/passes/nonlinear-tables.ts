// The piecewise-linear tables lowerNonlinear gives function neurons (sigmoid, GELU, tanh, 1/√x), and the
// error of each against the exact function on a stated synthetic input.

import { type PwlTable, pwlValue } from "../graph/index.js";
import { gelu } from "../graph/nonlinear-math.js";

/** A table through (x, f(x)) at the given breakpoints, with fixed tail slopes. */
export function tableOf(
  fn: string,
  xs: readonly number[],
  f: (x: number) => number,
  tails: [number, number],
): PwlTable {
  const ys = xs.map(f);
  const slopes = [tails[0]];
  for (let i = 1; i < xs.length; i++) slopes.push((ys[i]! - ys[i - 1]!) / (xs[i]! - xs[i - 1]!));
  slopes.push(tails[1]);
  return { fn, xs, ys, slopes };
}

const even = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.round((hi - lo) / step) + 1 }, (_, i) => lo + i * step);

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
export const rsqrt = (x: number) => 1 / Math.sqrt(x);

/** The exact function, its table, and how its error is measured. */
export interface Approximation {
  exact: (x: number) => number;
  table: PwlTable;
  /** The synthetic input the error is stated on: evenly (absolute error) or log-spaced (relative error). */
  probe: { lo: number; hi: number; log: boolean };
}

/** σ: 65 points, step 1/4 on [−8, 8], flat tails (σ(±8) is within 3.4e-4 of its limit). */
export function sigmoidApprox(): Approximation {
  return {
    exact: sigmoid,
    table: tableOf("sigmoid", even(-8, 8, 0.25), sigmoid, [0, 0]),
    probe: { lo: -12, hi: 12, log: false },
  };
}

/** tanh: 81 points, step 1/8 on [−5, 5], flat tails. */
export function tanhApprox(): Approximation {
  return {
    exact: Math.tanh,
    table: tableOf("tanh", even(-5, 5, 0.125), Math.tanh, [0, 0]),
    probe: { lo: -8, hi: 8, log: false },
  };
}

/** GELU (exact erf form): 97 points, step 1/8 on [−6, 6]; tails 0 and x (GELU(±6) is within 6e-9 of them). */
export function geluApprox(): Approximation {
  return {
    exact: gelu,
    table: tableOf("gelu", even(-6, 6, 0.125), gelu, [0, 1]),
    probe: { lo: -10, hi: 10, log: false },
  };
}

/**
 * 1/√x for a LayerNorm's variance + eps: 8 points per octave from eps to 2^20 (flat tails: x < eps cannot
 * occur, and past 2^20 — a standard deviation above 1,024 — the table holds 2^−10).
 */
export function rsqrtApprox(eps: number): Approximation {
  const lo = Math.log2(eps);
  const n = Math.ceil((20 - lo) * 8);
  const xs = Array.from({ length: n + 1 }, (_, i) => 2 ** (lo + ((20 - lo) * i) / n));
  return {
    exact: rsqrt,
    table: tableOf("rsqrt", xs, rsqrt, [0, 0]),
    probe: { lo: eps, hi: 2 ** 20, log: true },
  };
}

/** Max error of the table on 20,001 probe points: absolute, or relative to |f| when log-spaced. */
export function probeError(a: Approximation): number {
  const { lo, hi, log } = a.probe;
  let worst = 0;
  for (let i = 0; i <= 20000; i++) {
    const x = log ? lo * (hi / lo) ** (i / 20000) : lo + ((hi - lo) * i) / 20000;
    const f = a.exact(x);
    const e = Math.abs(pwlValue(a.table, x) - f);
    worst = Math.max(worst, log ? e / Math.abs(f) : e);
  }
  return worst;
}

/** "max |error| 7.4e-4 on 20,001 points evenly over [−12, 12]" (or the relative form). */
export function probeText(a: Approximation): string {
  const { lo, hi, log } = a.probe;
  const e = probeError(a).toExponential(1);
  return log
    ? `max relative error ${e} on 20,001 points log-spaced over [${lo}, 2^20]`
    : `max |error| ${e} on 20,001 points evenly over [${lo}, ${hi}]`;
}
