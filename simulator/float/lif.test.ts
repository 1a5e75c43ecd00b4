// Neuron dynamics of the float reference against external traces: the NIR paper's single LIF neuron (Norse and
// Rockpool parameterisations) and spikingjelly's LIFNode; plus the other neuron kinds by hand.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  chain,
  createAffine,
  createCubaLI,
  createCubaLIF,
  createGraph,
  createI,
  createIF,
  createInput,
  createLI,
  createLIF,
  createLinear,
  createOutput,
  createThreshold,
  type GraphNode,
  ndarray,
  scalar,
} from "../../compiler/graph/index.js";
import { runFloat } from "./index.js";

const LIF_DIR = new URL("../../../shared/fixtures/nir/01_lif/", import.meta.url);

/** The 1000 × [input, v, spike] rows of a NIR paper CSV. */
function readTrace(name: string): { input: number[]; v: number[]; spikes: number[] } {
  const rows = readFileSync(new URL(name, LIF_DIR), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(",").map(Number));
  return {
    input: rows.map((r) => r[0]!),
    v: rows.map((r) => r[1]!),
    spikes: rows.flatMap((r, i) => (r[2]! > 0 ? [i] : [])),
  };
}

/** Input[1] → synapse "0" → neuron "1" → Output, as the NIR paper's lif_*.nir files. */
function singleNeuron(synapse: GraphNode, neuron: GraphNode) {
  const g = createGraph();
  chain(g, [
    ["input", createInput([1])],
    ["0", synapse],
    ["1", neuron],
    ["output", createOutput([1])],
  ]);
  return g;
}

function drive(g: ReturnType<typeof singleNeuron>, input: number[], dt: number, withState = true) {
  const recordState = withState ? ["1"] : [];
  const res = runFloat(
    g,
    { input: { shape: [input.length, 1], data: input } },
    { dt, record: ["1"], recordState },
  );
  const spikes = res.outputs.get("output")!.flatMap((o, t) => (o[0]! > 0 ? [t] : []));
  const v = withState ? res.states.get("1")!.map((s) => s[0]!) : [];
  return { res, spikes, v };
}

const maxAbsDiff = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe("NIR paper task 1: a single LIF neuron at dt = 1e-4", () => {
  it("lif_norse.nir reproduces the Norse trace: spikes at 460, 510, 710, 760 and v within 1e-6", () => {
    const trace = readTrace("lif_norse.csv");
    const g = singleNeuron(
      createAffine(ndarray([1, 1], [1]), ndarray([1], [0])),
      createLIF({
        tau: ndarray([1], [0.0025]),
        r: ndarray([1], [1]),
        vLeak: ndarray([1], [0]),
        vThreshold: ndarray([1], [0.1]),
        vReset: ndarray([1], [0]),
      }),
    );
    const { res, spikes, v } = drive(g, trace.input, 1e-4);
    expect(res.steps).toBe(1000);
    expect(res.warnings).toEqual([]);
    expect(spikes).toEqual([460, 510, 710, 760]);
    expect(trace.spikes).toEqual([460, 510, 710, 760]);
    // the CSV holds float32 voltages: the measured max |Δv| is 2.4e-8
    const dv = maxAbsDiff(v, trace.v);
    expect(dv).toBeLessThan(1e-6);
    expect(dv).toBeLessThan(3e-8);
    expect(res.records.get("1")!.map((o) => o[0])).toEqual(res.outputs.get("output")!.map((o) => o[0]));
  });

  // Rockpool's own update is v ← e^{−dt/τ}·v + W·x with subtractive reset; its exporter wrote
  // r = e^{−dt/τ}·τ/dt = 24.0197, so under NIR's forward Euler the input gain becomes dt/τ·r·W = 0.0384 (not
  // 0.04) and the decay 1 − dt/τ = 0.96 (not 0.96079). The file is not equivalent under NIR's semantics.
  const rockpoolLif = (tau: number, r: number, resetMode: "value" | "subtract") =>
    createLIF({
      tau: scalar(tau),
      r: scalar(r),
      vLeak: scalar(0),
      vThreshold: scalar(0.1),
      vReset: scalar(0),
      resetMode,
    });

  it("lif_rockpool.nir under forward Euler fires at 460, 520, 720, 780 — not Rockpool's 450, 500, 710, 760", () => {
    const trace = readTrace("lif_rockpool.csv");
    expect(trace.spikes).toEqual([450, 500, 710, 760]);
    const g = singleNeuron(createLinear(ndarray([1, 1], [0.04])), rockpoolLif(0.0025, 24.019737, "value"));
    expect(drive(g, trace.input, 1e-4).spikes).toEqual([460, 520, 720, 780]);
    const sub = singleNeuron(
      createLinear(ndarray([1, 1], [0.04])),
      rockpoolLif(0.0025, 24.019737, "subtract"),
    );
    expect(drive(sub, trace.input, 1e-4).spikes).toEqual([460, 510, 720, 770]);
  });

  it("Rockpool's discretisation written as a NetGraph LIF reproduces its trace exactly", () => {
    const trace = readTrace("lif_rockpool.csv");
    const dt = 1e-4;
    const beta = Math.exp(-dt / 0.0025);
    const tau = dt / (1 - beta); // so that 1 − dt/τ' = e^{−dt/τ}
    const g = singleNeuron(createLinear(ndarray([1, 1], [0.04])), rockpoolLif(tau, tau / dt, "subtract"));
    const { spikes, v } = drive(g, trace.input, dt);
    expect(spikes).toEqual([450, 500, 710, 760]);
    expect(maxAbsDiff(v, trace.v)).toBeLessThan(1e-6);
  });
});

describe("spikingjelly LIFNode(tau=2, v_threshold=1, v_reset=0, decay_input=True) as a NetGraph LIF", () => {
  const sj = () =>
    createLIF({
      tau: scalar(2),
      r: scalar(1),
      vLeak: scalar(0),
      vThreshold: scalar(1),
      vReset: scalar(0),
      fire: "ge",
    });
  const spikesFor = (x: number, steps = 12) => {
    const g = singleNeuron(createLinear(ndarray([1, 1], [1])), sj());
    return drive(g, new Array(steps).fill(x), 1).spikes;
  };
  it("constant 1.0 does not spike while H = 1 − 2^−t is below 1", () => {
    expect(spikesFor(1.0, 50)).toEqual([]);
    // IEEE rounding: 1 − 2^−53 + 2^−54 rounds (to even) to exactly 1.0 at step 53 in float64; spikingjelly in
    // float32 reaches 1.0 the same way at step 24. "Never spikes" holds only in exact arithmetic.
    expect(spikesFor(1.0, 60)).toEqual([53]);
  });
  it("constant 2.0 spikes every step (H = 1 exactly: ≥, not >)", () =>
    expect(spikesFor(2.0)).toEqual([...Array(12).keys()]));
  it("constant 1.5 spikes every second step", () => expect(spikesFor(1.5)).toEqual([1, 3, 5, 7, 9, 11]));
  it("with fire 'gt' instead, 2.0 spikes only every second step: the comparison matters", () => {
    const g = singleNeuron(createLinear(ndarray([1, 1], [1])), { ...sj(), fire: "gt" });
    expect(drive(g, new Array(12).fill(2), 1).spikes).toEqual([1, 3, 5, 7, 9, 11]);
  });
});

describe("other neuron kinds, by hand", () => {
  const lin = () => createLinear(ndarray([1, 1], [1]));
  const run = (neuron: GraphNode, xs: number[], dt = 1) =>
    drive(singleNeuron(lin(), neuron), xs, dt, neuron.kind !== "Threshold");

  it("I integrates dt·R·x and outputs v", () => {
    const { res, v } = run(createI({ r: scalar(2) }), [1, 1, -1, 0], 0.5);
    expect(v).toEqual([1, 2, 1, 1]);
    expect(res.outputs.get("output")!.map((o) => o[0])).toEqual([1, 2, 1, 1]);
  });

  it("IF with subtractive reset keeps the remainder; vMin clamps after the reset (sinabs order)", () => {
    const n = createIF({
      r: scalar(1),
      vThreshold: scalar(1),
      vReset: scalar(0),
      resetMode: "subtract",
      vMin: scalar(-1),
    });
    const { spikes, v } = run(n, [0.6, 0.6, 0.6, -3, 0.5]);
    expect(spikes).toEqual([1]);
    expect(v.map((x) => +x.toFixed(12))).toEqual([0.6, 0.2, 0.8, -1, -0.5]);
  });

  it("resetMode none leaves v above threshold, so the neuron keeps firing", () => {
    const n = createIF({ r: scalar(1), vThreshold: scalar(1), vReset: scalar(0), resetMode: "none" });
    expect(run(n, [2, 0, 0]).spikes).toEqual([0, 1, 2]);
  });

  it("LI: v ← v + dt/τ·(v_leak − v + R·x)", () => {
    const { v } = run(createLI({ tau: scalar(4), r: scalar(2), vLeak: scalar(1) }), [1, 0]);
    // v1 = 0 + 0.25·(1 − 0 + 2) = 0.75; v2 = 0.75 + 0.25·(1 − 0.75) = 0.8125
    expect(v).toEqual([0.75, 0.8125]);
  });

  it("CubaLIF: I updates first and v uses the new I", () => {
    const n = createCubaLIF({
      tauSyn: scalar(2),
      tauMem: scalar(4),
      r: scalar(1),
      vLeak: scalar(0),
      vThreshold: scalar(0.3),
      vReset: scalar(0),
      wIn: scalar(2),
    });
    // I1 = 0.5·(2·1) = 1, v1 = 0.25·1 = 0.25; I2 = 1 + 0.5·(2 − 1) = 1.5, v2 = 0.25 + 0.25·(1.5 − 0.25) = 0.5625 > 0.3
    const { v, spikes } = run(n, [1, 1]);
    expect(v).toEqual([0.25, 0]);
    expect(spikes).toEqual([1]);
  });

  it("CubaLI is CubaLIF without the spike: v is the output", () => {
    const n = createCubaLI({
      tauSyn: scalar(2),
      tauMem: scalar(4),
      r: scalar(1),
      vLeak: scalar(0),
      wIn: scalar(2),
    });
    const { res, v } = run(n, [1, 1]);
    expect(v).toEqual([0.25, 0.5625]);
    expect(res.outputs.get("output")!.map((o) => o[0])).toEqual([0.25, 0.5625]);
  });

  it("Threshold is stateless: x > θ (or ≥ with fire ge)", () => {
    expect(run(createThreshold({ threshold: scalar(0.5) }), [0.5, 0.7, 0.1]).spikes).toEqual([1]);
    expect(run(createThreshold({ threshold: scalar(0.5), fire: "ge" }), [0.5, 0.7, 0.1]).spikes).toEqual([
      0, 1,
    ]);
  });

  it("warns when dt/τ > 1 (forward Euler unstable: dt forgotten)", () => {
    const n = createLIF({
      tau: scalar(0.0025),
      r: scalar(1),
      vLeak: scalar(0),
      vThreshold: scalar(0.1),
      vReset: scalar(0),
    });
    const { res } = run(n, [0], 1);
    expect(res.warnings.join("\n")).toMatch(/dt\/tau = 400 > 1/);
  });
});
