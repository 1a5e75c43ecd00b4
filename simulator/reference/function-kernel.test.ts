// The function neuron's table lookup: segments, tails and the exact integer product past 2^53.

import { describe, expect, it } from "vitest";
import { createFunction } from "../../compiler/nmir/index.js";
import { FunctionKernel, tableSegment, tableValue } from "./function-kernel.js";
import type { PopTally } from "./kernel-parts.js";
import { emptyFrame } from "./schedule.js";

const f64 = (xs: number[]) => Float64Array.from(xs);

describe("function neuron", () => {
  it("finds k = #{xs ≤ x} and interpolates with the segment's slope, tails with theirs", () => {
    const xs = f64([-4, 0, 4]);
    expect([-5, -4, -1, 0, 3, 4, 9].map((x) => tableSegment(xs, x))).toEqual([0, 1, 1, 2, 2, 3, 3]);
    // y = ys[k−1] + mulShift(x − xs[k−1], slopes[k], 2): slopes in quarters
    const ys = f64([0, 8, 10]);
    const slopes = f64([1, 8, 2, 4]);
    const at = (x: number) => tableValue(xs, ys, slopes, 2, x, true);
    expect([-6, -4, -3, 0, 1, 3, 4, 7].map(at)).toEqual([0, 0, 2, 8, 8, 9, 10, 13]);
    // x = -6: ys[0] + trunc(-2·1/4) = 0 (toward zero); x = 1: 8 + trunc(1·2/4) = 8
  });

  it("multiplies exactly beyond 2^53 (BigInt) and saturates the payload", () => {
    const xs = f64([-(2 ** 31), 0]);
    const ys = f64([0, 0]);
    const slopes = f64([0, 0, 2 ** 31 - 1]);
    const x = 2 ** 32 - 3; // right tail: (2^32 − 3)(2^31 − 1) > 2^53
    const exact = Number(((2n ** 32n - 3n) * (2n ** 31n - 1n)) >> 20n);
    expect(tableValue(xs, ys, slopes, 20, x, true)).toBe(exact);
    const m = createFunction({ fn: "t", xs, ys, slopes, slopeShift: 20, outBits: 8 });
    const k = new FunctionKernel(m, 2, true);
    const out = emptyFrame(2);
    const tally: PopTally = { saturations: 0, overshoot: 0, spikes: 0, gradedEvents: 0 };
    k.step([f64([x, -3])], out, tally);
    expect(Array.from(out.values)).toEqual([127, 0]);
    expect(tally.saturations).toBe(1);
    expect(tally.gradedEvents).toBe(1);
  });

  it("interpolates exactly in real arithmetic at stage lowered", () => {
    const xs = f64([0, 0.5]);
    const v = tableValue(xs, f64([1, 2]), f64([0, 2, -1]), 0, 0.125, false);
    expect(v).toBe(1.25);
    expect(tableValue(xs, f64([1, 2]), f64([0, 2, -1]), 0, 1.5, false)).toBe(1);
  });
});
