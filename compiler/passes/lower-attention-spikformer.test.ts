// lowerAttention on Spikformer's own shapes: operands are 16-bit head-selection relays of spikes carrying 0 or
// 2^g (g 12..14) with large matmul shifts, which only the payload bounds and factor-of-two grains make lowerable
// (also behind the padded selection convs of the calibrated MNIST demo's heads 1..3); and a tiny seeded
// Spikformer compiled through the model path, lowered for loihi2, equals its matmul form.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { buildSpikformer } from "../../models/spikformer.js";
import { calibrateBatchNorm } from "../../pipeline/calibrate-bn.js";
import { initWeights } from "../../pipeline/init-weights.js";
import { quantizationJson } from "../../reports/run-build.js";
import { quantizationSchema } from "../../reports/run-json.js";
import { TIMESTEP_MODES } from "../../simulator/reference/index.js";
import { runCaseArb } from "../../simulator/reference/test-helpers.js";
import {
  createConv2d,
  createDense,
  createDynamicMatmul,
  createInput,
  createLif,
  createLinear,
  createModule,
  createOneToOne,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
  spikeEvent,
  verify,
} from "../nmir/index.js";
import { lowerAttention } from "./lower-attention.js";
import { expectLoweredEqual } from "./lower-attention-testing.js";
import { observeRanges } from "./observe-ranges.js";
import { compile } from "./pipeline.js";
import { type QuantCompileOptions, quantContext } from "./quant-plan.js";
import { quantizationReport } from "./quantization-report.js";
import { quantizeInputs } from "./quantize-inputs.js";
import { randomInput, rng } from "./testing.js";

interface RelayBlock {
  tokens: number;
  dim: number;
  /** Relay gains 2^g of q, k, v (weight 64 at exponent g − 6, as Spikformer's selections). */
  gains: [number, number, number];
  /**
   * attn shift below g_q + g_k by this much (Spikformer: 2^28 terms, shift 17; negative: past the operands'
   * grains, so attn is odd and out's product shift must stop at v's grain); out shift.
   */
  shifts: [number, number];
  outBits: [number, number];
  weights: number[];
}

const relayArb: fc.Arbitrary<RelayBlock> = fc
  .record({
    tokens: fc.integer({ min: 2, max: 5 }),
    dim: fc.integer({ min: 1, max: 4 }),
    gains: fc.tuple(...[0, 1, 2].map(() => fc.integer({ min: 12, max: 14 }))) as fc.Arbitrary<
      [number, number, number]
    >,
    shifts: fc.tuple(fc.integer({ min: -2, max: 14 }), fc.integer({ min: 10, max: 20 })),
    outBits: fc.tuple(fc.integer({ min: 8, max: 16 }), fc.integer({ min: 6, max: 16 })),
  })
  .chain((b) => {
    const n = b.tokens * b.dim;
    return fc
      .array(fc.integer({ min: -3, max: 3 }), { minLength: n * n, maxLength: n * n })
      .map((weights) => ({ ...b, weights }));
  });

/** A 16-bit identity relay of `src` (size n) at gain 64·2^exp, as Spikformer's head selections. */
function relay(id: string, src: string, n: number, exp: number) {
  return {
    pop: createPopulation({
      id,
      shape: [n],
      model: createLinear({ outMul: 16384, outShift: 14, outBits: 16 }),
    }),
    proj: createProjection({
      id: `${id}.in`,
      src,
      dst: id,
      connectivity: createOneToOne({ size: n, weights: new Int32Array(n).fill(64) }),
      weightBits: 8,
      scale: { kind: "perProjection", exp },
    }),
  };
}

/** q, k, v spikes → relays → attn = q·kᵀ → relay → attn·v → LIF; outputs the LIF and attn·v. */
function relayModule(b: RelayBlock): NmirModule {
  const { tokens: N, dim: d } = b;
  const [gq, gk, gv] = b.gains;
  const rq = relay("q.r", "q", N * d, gq - 6);
  const rk = relay("k.r", "k", N * d, gk - 6);
  const rv = relay("v.r", "v", N * d, gv - 6);
  const ra = relay("attn.r", "attn", N * N, -6);
  return createModule({
    name: "ssa-relays",
    stage: "quantized",
    inputs: ["q", "k", "v"].map((t) => createInput(t, [N, d], spikeEvent())),
    populations: [
      rq.pop,
      rk.pop,
      rv.pop,
      ra.pop,
      createPopulation({ id: "lif", shape: [N * d], model: createLif({ vth: 2, dv: 1024, vBits: 16 }) }),
    ],
    projections: [
      rq.proj,
      rk.proj,
      rv.proj,
      ra.proj,
      createProjection({
        id: "p",
        src: "out",
        dst: "lif",
        connectivity: createDense({ inSize: N * d, outSize: N * d, weights: Int32Array.from(b.weights) }),
        weightBits: 8,
      }),
    ],
    dynamicMatmuls: [
      createDynamicMatmul({
        id: "attn",
        a: "q.r",
        b: "k.r",
        m: N,
        k: d,
        n: N,
        transposeB: true,
        shift: gq + gk - b.shifts[0],
        outBits: b.outBits[0],
      }),
      createDynamicMatmul({
        id: "out",
        a: "attn.r",
        b: "v.r",
        m: N,
        k: N,
        n: d,
        shift: b.shifts[1],
        outBits: b.outBits[1],
      }),
    ],
    outputs: [createOutput("y", "lif"), createOutput("y_out", "out")],
  });
}

/**
 * The calibrated MNIST demo's head h (1..3) of 4: q, k, v spikes [N, 4, d] → head selection by the conv the
 * lowering composes (taps 0 and 4 of a 5-tap kernel, stride 8, padding 4 − h: tap 0 always reads padding) into
 * 16-bit relays at calibration's scale (64·2^7 · 16384 / 2^13: 0 or 2^14), attn = q·kᵀ >> 17, its relay, and
 * attn·v >> 17. Counting the padded tap bounded the relays by 2^15, the 16-bit cap, so no grain was known and
 * the 2^30-scale terms left both matmuls unlowered ("the sum of d terms can exceed the accumulator's int32").
 */
function calibratedHeadModule(N: number, d: number, h: number): NmirModule {
  const select = (id: string, src: string) => ({
    pop: createPopulation({
      id,
      shape: [N, 1, d],
      model: createLinear({ outMul: 16384, outShift: 13, outBits: 16 }),
    }),
    proj: createProjection({
      id: `${id}.in`,
      src,
      dst: id,
      connectivity: createConv2d({
        inShape: [N, 4, d],
        kernel: [N, 1, 5, 1],
        weights: Int32Array.from({ length: N * 5 }, (_, i) => (i % 5 === 0 || i % 5 === 4 ? 64 : 0)),
        stride: [8, 1],
        padding: [4 - h, 0],
        groups: N,
      }),
      weightBits: 8,
      scale: { kind: "perProjection", exp: 7 },
    }),
  });
  const [rq, rk, rv] = [select("q.r", "q"), select("k.r", "k"), select("v.r", "v")];
  const ra = relay("attn.r", "attn", N * N, -6);
  return createModule({
    name: "ssa-calibrated-head",
    stage: "quantized",
    inputs: ["q", "k", "v"].map((t) => createInput(t, [N, 4, d], spikeEvent())),
    populations: [rq.pop, rk.pop, rv.pop, ra.pop],
    projections: [rq.proj, rk.proj, rv.proj, ra.proj],
    dynamicMatmuls: [
      createDynamicMatmul({
        id: "attn",
        a: "q.r",
        b: "k.r",
        m: N,
        k: d,
        n: N,
        transposeB: true,
        shift: 17,
        outBits: 16,
      }),
      createDynamicMatmul({ id: "out", a: "attn.r", b: "v.r", m: N, k: N, n: d, shift: 17, outBits: 16 }),
    ],
    outputs: [createOutput("y_attn", "attn"), createOutput("y_out", "out")],
  });
}

const T = 5;

describe("lowerAttention on Spikformer shapes", () => {
  it("lowers graded head-selection relays of spikes (0 or 2^g) exactly, both engines and modes (loihi2)", () => {
    const loihi2 = loadProfile("loihi2");
    const cases = relayArb.chain((b) => {
      const ir = relayModule(b);
      return runCaseArb(ir, T);
    });
    fc.assert(
      fc.property(cases, ({ ir, inputs, mode }) => {
        verify(ir, "quantized");
        const low = lowerAttention(ir, quantContext({ profile: loihi2 }));
        // the declared 16 bits would need 2^30-scale terms: only sound bounds and grains lower these
        expect(low.dynamicMatmuls).toEqual([]);
        verify(low, "quantized");
        expectLoweredEqual(ir, low, inputs, T, mode);
      }),
      { numRuns: 60 },
    );
  });

  it("lowers the calibrated demo's padded head selections (heads 1..3 of 4) exactly, both engines and modes", () => {
    const loihi2 = loadProfile("loihi2");
    const cases = fc
      .record({
        N: fc.integer({ min: 2, max: 4 }),
        d: fc.integer({ min: 2, max: 4 }),
        h: fc.integer({ min: 1, max: 3 }),
      })
      .chain(({ N, d, h }) => runCaseArb(calibratedHeadModule(N, d, h), T));
    fc.assert(
      fc.property(cases, ({ ir, inputs, mode }) => {
        verify(ir, "quantized");
        const ctx = quantContext({ profile: loihi2 });
        const low = lowerAttention(ir, ctx);
        expect(ctx.diagnostics.filter((x) => x.level === "warning")).toEqual([]);
        expect(low.dynamicMatmuls).toEqual([]);
        verify(low, "quantized");
        expectLoweredEqual(ir, low, inputs, T, mode);
      }),
      { numRuns: 30 },
    );
  });

  it("a tiny seeded Spikformer through the model path: lowered for loihi2 = its matmul form", () => {
    const steps = 2;
    const g = buildSpikformer({
      variant: "cifar",
      depth: 1,
      dim: 16,
      heads: 2,
      mlpRatio: 2,
      inChannels: 2,
      imageSize: 8,
      numClasses: 3,
      timesteps: steps,
    });
    initWeights(g, 5);
    const shape = [2, 8, 8];
    const x = randomInput(rng(3), 3, shape, { lo: 0, hi: 1 });
    calibrateBatchNorm(g, "input", shape, x.data);
    const lowered = compile(g, { dt: 1, stopAfter: "lowerToNmir" }).ir;
    const ranges = { ...observeRanges(lowered, { input: x }), input: 1 };
    const profile = loadProfile("loihi2");
    const quant: QuantCompileOptions = { dt: 1, profile, ranges };
    // loihi2's widths: the module just before lowerAttention keeps the matmuls (as generic-45nm runs them)
    const before = compile(g, { ...quant, stopAfter: "quantizeWeights" }).ir;
    const whole = compile(g, quant).ir;
    expect(before.dynamicMatmuls.length).toBe(4);
    expect(whole.dynamicMatmuls).toEqual([]);
    const low = lowerAttention(before, quantContext({ profile }));
    expect(low).toEqual(whole);
    // the projections it adds are exact (weight 1, nothing rounded): reported as such, and the run JSON
    // holds the report (a NaN SQNR for them failed run.schema.json, so `demo` could not write its run)
    const added = whole.projections.filter((p) => !before.projections.some((q) => q.id === p.id));
    const report = quantizationReport(whole);
    for (const p of report.projections.filter((r) => added.some((a) => a.id === r.id)))
      expect([p.id, p.sqnrDb, p.clipped, p.zeroed]).toEqual([p.id, Number.POSITIVE_INFINITY, 0, 0]);
    expect(quantizationSchema.safeParse(quantizationJson(report)).success).toBe(true);
    const inputs = quantizeInputs(before, { input: x });
    for (const mode of TIMESTEP_MODES) {
      const want = expectLoweredEqual(before, low, inputs, 3, mode);
      // not a silent comparison: the readout moves
      expect(
        [...want.values()].flat().some((o) => o.some((v) => v !== 0)),
        mode,
      ).toBe(true);
    }
  }, 120_000);
});
