// lowerToNmir's neuron parameter mapping, graded gates, attention, max-pool and the graph-level lowerings (LMU,
// S4D, fixed transforms) through NMIR, checked against the float reference via the reference interpreter.

import { describe, expect, it } from "vitest";
import {
  addNode,
  chain,
  connect,
  createActivation,
  createAffine,
  createCubaLI,
  createCubaLIF,
  createDiagonalSsm,
  createDynamicMatmul,
  createFixedTransform,
  createGraph,
  createI,
  createIF,
  createInput,
  createLI,
  createLIF,
  createLinear,
  createLmuMemory,
  createMaxPool2d,
  createOutput,
  createProduct,
  createReshape,
  createScale,
  createThreshold,
  ndarray,
  scalar,
} from "../graph/index.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { compareLowered, dyadic, lower, randomInput, rng, testLif, WEIGHT_TOL } from "./testing.js";

describe("neuron parameter mapping", () => {
  const make = (neuron: Parameters<typeof addNode>[2], spikes = false) => {
    const r = rng(31);
    const g = createGraph();
    chain(g, [
      ["x", createInput([4])],
      ["fc", createAffine(dyadic(r, [4, 4]), dyadic(r, [4]))],
      ["n", neuron],
      ["y", createOutput()],
    ]);
    return { g, x: randomInput(r, 40, [4], spikes ? { spikes: 0.5 } : {}) };
  };
  const vec = (v: number[]) => ndarray([4], v);
  const cases: [string, Parameters<typeof addNode>[2]][] = [
    [
      "LIF (per-neuron τ, subtract, ge, vMin)",
      createLIF({
        tau: vec([2, 4, 8, 16]),
        r: vec([1, 2, 0.5, 1]),
        vLeak: scalar(0.25),
        vThreshold: scalar(0.5),
        vReset: scalar(0),
        resetMode: "subtract",
        fire: "ge",
        vMin: scalar(-1),
      }),
    ],
    ["IF (reset to value)", createIF({ r: scalar(0.5), vThreshold: scalar(1), vReset: scalar(-0.25) })],
    ["I", createI({ r: scalar(0.5) })],
    ["LI", createLI({ tau: scalar(4), r: scalar(2), vLeak: scalar(0.5) })],
    [
      "CubaLIF (bias into the current via the constant source)",
      createCubaLIF({
        tauSyn: scalar(2),
        tauMem: scalar(4),
        r: scalar(2),
        vLeak: scalar(0.125),
        vThreshold: scalar(0.25),
        vReset: scalar(0),
        wIn: scalar(0.5),
      }),
    ],
    [
      "CubaLI",
      createCubaLI({ tauSyn: scalar(4), tauMem: scalar(2), r: scalar(1), vLeak: scalar(0), wIn: scalar(2) }),
    ],
    ["Threshold", createThreshold({ threshold: scalar(0.25) })],
    ["relu", createActivation("relu")],
    ["clamp", createActivation("clamp", { min: -0.5, max: 0.75 })],
  ];
  for (const [name, neuron] of cases) {
    it(`${name} matches the float reference step by step`, () => {
      const { g, x } = make(neuron);
      const cmp = compareLowered(g, { x }, { dt: 1, record: ["n"] });
      expect(cmp.float.records.get("n")!.some((v) => v.some((e) => e !== 0))).toBe(true);
      expect(cmp.recordDiff.get("n")).toBeLessThanOrEqual(1e-9);
      expect(cmp.outputDiff).toBeLessThanOrEqual(1e-9);
    });
  }
  it("LIF at dt = 1e-4 with τ = 2.5 ms (gain not exact in float32 weights)", () => {
    const { g, x } = make(
      createLIF({
        tau: scalar(0.0025),
        r: scalar(3),
        vLeak: scalar(0),
        vThreshold: scalar(0.1),
        vReset: scalar(0),
      }),
    );
    const cmp = compareLowered(g, { x }, { dt: 1e-4, record: ["n"] });
    expect(cmp.compiled.ir.populations[0]!.model).toMatchObject({ kind: "lif", decayBits: 12 });
    expect(cmp.outputDiff).toBeLessThanOrEqual(WEIGHT_TOL);
  });
});

describe("graded gates, attention and max-pool", () => {
  it("Product of two branches with biases (ports fed by the constant source)", () => {
    const r = rng(41);
    const g = createGraph();
    chain(g, [
      ["x", createInput([3])],
      ["fa", createAffine(dyadic(r, [3, 3]), dyadic(r, [3]))],
      ["p", createProduct()],
      ["y", createOutput()],
    ]);
    addNode(g, "fb", createAffine(dyadic(r, [3, 3]), dyadic(r, [3])));
    connect(g, "x", "fb");
    g.edges.find((e) => e.dst === "p")!.dstPort = "a";
    connect(g, "fb", "p", { dstPort: "b" });
    const cmp = compareLowered(g, { x: randomInput(r, 10, [3]) }, { dt: 1 });
    expect(cmp.outputDiff).toBeLessThanOrEqual(1e-9);
  });

  it("DynamicMatmul reads spiking operands directly and a scaled product through a graded population", () => {
    const r = rng(42);
    const g = createGraph();
    const th = (t: number) => createThreshold({ threshold: scalar(t) });
    chain(g, [
      ["x", createInput([12])],
      ["q", th(0.2)],
      ["qr", createReshape([3, 4])],
      ["mm", createDynamicMatmul(true, 0.375)],
      ["y", createOutput()],
    ]);
    addNode(g, "k", th(-0.1));
    addNode(g, "kr", createReshape([3, 4]));
    connect(g, "x", "k");
    connect(g, "k", "kr");
    g.edges.find((e) => e.dst === "mm")!.dstPort = "a";
    connect(g, "kr", "mm", { dstPort: "b" });
    const cmp = compareLowered(g, { x: randomInput(r, 8, [12]) }, { dt: 1 });
    const ir = cmp.compiled.ir;
    expect(ir.dynamicMatmuls.map((d) => [d.a, d.b, d.m, d.k, d.n])).toEqual([["q", "k", 3, 4, 3]]);
    expect(ir.outputs[0]!.src).not.toBe("mm");
    expect(cmp.outputDiff).toBeLessThanOrEqual(1e-9);
  });

  it("MaxPool2d on spikes is a threshold population; on graded values it is refused", () => {
    const r = rng(43);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2, 4, 4])],
      ["mp", createMaxPool2d({ kernel: [2, 2] })],
      ["y", createOutput()],
    ]);
    const cmp = compareLowered(
      g,
      { x: randomInput(r, 10, [2, 4, 4], { spikes: 0.3 }) },
      { dt: 1, inputEvent: "spike" },
    );
    expect(cmp.compiled.ir.populations[0]!.model.kind).toBe("threshold");
    expect(cmp.outputDiff).toBe(0);
    expect(() => lower(g, { dt: 1 })).toThrow(/MaxPool2d\) cannot be lowered/);
  });

  it("tabulates gelu as a function neuron; a chip without function neurons refuses it naming node and capability", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([2])],
      ["act", createActivation("gelu")],
      ["y", createOutput()],
    ]);
    const { ir } = lower(g, { dt: 1 });
    expect(ir.populations.map((p) => p.model.kind)).toContain("function");
    const onTruenorth: QuantCompileOptions = { dt: 1, profile: "truenorth" };
    expect(() => lower(g, onTruenorth)).toThrow(/node "act".*truenorth/s);
  });
});

describe("graph-level lowerings through NMIR", () => {
  it("LMU d = 4, θ = 4: B̄ conv into an accumulator with a delay-1 Ā projection matches the float reference", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([2])],
      ["lmu", createLmuMemory(4, 4)],
      ["y", createOutput()],
    ]);
    const cmp = compareLowered(g, { x: randomInput(rng(51), 40, [2]) }, { dt: 1 });
    const ir = cmp.compiled.ir;
    expect(ir.projections.map((p) => `${p.id}:${p.connectivity.kind}@${p.delay}`)).toEqual([
      "x->lmu.x:conv1d@0",
      "lmu.x->lmu.x@1:conv1d@1",
    ]);
    expect(ir.outputs[0]!.src).toBe("lmu.x");
    expect(cmp.outputDiff).toBeLessThanOrEqual(WEIGHT_TOL);
  });

  it("a scaled, spiking network around the LMU still agrees", () => {
    const r = rng(52);
    const g = createGraph();
    chain(g, [
      ["x", createInput([3])],
      ["u", createLinear(dyadic(r, [1, 3]))],
      ["lu", testLif(0.25)],
      ["lmu", createLmuMemory(4, 8)],
      ["s", createScale(scalar(4))],
      ["lm", testLif(0.25)],
      ["y", createOutput()],
    ]);
    const cmp = compareLowered(g, { x: randomInput(r, 40, [3]) }, { dt: 1, record: ["lu", "lm"] });
    expect(cmp.recordDiff.get("lu")).toBe(0);
    expect(cmp.recordDiff.get("lm")).toBe(0);
  });

  it("S4D (bilinear, with D) lowers to grouped conv1d projections around a delay-1 state and matches", () => {
    const r = rng(53);
    const [h, m] = [3, 4];
    const a = (shape: number[], lo = -1, hi = 1) =>
      ndarray(
        shape,
        Float64Array.from({ length: shape[0]! * (shape[1] ?? 1) }, () => lo + (hi - lo) * r()),
      );
    const g = createGraph();
    chain(g, [
      ["u", createInput([h])],
      [
        "ssm",
        createDiagonalSsm({
          lambdaRe: a([h, m], -1, -0.05),
          lambdaIm: a([h, m], -3, 3),
          bRe: a([h, m]),
          bIm: a([h, m]),
          cRe: a([h, m]),
          cIm: a([h, m]),
          d: a([h]),
          logStep: a([h], -4, -1),
        }),
      ],
      ["s", createThreshold({ threshold: scalar(0) })],
      ["y", createOutput()],
    ]);
    addNode(g, "yv", createOutput());
    connect(g, "ssm", "yv"); // the graded SSM output itself, through a graded population
    const cmp = compareLowered(g, { u: randomInput(r, 40, [h]) }, { dt: 1 });
    const ir = cmp.compiled.ir;
    expect(ir.projections.map((p) => `${p.id}:${p.connectivity.kind}@${p.delay}`).sort()).toEqual([
      "ssm.x->s:conv1d@0",
      "ssm.x->ssm.x@1:conv1d@1",
      "ssm.x->ssm:conv1d@0",
      "u->ssm.x:conv1d@0",
    ]);
    expect(cmp.outputDiff).toBeLessThanOrEqual(WEIGHT_TOL);
    const spikes = (run: Float64Array[]) => run.map((v) => Array.from(v).join("")).join(",");
    expect(spikes(cmp.lowered.outputs.get("y")!)).toBe(spikes(cmp.float.outputs.get("y")!));
  });

  it("a Haar transform along the first axis becomes one sparse projection (M ⊗ I: 96 synapses)", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([8, 3])],
      ["t", createFixedTransform("haar", 0, { levels: 3 })],
      ["l", testLif(0.3)],
      ["y", createOutput()],
    ]);
    const cmp = compareLowered(g, { x: randomInput(rng(54), 20, [8, 3]) }, { dt: 1, record: ["l"] });
    const conn = cmp.compiled.ir.projections.map((p) => p.connectivity);
    expect(conn.map((c) => (c.kind === "sparse" ? c.colIdx.length : c.kind))).toEqual([96]);
    expect(cmp.recordDiff.get("l")).toBe(0);
  });
});
