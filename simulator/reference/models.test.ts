// Every neuron kind against a hand computation of its doc-comment update (neuron-models.ts), including the
// spikingjelly LIF acceptance cases, refractory, resets, vMin at the end of the step and saturation counts.

import { describe, expect, it } from "vitest";
import {
  createCubaLi,
  createCubaLif,
  createIf,
  createLi,
  createLif,
  createLinear,
  createProduct,
  createThreshold,
} from "../../compiler/nmir/neuron-factories.js";
import type { NeuronModel } from "../../compiler/nmir/neuron-models.js";
import { createReferenceRunner } from "./runner.js";
import { single } from "./test-helpers.js";

/** Runs `single(model)` over per-step inputs; returns outputs, the state after each step and the counts. */
function trace(model: NeuronModel, xs: readonly number[], x2?: readonly number[]) {
  const r = createReferenceRunner(single(model));
  const out: number[] = [];
  const v: number[] = [];
  const u: number[] = [];
  xs.forEach((x, t) => {
    const inputs = new Map([["x", [x]]]);
    if (x2) inputs.set("x2", [x2[t]!]);
    out.push(r.step(inputs).get("y")![0]!);
    const s = r.state("p");
    if (s.v) v.push(s.v[0]!);
    if (s.u) u.push(s.u[0]!);
  });
  const pop = r.counts().perPopulation[0]!;
  return { out, v, u, pop };
}

describe("spikingjelly LIF (τ = 2, v_th = 1.0 → 256, decay_input: in = 0.5·X·256)", () => {
  const lif = (fire: "ge" | "gt") => createLif({ dv: 2048, decayBits: 12, vth: 256, fire, reset: "zero" });
  const steps = (x: number, n: number) => Array.from({ length: n }, () => x);

  it("input 1.0 never spikes within 1000 steps: v settles at 255 (retention form never overshoots)", () => {
    const { out, v } = trace(lif("ge"), steps(128, 1000));
    expect(out.every((s) => s === 0)).toBe(true);
    expect(v.slice(0, 4)).toEqual([128, 192, 224, 240]);
    expect(v.at(-1)).toBe(255);
  });

  it("input 2.0 spikes every step; 1.5 every second step", () => {
    expect(trace(lif("ge"), steps(256, 50)).out).toEqual(steps(1, 50));
    const half = trace(lif("ge"), steps(192, 50)).out;
    expect(half).toEqual(Array.from({ length: 50 }, (_, t) => t % 2));
  });

  it('NIR-style fire "gt" is selectable: 2.0 reaches exactly 256 and fires only every second step', () => {
    const { out } = trace(lif("gt"), steps(256, 10));
    expect(out).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });
});

describe("lif", () => {
  const base = { dv: 1024, decayBits: 12, vth: 100, bias: 5, fire: "ge" as const, vBits: 16 };
  const xs = [40, 40, 40, 40, 0, -200, 0];

  it("decays by truncating the kept part toward zero; subtract reset; refractory holds v", () => {
    const { out, v } = trace(createLif({ ...base, reset: "subtract", refractory: 1 }), xs);
    expect(out).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(v).toEqual([45, 78, 3, 3, 7, -190, -137]);
  });

  it("vMin clamps last, after spike and reset", () => {
    const { v } = trace(createLif({ ...base, reset: "subtract", refractory: 1, vMin: -150 }), xs);
    expect(v).toEqual([45, 78, 3, 3, 7, -150, -107]);
    // vMin above the threshold: the clamp comes after the spike test, so step 0 does not fire.
    const high = trace(createLif({ ...base, reset: "subtract", vMin: 120 }), [40, 40, 0]);
    expect(high.out).toEqual([0, 1, 0]);
    expect(high.v).toEqual([120, 120, 120]);
  });

  it("zero reset goes to vReset", () => {
    const { v } = trace(createLif({ ...base, reset: "zero", vReset: -7 }), [200, 0]);
    expect(v).toEqual([-7, trunc(-7 * 0.75) + 5]);
  });
});

const trunc = Math.trunc;

describe("if", () => {
  it("saturates v at vBits and counts every clamp", () => {
    const m = createIf({ vth: 100, reset: "subtract", fire: "gt", vBits: 8 });
    const { out, v, pop } = trace(m, [200, 0, -300, -300]);
    expect(out).toEqual([1, 0, 0, 0]);
    expect(v).toEqual([27, 27, -128, -128]);
    expect(pop.saturations).toBe(3);
  });

  it("subtract reset saturates too (negative threshold)", () => {
    const { out, v, pop } = trace(createIf({ vth: -100, reset: "subtract", fire: "ge", vBits: 8 }), [100, 0]);
    expect(out).toEqual([1, 1]);
    expect(v).toEqual([127, 127]);
    expect(pop.saturations).toBe(2);
  });

  it("refractory: silent for `refractory` steps after a spike, without integrating", () => {
    const { out, v } = trace(createIf({ vth: 5, reset: "none", fire: "ge", refractory: 2 }), [6, 6, 6, 6, 6]);
    expect(out).toEqual([1, 0, 0, 1, 0]);
    expect(v).toEqual([6, 6, 6, 12, 12]);
  });
});

describe("cubaLif", () => {
  it("u decays every step (also while refractory) and v uses this step's u", () => {
    const m = createCubaLif({ du: 2048, dv: 4096, vth: 10, fire: "gt", refractory: 1 });
    const { out, u, v } = trace(m, [8, 8, 0, 0, 0]);
    expect(u).toEqual([8, 12, 6, 3, 1]);
    expect(v).toEqual([8, 0, 0, 3, 1]);
    expect(out).toEqual([0, 1, 0, 0, 0]);
  });
});

describe("li / cubaLi", () => {
  it("li: payload = sat(mulShift(v, 1, outShift), outBits), rounded toward zero", () => {
    const m = createLi({ dv: 2048, decayBits: 12, outShift: 2, outBits: 4, vBits: 16 });
    const { out, v, pop } = trace(m, [10, -30, 0, 100]);
    expect(v).toEqual([10, -25, -12, 94]);
    expect(out).toEqual([2, -6, -3, 7]);
    expect(pop.saturations).toBe(1);
    expect(pop.gradedEvents).toBe(4);
  });

  it("cubaLi", () => {
    const m = createCubaLi({ du: 2048, dv: 4096, outBits: 16 });
    expect(trace(m, [4, 0, 0, 0]).out).toEqual([4, 2, 1, 0]);
  });
});

describe("linear", () => {
  const xs = [1, 10, -100, 0];
  it("y = mulShift(in + bias, outMul, outShift), activation, payload sat", () => {
    const lin = (activation: Parameters<typeof createLinear>[0]["activation"], outBits = 8) =>
      trace(createLinear({ bias: 3, outMul: -5, outShift: 2, activation, outBits }), xs);
    expect(lin({ kind: "none" }).out).toEqual([-5, -16, 121, -3]);
    expect(lin({ kind: "relu" }).out).toEqual([0, 0, 121, 0]);
    expect(lin({ kind: "clamp", lo: -10, hi: 10 }).out).toEqual([-5, -10, 10, -3]);
    const narrow = lin({ kind: "none" }, 6);
    expect(narrow.out).toEqual([-5, -16, 31, -3]);
    expect(narrow.pop.saturations).toBe(1);
    // a zero payload is no event
    expect(trace(createLinear({ outBits: 8 }), [0, 1]).pop.gradedEvents).toBe(1);
  });

  it("products past 2^53 are exact (float64 would round (2^27+1)(2^27−1) = 2^54−1 up to 2^54)", () => {
    const m = createLinear({ outMul: 2 ** 27 - 1, outShift: 30, outBits: 32 });
    expect(trace(m, [2 ** 27 + 1]).out).toEqual([2 ** 24 - 1]);
  });
});

describe("product", () => {
  it("payload = sat(mulShift(a, b, shift), outBits); zero is no event", () => {
    const { out, pop } = trace(createProduct({ shift: 3, outBits: 8 }), [10, -7, 0, 100], [3, 5, 9, 100]);
    expect(out).toEqual([3, -4, 0, 127]);
    expect(pop.saturations).toBe(1);
    expect(pop.gradedEvents).toBe(3);
    expect(pop.activeNeuronUpdates).toBe(4);
  });

  it("exact past 2^53", () => {
    const { out } = trace(createProduct({ shift: 30, outBits: 32 }), [2 ** 27 + 1], [-(2 ** 27 - 1)]);
    expect(out).toEqual([-(2 ** 24 - 1)]);
  });
});

describe("threshold", () => {
  it("fires on in + bias >= vth (ge) or > vth (gt)", () => {
    expect(trace(createThreshold({ vth: 5, bias: 1, fire: "ge" }), [4, 3, 5]).out).toEqual([1, 0, 1]);
    expect(trace(createThreshold({ vth: 5, bias: 1, fire: "gt" }), [4, 3, 5]).out).toEqual([0, 0, 1]);
  });
});
