// The function neuron's kernel (NMIR `function`, compiler/nmir/neuron-models.ts): a piecewise-linear table
// looked up by binary search, integer at stage quantized (BigInt past 2^53), exact real interpolation lowered.

import type { FunctionModel } from "../../compiler/nmir/neuron-models.js";
import { expand, mulShift, satBounds } from "./arith.js";
import { emit, type NeuronKernel, type PopTally, SatCounter, type StateArray } from "./kernel-parts.js";
import type { Frame } from "./schedule.js";

/** k = #{j : xs[j] ≤ x} for strictly increasing xs. */
export function tableSegment(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The table's value at x (before the payload's sat), exactly the update in FunctionModel's doc comment. */
export function tableValue(
  xs: Float64Array,
  ys: Float64Array,
  slopes: Float64Array,
  slopeShift: number,
  x: number,
  q: boolean,
): number {
  const k = tableSegment(xs, x);
  const at = k === 0 ? 0 : k - 1;
  return ys[at]! + mulShift(x - xs[at]!, slopes[k]!, slopeShift, q);
}

export class FunctionKernel implements NeuronKernel {
  readonly state: Record<string, StateArray> = {};
  private readonly c = new SatCounter();
  private readonly bias: Float64Array;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly slopes: Float64Array;
  private readonly slopeShift: number;
  private readonly pLo: number;
  private readonly pHi: number;

  constructor(
    m: FunctionModel,
    private readonly n: number,
    private readonly q: boolean,
  ) {
    this.bias = expand(m.bias, n);
    this.xs = Float64Array.from(m.xs);
    this.ys = Float64Array.from(m.ys);
    this.slopes = Float64Array.from(m.slopes);
    this.slopeShift = m.slopeShift;
    [this.pLo, this.pHi] = satBounds(m.outBits, q);
  }

  reset(): void {}

  step(ins: readonly Float64Array[], out: Frame, tally: PopTally): void {
    const { n, q, c, bias, xs, ys, slopes, slopeShift, pLo, pHi } = this;
    const input = ins[0]!;
    for (let i = 0; i < n; i++) {
      const y = tableValue(xs, ys, slopes, slopeShift, input[i]! + bias[i]!, q);
      emit(out, i, c.sat(y, pLo, pHi));
    }
    tally.gradedEvents += out.count;
    c.drainInto(tally);
  }
}
