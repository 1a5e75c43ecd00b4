// planScales → quantizeNeurons → quantizeWeights on hand-built lowered modules: chosen LSBs, co-scaled
// parameters, exact graded arithmetic end to end, per-channel vs per-projection, clipping, decay modes, and
// "every lowered module quantizes to a valid one" over random modules.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runReference } from "../../simulator/reference/index.js";
import { inputsArb } from "../../simulator/reference/test-helpers.js";
import { nmirModuleArb } from "../nmir/arbitrary.js";
import {
  checkNmir,
  createDense,
  createLi,
  createPopulation,
  type LifModel,
  type LiModel,
  type LinearModel,
  type NmirModule,
  verify,
} from "../nmir/index.js";
import { planScales } from "./plan-scales.js";
import { readPlan } from "./quant-plan.js";
import { readWeightStats } from "./quant-stats.js";
import { gradedReadout, lifChain, quantize } from "./quant-testing.js";
import { agreement } from "./quantization-agreement.js";
import { quantizeNeurons } from "./quantize-neurons.js";
import { quantizeWeights } from "./quantize-weights.js";

const f32 = (xs: number[]) => Float32Array.from(xs);

describe("quantization passes", () => {
  it("co-scales threshold, bias and weights with a power-of-two voltage LSB (LIF chain)", () => {
    const { q } = quantize(lifChain());
    expect(q.stage).toBe("quantized");
    expect(checkNmir(q)).toEqual([]);
    const plan = readPlan(q);
    // vth 1 with headroom 4 → range 4 → λ = 2^-12 (4·4096 = 16384 ≤ 32767 < 32768).
    expect(plan.lsb.l1).toEqual({ in: -12 });
    const l1 = q.populations[0]!.model as LifModel;
    expect(Array.from(l1.vth)).toEqual([4096]);
    expect(Array.from(l1.bias)).toEqual([123]); // 0.03 · 4096 = 122.88
    expect(Array.from(l1.dv)).toEqual([410]); // 409.6 over 2^12
    expect([l1.vBits, l1.decayBits]).toEqual([16, 12]);
    const fc1 = q.projections[0]!;
    expect(fc1.weightBits).toBe(8);
    // max t = 0.7·4096 = 2867.2 → exp 5 (2867.2/32 = 89.6 ≤ 127; /16 = 179 > 127).
    expect(fc1.scale).toEqual({ kind: "perProjection", exp: 5 });
    expect(fc1.connectivity.weights[0]).toBe(77); // round(0.6·4096/32 = 76.8)
  });

  it("state bits come from the option, else the profile, else 16", () => {
    expect(readPlan(quantize(lifChain(), { stateBits: 24 }).q).lsb.l1).toEqual({ in: -20 });
    expect(readPlan(quantize(lifChain(), { profile: "loihi" }).q).stateBits).toBe(24);
    expect(readPlan(quantize(lifChain(), { profile: "speck" }).q).stateBits).toBe(16);
  });

  it("a graded input → linear readout computes exactly what the lowered module computes", () => {
    const { q } = quantize(gradedReadout(), { inputRange: 2 });
    verify(q, "quantized");
    expect(q.metadata["input.x.scaleExp"]).toBe("-5"); // 2 · 32 = 64 ≤ 127 < 2 · 64
    expect(q.outputs[0]!.scaleExp).toBe(-5);
    const y = q.populations[0]!.model as LinearModel;
    expect([y.outShift, Array.from(y.outMul), y.outBits]).toEqual([22, [16384], 8]);
    expect(readWeightStats(q).w!.sqnrDb).toBe(Number.POSITIVE_INFINITY);
    const x = [0.5, -1, 1.5];
    const float = runReference(gradedReadout(), { x: { shape: [1, 3], data: x } });
    const int = runReference(q, { x: { shape: [1, 3], data: x.map((v) => v * 32) } });
    expect(Array.from(float.outputsScaled.get("out")![0]!)).toEqual([-1.5, 1.1875]);
    expect(Array.from(int.outputsScaled.get("out")![0]!)).toEqual([-1.5, 1.1875]);
  });

  it("the quantized LIF chain follows the lowered one on random spike input", () => {
    const lowered = lifChain();
    const { q } = quantize(lowered);
    const T = 60;
    const data = Array.from({ length: T * 4 }, (_, i) => ((i * 7919) % 13 < 5 ? 1 : 0));
    const inputs = { in: { shape: [T, 4], data } };
    const record = ["l1", "l2"];
    const a = runReference(lowered, inputs, { record });
    const b = runReference(q, inputs, { record });
    const dense = (r: typeof a, id: string, n: number) =>
      r.records.get(id)!.map((ev) => {
        const out = new Float64Array(n);
        ev.index.forEach((j) => {
          out[j] = 1;
        });
        return out;
      });
    const records = new Map([
      ["l1", dense(a, "l1", 3)],
      ["l2", dense(a, "l2", 2)],
    ]);
    const agree = agreement({ outputs: a.outputsScaled, records }, b);
    // Spike trains diverge only where v lands within an LSB of threshold, then by cascades downstream.
    expect(agree.spikes[0]!.fraction).toBeGreaterThan(0.95);
    expect(agree.spikes[1]!.fraction).toBeGreaterThan(0.85);
    expect(agree.outputs[0]!.argmax).toBe(1);
    expect(b.counts.totals.saturations).toBe(0);
  });

  it("per-channel exponents follow each output channel; per-projection shares one", () => {
    const m = lifChain();
    // Row 2 of fc1 ~100× smaller than the rest: one shared exponent rounds it coarsely.
    (m.projections[0]!.connectivity.weights as Float32Array).set([0.006, 0.002, 0.0045, -0.003], 8);
    const proj = quantize(m).q;
    const chan = quantize(m, { perChannel: true }).q;
    expect(proj.projections[0]!.scale.kind).toBe("perProjection");
    const s = chan.projections[0]!.scale;
    expect(s.kind).toBe("perChannel");
    if (s.kind === "perChannel") expect(Array.from(s.exps)).toEqual([5, 5, -2]);
    const sq = (ir: NmirModule) => readWeightStats(ir).fc1!.sqnrDb;
    expect(sq(chan)).toBeGreaterThan(sq(proj));
    verify(chan, "quantized");
  });

  it("clipping (fuzzy scaling) is counted and warned about", () => {
    const m = lifChain();
    const w = m.projections[0]!.connectivity.weights as Float32Array;
    w.set([2.5, 0.1, 0.11, 0.09, 0.1, 0.12, 0.08, 0.1, 0.1, 0.11, 0.09, 0.1]);
    const { q, diagnostics } = quantize(m, { clipSigma: 1 });
    const stats = readWeightStats(q).fc1!;
    expect(stats.clipped).toBe(1);
    expect(q.projections[0]!.connectivity.weights[0]).toBe(127);
    expect(diagnostics.some((d) => d.level === "warning" && /1 of 12 weights clipped/.test(d.message))).toBe(
      true,
    );
    expect(readWeightStats(quantize(m).q).fc1!.clipped).toBe(0); // max-abs scaling never clips
  });

  it("SQNR of known weights: 2-bit mantissas of [1, 0.5] → ŵ = [1, 1] → 10·log10(1.25/0.25)", () => {
    const m = lifChain();
    m.projections[1] = {
      ...m.projections[1]!,
      connectivity: createDense({ inSize: 3, outSize: 2, weights: f32([1, 0.5, 0, 0, 0, 0]) }),
    };
    const s = readWeightStats(quantize(m, { weightBits: 2 }).q).fc2!;
    expect(s.sqnrDb).toBeCloseTo(10 * Math.log10(5), 10);
    expect(s.effectiveBits).toBe(2); // mantissa 1 needs 2 signed bits
  });

  it("decays: mult12 rounds to 1/4096, shift to the nearest power of two (Xylo dash)", () => {
    const dv = (ir: NmirModule) => Array.from((ir.populations[0]!.model as LifModel).dv);
    expect(dv(quantize(lifChain()).q)).toEqual([410]);
    expect(dv(quantize(lifChain(), { decay: "shift" }).q)).toEqual([512]); // 0.1 → 2^-3
  });

  it("a leaky graded readout gets outShift = payload LSB − λ and an 8-bit payload", () => {
    const m = lifChain();
    m.populations[1] = createPopulation({
      id: "l2",
      shape: [2],
      model: createLi({ dv: 409.6, outBits: 32 }),
    });
    const { q } = quantize(m);
    verify(q, "quantized");
    const plan = readPlan(q);
    const li = q.populations[1]!.model as LiModel;
    expect(li.outShift).toBe(plan.out.l2! - plan.lsb.l2!.in!);
    expect(li.outBits).toBe(8);
    expect(q.outputs[0]!.scaleExp).toBe(plan.out.l2);
  });

  it("calibration data set graded input LSBs and observed payload ranges", () => {
    const x = { shape: [2, 3], data: [0.1, -0.2, 0.05, 0.3, 0, -0.1] };
    const { q } = quantize(gradedReadout(), { calibration: { x } });
    expect(readPlan(q).range.x).toBeCloseTo(0.3, 6);
    expect(q.metadata["input.x.scaleExp"]).toBe("-8"); // 0.3 · 256 = 76.8 ≤ 127
    // y's payload range observed as max |W·x| over the samples, tighter than the bound.
    expect(readPlan(q).range.y).toBeLessThan(1);
  });

  it("running a pass twice changes nothing; quantizing a quantized module is refused", () => {
    const { q } = quantize(lifChain());
    expect(quantizeWeights(q)).toBe(q);
    expect(quantizeNeurons(q)).toBe(q);
    expect(() => planScales(q)).toThrow(/already at stage "quantized"/);
  });

  it("bad option values are refused naming the option", () => {
    expect(() => quantize(lifChain(), { weightBits: 0 })).toThrow(/weightBits must be an integer in 2\.\.16/);
    expect(() => quantize(lifChain(), { stateBits: 40 })).toThrow(/stateBits/);
    expect(() => quantize(lifChain(), { profile: "nochip" })).toThrow(/unknown chip profile/);
  });

  it("every valid lowered module quantizes to a valid quantized module that runs", () => {
    const cases = nmirModuleArb({ stage: "lowered" }).chain((m) =>
      fc.tuple(fc.constant(m), fc.boolean(), inputsArb(quantize(m).q, 3)),
    );
    fc.assert(
      fc.property(cases, ([m, perChannel, inputs]) => {
        const { q } = quantize(m, { perChannel, weightBits: 6 });
        expect(checkNmir(q, "quantized")).toEqual([]);
        expect(runReference(q, inputs).steps).toBe(3);
      }),
      { numRuns: 300 },
    );
  });
});
