// The quantization report (from a quantized module's metadata, also after a .nmir round trip), float/int
// agreement on hand-made runs with known answers, and quantizeInputs ↔ dequantizeInputs.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeNmir, encodeNmir } from "../nmir/index.js";
import { effectiveBits, sqnrDb } from "./quant-stats.js";
import { gradedReadout, lifChain, quantize } from "./quant-testing.js";
import { agreement, quantizationReport } from "./quantization-report.js";
import { dequantizeInputs, quantizeInputs } from "./quantize-inputs.js";

const steps = (...rows: number[][]) => rows.map((r) => Float64Array.from(r));

describe("quantizationReport", () => {
  it("reports exact weights as SQNR = ∞, with exponents, bits used and LSBs", () => {
    const { q } = quantize(gradedReadout(), { inputRange: 2 });
    const r = quantizationReport(q);
    expect(r).toMatchObject({ weightBits: 8, stateBits: 16, payloadBits: 8, granularity: "perProjection" });
    const w = r.projections[0]!;
    expect(w).toMatchObject({
      id: "w",
      weights: 6,
      clipped: 0,
      zeroed: 0,
      scale: { kind: "perProjection", exp: 2 },
    });
    expect(w.sqnrDb).toBe(Number.POSITIVE_INFINITY);
    // mantissas 32, 16, −64, 64, −32, 8: 8 signed bits, 3 shared trailing zeros → 5 bits carry information.
    expect(w.effectiveBits).toBe(5);
    expect(r.inputs).toEqual([{ id: "x", scaleExp: -5, range: 2 }]);
    expect(r.populations[0]).toMatchObject({ id: "y", kind: "linear", lsbExp: { in: -13 }, payloadExp: -5 });
    expect(r.totals.worstSqnrDb).toBe(Number.POSITIVE_INFINITY);
  });

  it("survives the .nmir round trip and takes saturation counts from a run", () => {
    const { q } = quantize(lifChain());
    const back = decodeNmir(encodeNmir(q));
    const r = quantizationReport(back, { l1: 0, l2: 3 });
    expect(r.projections.map((p) => p.id)).toEqual(["fc1", "fc2"]);
    expect(r.projections[0]!.sqnrDb).toBeGreaterThan(30);
    expect(r.populations.map((p) => [p.id, p.lsbExp.in, p.saturated])).toEqual([
      ["l1", -12, false],
      ["l2", -13, true],
    ]);
  });

  it("refuses a module that was not quantized", () => {
    expect(() => quantizationReport(lifChain())).toThrow(/nothing was quantized/);
  });

  it("sqnrDb and effectiveBits on known values", () => {
    expect(sqnrDb(100, 1)).toBe(20);
    expect(sqnrDb(1, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(effectiveBits([127, -128])).toBe(8);
    expect(effectiveBits([4, -8, 12])).toBe(3); // 5 signed bits, 2 shared trailing zeros
    expect(effectiveBits([0, 0])).toBe(0);
  });
});

describe("agreement", () => {
  it("output error, argmax and spike agreement on hand-made runs", () => {
    const float = {
      outputs: new Map([["y", steps([1, 2, 0], [1, 0, 0])]]),
      records: new Map([["l1", steps([1, 0], [0, 1])]]),
    };
    const int = {
      outputsScaled: new Map([["y", steps([1, 2, 1], [1, 0, 0])]]),
      records: new Map([
        [
          "l1",
          [
            { index: [0], value: [1] },
            { index: [0], value: [1] },
          ],
        ],
      ]),
    };
    const a = agreement(float, int);
    expect(a.samples).toBe(1);
    expect(a.steps).toBe(2);
    const y = a.outputs[0]!;
    expect(y.maxAbs).toBe(1);
    expect(y.rmse).toBeCloseTo(Math.sqrt(1 / 6), 12);
    expect(y.relative).toBeCloseTo(Math.sqrt(1 / 6), 12); // ‖e‖² = 1, ‖float‖² = 1 + 4 + 1
    expect(y.argmax).toBe(1); // sums [2, 2, 0] vs [2, 2, 1]: both pick index 0
    expect(a.spikes).toEqual([{ id: "l1", fraction: 0.5, floatSpikes: 2, intSpikes: 2 }]);
  });

  it("pairs single outputs of different ids, shifts by lag and averages argmax over samples", () => {
    const f = (v: number[]) => ({ outputs: new Map([["output", steps(v)]]) });
    const q = (a: number[], b: number[]) => ({ outputsScaled: new Map([["out", steps(a, b)]]) });
    const a = agreement([f([0, 1]), f([1, 0])], [q([9, 9], [0, 1]), q([9, 9], [0, 1])], { lag: 1 });
    expect(a.outputs[0]).toMatchObject({ id: "out", floatId: "output", maxAbs: 1, argmax: 0.5 });
    expect(a.steps).toBe(1);
  });
});

describe("quantizeInputs", () => {
  it("rounds graded inputs to their LSB within half an LSB, clips beyond the payload range", () => {
    const { q } = quantize(gradedReadout(), { inputRange: 2 });
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3.9, max: 3.9, noNaN: true }), { minLength: 3, maxLength: 30 }),
        (xs) => {
          const n = xs.length - (xs.length % 3);
          const data = xs.slice(0, n);
          const ints = quantizeInputs(q, { x: { shape: [n / 3, 3], data } });
          const back = dequantizeInputs(q, ints).get("x")!.data;
          let clipped = 0;
          data.forEach((v, i) => {
            if (Math.abs(v) <= 127 / 32) expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(1 / 64 + 1e-12);
            else clipped++;
            expect(Number.isInteger(ints.get("x")!.data[i])).toBe(true);
          });
          expect(ints.get("x")!.clipped).toBe(clipped);
        },
      ),
    );
  });

  it("spike inputs read nonzero as 1 and count values other than 0/1", () => {
    const { q } = quantize(lifChain());
    const r = quantizeInputs(q, { in: { shape: [1, 4], data: [0, 1, 2, -0.5] } }).get("in")!;
    expect(Array.from(r.data)).toEqual([0, 1, 1, 1]);
    expect(r.clipped).toBe(2);
    expect(() => quantizeInputs(q, { nope: { shape: [1], data: [0] } })).toThrow(/not an input/);
    expect(() => quantizeInputs(q, { in: { shape: [1], data: [Number.NaN] } })).toThrow(/holds NaN/);
  });
});
