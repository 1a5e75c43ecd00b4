// Op counts against NeuroBench's unit-test vectors (Effective ACs/MACs, Dense with padding excluded), zero
// weights, neuron updates, and the theoretical energy convention.

import { describe, expect, it } from "vitest";
import {
  type Connectivity,
  connOutSize,
  createConv1d,
  createConv2d,
} from "../../compiler/nmir/connectivity.js";
import {
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  gradedEvent,
} from "../../compiler/nmir/factories.js";
import { createLif, createLinear } from "../../compiler/nmir/neuron-factories.js";
import { type EventKind, shapeSize } from "../../compiler/nmir/types.js";
import { COUNT_CONVENTIONS, theoreticalEnergy } from "./counts.js";
import { runReference } from "./run.js";
import { constant, dense } from "./test-helpers.js";

/** input [inShape] → conn → population of `model` (linear identity by default), T steps of constant `x`. */
function count(conn: Connectivity, inShape: number[], event: EventKind, T: number, x = 1, lif = false) {
  const out = connOutSize(conn);
  const ir = createModule({
    name: "count",
    stage: "quantized",
    inputs: [createInput("x", inShape, event)],
    populations: [
      createPopulation({
        id: "p",
        shape: [out],
        model: lif ? createLif({ dv: 410, vth: 1000 }) : createLinear({ outBits: 16 }),
      }),
    ],
    projections: [createProjection({ id: "w", src: "x", dst: "p", connectivity: conn, weightBits: 8 })],
    outputs: [createOutput("y", "p")],
  });
  const n = shapeSize(inShape);
  return runReference(ir, { x: { shape: [T, ...inShape], data: new Float64Array(T * n).fill(x) } }).counts;
}

const ones = (n: number) => new Int32Array(n).fill(1);

describe("NeuroBench unit-test vectors", () => {
  it("SNN Linear(20, 5) + Leaky, all-ones spikes, 10 steps: 1000 ACs per sample", () => {
    const c = count(
      dense(Array.from({ length: 5 }, () => new Array(20).fill(3))),
      [20],
      { kind: "spike" },
      10,
      1,
      true,
    );
    expect(c.totals).toMatchObject({ ac: 1000, mac: 0, dense: 1000, synapticOps: 1000, neuronUpdates: 50 });
    expect(c.perProjection[0]).toMatchObject({ id: "w", srcEvent: "spike", ac: 1000, events: 200 });
  });

  it("Conv2d(1,1,3) on 3×3: 9 MACs; on 12×12: 900; Conv1d(5,1,5) on 5×10: 150", () => {
    const g = gradedEvent(8);
    const k3 = (n: number) => createConv2d({ inShape: [1, n, n], kernel: [1, 1, 3, 3], weights: ones(9) });
    expect(count(k3(3), [1, 3, 3], g, 1).totals).toMatchObject({ mac: 9, ac: 0, dense: 9 });
    expect(count(k3(12), [1, 12, 12], g, 1).totals).toMatchObject({ mac: 900, dense: 900 });
    const c1 = createConv1d({ inShape: [5, 10], kernel: [1, 5, 5], weights: ones(25) });
    expect(count(c1, [5, 10], g, 1).totals).toMatchObject({ mac: 150, dense: 150 });
  });
});

describe("conventions", () => {
  it("dense excludes taps on padding; effective ops exclude zero weights and absent events", () => {
    const w = ones(9);
    w[4] = 0; // the centre tap
    const conv = createConv2d({ inShape: [1, 3, 3], kernel: [1, 1, 3, 3], weights: w, padding: 1 });
    const full = count(conv, [1, 3, 3], gradedEvent(8), 2);
    expect(full.totals.dense).toBe(2 * 49); // 7 valid taps per axis
    expect(full.totals.mac).toBe(2 * (49 - 9)); // the centre tap hits every output once
    const silent = count(conv, [1, 3, 3], gradedEvent(8), 2, 0);
    expect(silent.totals).toMatchObject({ mac: 0, dense: 98, neuronUpdates: 18, activeNeuronUpdates: 0 });
  });

  it("every number carries its convention", () => {
    const c = count(dense([[1]]), [1], { kind: "spike" }, 1);
    expect(c.conventions).toBe(COUNT_CONVENTIONS);
    expect(c.conventions.ac).toMatch(/nonzero weight/);
    expect(c.conventions.dense).toMatch(/padding excluded/);
  });
});

describe("theoreticalEnergy", () => {
  it("E_AC·AC + E_MAC·MAC with the 45 nm defaults, or given energies", () => {
    const c = count(
      dense(Array.from({ length: 5 }, () => new Array(20).fill(3))),
      [20],
      { kind: "spike" },
      10,
    );
    const e = theoreticalEnergy(c);
    expect(e.acJ).toBeCloseTo(1000 * 0.9e-12, 20);
    expect(e.macJ).toBe(0);
    expect(e.totalJ).toBeCloseTo(9e-10, 20);
    expect(e.convention).toBe("E_AC·AC + E_MAC·MAC, 0.9/4.6 pJ (Horowitz 45 nm; Spikformer convention)");
    const g = count(dense([[1, 1]]), [2], gradedEvent(8), 3);
    const custom = theoreticalEnergy(g, { eAC: 0.1e-12, eMAC: 3.1e-12 });
    expect(custom.mac).toBe(6);
    expect(custom.totalJ).toBeCloseTo(6 * 3.1e-12, 24);
    expect(custom.convention).toBe("E_AC·AC + E_MAC·MAC, 0.1/3.1 pJ");
  });

  it("includes dynamic-matmul products unless told not to", () => {
    const totals = { ...count(dense([[1]]), [1], { kind: "spike" }, 1).totals, matmulAc: 10, matmulMac: 2 };
    expect(theoreticalEnergy({ totals }).ac).toBe(11);
    expect(theoreticalEnergy({ totals }, { includeMatmul: false })).toMatchObject({ ac: 1, mac: 0 });
  });
});

it("constant() builds [T, n] sequences", () => {
  expect(constant(2, [1, 2])).toEqual({ shape: [2, 2], data: Float64Array.of(1, 2, 1, 2) });
});
