// Timestep modes (pipelined = layer-sync delayed by one step per delay-0 layer), streaming vs whole-sequence
// runs, reset, input validation, and stage lowered executing in float.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDense } from "../../compiler/nmir/connectivity.js";
import { exampleNmir } from "../../compiler/nmir/example.js";
import {
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  gradedEvent,
} from "../../compiler/nmir/factories.js";
import {
  createCubaLif,
  createIf,
  createLi,
  createLif,
  createLinear,
  createThreshold,
} from "../../compiler/nmir/neuron-factories.js";
import type { NeuronModel } from "../../compiler/nmir/neuron-models.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import { runReference } from "./run.js";
import { createReferenceRunner } from "./runner.js";
import { constant, seq, single } from "./test-helpers.js";

/** A feed-forward chain x → l0 → … → l(depth−1) → output "y", bias 0 (silent without input). */
function chain(models: NeuronModel[], delays: number[], weights: Int32Array[]): NmirModule {
  const sizes = [4, 5, 4, 3, 4];
  return createModule({
    name: "chain",
    stage: "quantized",
    inputs: [createInput("x", [sizes[0]!])],
    populations: models.map((model, i) => createPopulation({ id: `l${i}`, shape: [sizes[i + 1]!], model })),
    projections: models.map((_, i) =>
      createProjection({
        id: `w${i}`,
        src: i === 0 ? "x" : `l${i - 1}`,
        dst: `l${i}`,
        connectivity: createDense({ inSize: sizes[i]!, outSize: sizes[i + 1]!, weights: weights[i]! }),
        weightBits: 8,
        delay: delays[i]!,
      }),
    ),
    outputs: [createOutput("y", `l${models.length - 1}`)],
  });
}

const spikes = (T: number, n: number, seed: number) =>
  seq(
    Array.from({ length: T }, (_, t) =>
      Array.from({ length: n }, (_, i) => ((t * 5 + i * 3 + seed) % 7 < 3 ? 1 : 0)),
    ),
  );

const outs = (r: ReturnType<typeof runReference>, id = "y") => r.outputs.get(id)!.map((a) => [...a]);

describe("layer-sync vs pipelined", () => {
  it("3-layer feed-forward chain: pipelined output = layer-sync output delayed by exactly 3 steps", () => {
    const w = (n: number, seed: number) =>
      Int32Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 9) * 10 - 20);
    const ir = chain(
      [createLif({ dv: 1024, vth: 50 }), createIf({ vth: 40 }), createLi({ dv: 512, outBits: 16 })],
      [0, 0, 0],
      [w(20, 1), w(20, 2), w(12, 3)],
    );
    const x = { x: spikes(40, 4, 0) };
    const sync = outs(runReference(ir, x));
    const piped = outs(runReference(ir, x, { mode: "pipelined" }));
    expect(sync.flat().some((v) => v !== 0)).toBe(true);
    expect(
      piped
        .slice(0, 3)
        .flat()
        .every((v) => v === 0),
    ).toBe(true);
    expect(piped.slice(3)).toEqual(sync.slice(0, -3));
  });

  it("in general: one step per delay-0 layer (delays ≥ 1 already lag the same in both modes)", () => {
    const kinds = (vth: number): NeuronModel[] => [
      createLif({ dv: 700, vth }),
      createIf({ vth, reset: "subtract" }),
      createCubaLif({ du: 2048, dv: 1000, vth }),
      createLi({ dv: 300, outShift: 1, outBits: 12 }),
      createLinear({ outMul: 3, outShift: 2, activation: { kind: "relu" }, outBits: 10 }),
      createThreshold({ vth }),
    ];
    const layer = fc.record({
      kind: fc.integer({ min: 0, max: 5 }),
      vth: fc.integer({ min: 1, max: 60 }),
      delay: fc.integer({ min: 0, max: 2 }),
      seed: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(fc.array(layer, { minLength: 1, maxLength: 4 }), fc.nat(6), (layers, seed) => {
        const sizes = [4, 5, 4, 3, 4];
        const ir = chain(
          layers.map((l) => kinds(l.vth)[l.kind]!),
          layers.map((l) => l.delay),
          layers.map((l, i) =>
            Int32Array.from(
              { length: sizes[i]! * sizes[i + 1]! },
              (_, j) => ((j * 11 + l.seed) % 13) * 9 - 40,
            ),
          ),
        );
        const T = 24;
        const x = { x: spikes(T, 4, seed) };
        const lag = layers.filter((l) => l.delay === 0).length;
        const sync = outs(runReference(ir, x));
        const piped = outs(runReference(ir, x, { mode: "pipelined" }));
        expect(
          piped
            .slice(0, lag)
            .flat()
            .every((v) => v === 0),
        ).toBe(true);
        expect(piped.slice(lag)).toEqual(sync.slice(0, T - lag));
      }),
      { numRuns: 150 },
    );
  });
});

describe("streaming", () => {
  it("step by step equals the whole-sequence run (outputs, counts); reset starts over", () => {
    const ir = exampleNmir();
    const T = 25;
    const x = spikes(T, 16, 2);
    for (const mode of ["layer-sync", "pipelined"] as const) {
      const whole = runReference(ir, { in: { shape: [T, 1, 4, 4], data: x.data } }, { mode });
      const runner = createReferenceRunner(ir, { mode });
      for (let pass = 0; pass < 2; pass++) {
        const got: number[][] = [];
        for (let t = 0; t < T; t++) {
          const frame = Array.from(x.data).slice(t * 16, (t + 1) * 16);
          got.push([...runner.step({ in: frame }).get("logits")!]);
        }
        expect(runner.t).toBe(T);
        expect(got).toEqual(outs(whole, "logits"));
        expect(runner.counts().totals).toEqual(whole.counts.totals);
        runner.reset();
      }
    }
  });

  it("outputsScaled = value · 2^scaleExp; per-step counts sum to the totals", () => {
    const ir = exampleNmir();
    const r = runReference(
      ir,
      { in: { shape: [10, 1, 4, 4], data: spikes(10, 16, 1).data } },
      { perStepCounts: true },
    );
    const raw = r.outputs.get("logits")!;
    expect(r.outputsScaled.get("logits")!.map((a) => [...a])).toEqual(
      raw.map((a) => [...a].map((v) => v / 64)),
    );
    const steps = r.counts.perStep!;
    expect(steps).toHaveLength(10);
    for (const k of ["ac", "dense", "spikes", "gradedEvents", "activeNeuronUpdates"] as const) {
      expect(steps.reduce((s, st) => s + st.totals[k], 0)).toBe(r.counts.totals[k]);
    }
    expect(steps[3]!.perProjection.map((p) => p.dense)).toEqual(
      r.counts.perProjection.map((p) => p.dense / 10),
    );
  });
});

describe("input validation", () => {
  const lif = single(createLif({ dv: 0, vth: 10 }), 3, { kind: "spike" });
  const graded = single(createLinear({ outBits: 8 }), 3, gradedEvent(4));
  const run = (ir: NmirModule, inputs: Record<string, { shape: number[]; data: number[] }>) => () =>
    runReference(ir, inputs);

  it("names the input, the step and the element", () => {
    expect(run(lif, {})).toThrow(/no value for input "x"/);
    expect(
      run(lif, { x: { shape: [2, 3], data: [0, 0, 0, 0, 0, 0] }, z: { shape: [1], data: [0] } }),
    ).toThrow(/"z" is not an input/);
    expect(run(lif, { x: { shape: [2, 4], data: new Array(8).fill(0) } })).toThrow(/expected shape \[T,3\]/);
    expect(run(lif, { x: { shape: [2, 3], data: [0, 0, 0, 0, Number.NaN, 0] } })).toThrow(
      /input "x" holds NaN at step 1, element 1/,
    );
    expect(run(lif, { x: { shape: [1, 3], data: [0, 0.5, 0] } })).toThrow(
      /element 1: spike inputs must be 0 or 1/,
    );
    expect(run(graded, { x: { shape: [1, 3], data: [0, 0, 8] } })).toThrow(
      /input "x" holds 8 at step 0, element 2: graded 4-bit inputs must be integers in \[-8, 7\]/,
    );
    expect(run(graded, { x: { shape: [1, 3], data: [1.5, 0, 0] } })).toThrow(
      /holds 1.5 at step 0, element 0/,
    );
    const r = createReferenceRunner(lif);
    expect(() => r.step({ x: [0, 1] })).toThrow(/input "x" at step 0: expected 3 values/);
  });

  it("verifies the module first", () => {
    const bad = single(createLif({ dv: 0, vth: 10 }));
    bad.projections[0]!.src = "nope";
    expect(() => createReferenceRunner(bad)).toThrow(/not valid NMIR/);
  });
});

describe('stage "lowered" executes in float', () => {
  /** Integer-valued module where no rounding or saturation happens, and its lowered twin (float arrays). */
  function pair(): [NmirModule, NmirModule] {
    const ir = chain(
      [
        createIf({ vth: 30, reset: "subtract", bias: 2 }),
        createLif({ dv: 4096, vth: 20, bias: -1, vMin: -50 }), // keeps nothing: v = in + bias
        createLi({ dv: 0, outShift: 0, outBits: 24 }), // keeps everything: no rounding
        createLinear({ outMul: 1, bias: 3, outBits: 24, activation: { kind: "relu" } }),
      ],
      [0, 1, 0, 0],
      [20, 20, 12, 12].map((n, k) => Int32Array.from({ length: n }, (_, i) => ((i * 5 + k) % 7) * 6 - 12)),
    );
    ir.projections[2]!.scale = { kind: "perChannel", exps: Int32Array.of(0, 1, 2) };
    const low: NmirModule = structuredClone(ir);
    low.stage = "lowered";
    for (const p of low.projections) p.connectivity.weights = Float32Array.from(p.connectivity.weights);
    for (const p of low.populations) {
      const m = p.model as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(m)) if (v instanceof Int32Array) m[k] = Float64Array.from(v);
    }
    return [ir, low];
  }

  it("a lowered module with integer values gives the quantized result when nothing rounds", () => {
    const [ir, low] = pair();
    expect(low.populations[0]!.model.kind === "if" && low.populations[0]!.model.vth).toBeInstanceOf(
      Float64Array,
    );
    for (const mode of ["layer-sync", "pipelined"] as const) {
      const x = { x: spikes(30, 4, 3) };
      const a = runReference(ir, x, { mode, record: ["l0", "l1", "l2"] });
      const b = runReference(low, x, { mode, record: ["l0", "l1", "l2"] });
      expect(
        outs(a)
          .flat()
          .some((v) => v !== 0),
      ).toBe(true);
      expect(outs(b)).toEqual(outs(a));
      expect(b.records).toEqual(a.records);
      expect(b.counts.totals).toEqual(a.counts.totals);
      expect(a.counts.totals.saturations).toBe(0);
    }
  });

  it("where the integer form rounds, the lowered form keeps the real value", () => {
    const li = (stage: "lowered" | "quantized") => {
      const ir = single(createLi({ dv: 2048, outShift: 1, outBits: 8 }));
      ir.stage = stage;
      return ir;
    };
    const x = { x: constant(3, [3]) };
    expect(outs(runReference(li("quantized"), x)).flat()).toEqual([1, 2, 2]); // v = 3, 4, 5 → >> 1
    expect(outs(runReference(li("lowered"), x)).flat()).toEqual([1.5, 2.25, 2.625]); // v = 3, 4.5, 5.25
    const big = { x: constant(1, [1000]) };
    expect(outs(runReference(li("lowered"), big)).flat()).toEqual([500]); // sat does nothing
    expect(runReference(li("lowered"), { x: constant(1, [0.25]) }).counts.totals.gradedEvents).toBe(1);
  });
});
