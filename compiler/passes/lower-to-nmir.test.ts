// lowerToNmir on hand-built graphs: boundaries, path composition, constants and delays, each checked against
// the float reference by running the lowered module in the reference interpreter.

import { describe, expect, it } from "vitest";
import {
  addNode,
  chain,
  connect,
  createAffine,
  createAvgPool2d,
  createBatchNorm,
  createConcat,
  createConv2d,
  createDelay,
  createFlatten,
  createGraph,
  createInput,
  createLI,
  createLinear,
  createOutput,
  createReduce,
  createReshape,
  createSumPool2d,
  createTemporalConv,
  createTranspose,
  type NetGraph,
  ndarray,
  scalar,
} from "../graph/index.js";
import { compareLowered, dyadic, lower, randomInput, rng, testLif } from "./testing.js";

const projKinds = (g: NetGraph, o = {}) =>
  lower(g, { dt: 1, ...o }).ir.projections.map((p) => `${p.id}:${p.connectivity.kind}@${p.delay}`);

describe("boundaries, paths and composition", () => {
  it("a residual sum becomes two projections into one port; biases become the LIF bias", () => {
    const r = rng(11);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2, 6, 6])],
      ["c1", createConv2d({ weight: dyadic(r, [3, 2, 3, 3]), bias: dyadic(r, [3]), pads: [1, 1, 1, 1] })],
      ["l1", testLif()],
      ["c2", createConv2d({ weight: dyadic(r, [3, 3, 3, 3]), bias: dyadic(r, [3]), pads: [1, 1, 1, 1] })],
      ["l2", testLif(0.25)],
      ["y", createOutput()],
    ]);
    connect(g, "l1", "l2");
    expect(projKinds(g)).toEqual(["x->l1:conv2d@0", "l1->l2:conv2d@0", "l1->l2~2:oneToOne@0"]);
    const cmp = compareLowered(g, { x: randomInput(r, 30, [2, 6, 6]) }, { dt: 1, record: ["l1", "l2"] });
    expect(cmp.recordDiff.get("l1")).toBeLessThanOrEqual(1e-9);
    expect(cmp.recordDiff.get("l2")).toBeLessThanOrEqual(1e-9);
    expect(cmp.float.records.get("l2")!.some((s) => s.some((v) => v > 0))).toBe(true);
  });

  it("conv → avg pool composes into one strided conv; pool → conv with padding too", () => {
    const r = rng(12);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2, 8, 8])],
      ["c", createConv2d({ weight: dyadic(r, [2, 2, 3, 3]), pads: [1, 1, 1, 1] })],
      ["p", createAvgPool2d({ kernel: [2, 2] })],
      ["l1", testLif()],
      ["q", createSumPool2d({ kernel: [2, 2] })],
      ["c2", createConv2d({ weight: dyadic(r, [3, 2, 3, 3]), pads: [1, 1, 1, 1] })],
      ["l2", testLif()],
      ["y", createOutput()],
    ]);
    const { ir } = lower(g, { dt: 1 });
    const conns = ir.projections.map((p) => p.connectivity);
    expect(
      conns.map((c) => (c.kind === "conv2d" ? [c.kernel.slice(2), c.stride, c.padding] : c.kind)),
    ).toEqual([
      [
        [4, 4],
        [2, 2],
        [1, 1],
      ],
      [
        [6, 6],
        [2, 2],
        [2, 2],
      ],
    ]);
    const cmp = compareLowered(g, { x: randomInput(r, 30, [2, 8, 8]) }, { dt: 1, record: ["l1", "l2"] });
    for (const d of cmp.recordDiff.values()) expect(d).toBeLessThanOrEqual(1e-9);
  });

  it("pool → flatten → affine becomes one dense projection; transpose/concat/reduce compose to sparse", () => {
    const r = rng(13);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2, 4, 4])],
      ["p", createSumPool2d({ kernel: [2, 2] })],
      ["f", createFlatten()],
      ["fc", createAffine(dyadic(r, [5, 8]), dyadic(r, [5]))],
      ["l1", testLif()],
      ["rs", createReshape([5, 1])],
      ["tr", createTranspose([1, 0])],
      ["cat", createConcat(2, 1)],
      ["red", createReduce("sum", [0])],
      ["l2", testLif()],
      ["y", createOutput()],
    ]);
    connect(g, "x", "cat", { dstPort: "in1" }); // [2,4,4] is not [1, k]: route a reshaped copy instead
    g.edges.pop();
    addNode(g, "xr", createReshape([1, 32]));
    connect(g, "x", "xr");
    connect(g, "xr", "cat", { dstPort: "in1" });
    g.edges.find((e) => e.src === "tr")!.dstPort = "in0";
    expect(projKinds(g)).toEqual(["x->l1:dense@0", "l1->l2:sparse@0", "x->l2:sparse@0"]);
    const cmp = compareLowered(g, { x: randomInput(r, 20, [2, 4, 4]) }, { dt: 1, record: ["l1", "l2"] });
    for (const d of cmp.recordDiff.values()) expect(d).toBeLessThanOrEqual(1e-9);
  });

  it("an Output fed by a linear node gets a graded population; an Output of a neuron reads it directly", () => {
    const r = rng(14);
    const g = createGraph();
    chain(g, [
      ["x", createInput([3])],
      ["fc", createAffine(dyadic(r, [2, 3]), dyadic(r, [2]))],
      ["y", createOutput()],
    ]);
    addNode(g, "li", createLI({ tau: scalar(2), r: scalar(1), vLeak: scalar(0) }));
    addNode(g, "y2", createOutput());
    connect(g, "fc", "li");
    connect(g, "li", "y2");
    const cmp = compareLowered(g, { x: randomInput(r, 10, [3]) }, { dt: 1 });
    const outs = [...cmp.compiled.ir.outputs].sort((a, b) => a.id.localeCompare(b.id));
    expect(outs).toEqual([
      { id: "y", src: "fc", scaleExp: 0 },
      { id: "y2", src: "li", scaleExp: 0 },
    ]);
    expect(cmp.outputDiff).toBeLessThanOrEqual(1e-9);
  });
  it("a BatchNorm kept after a conv with two readers joins the LIF gain: still one conv2d", () => {
    const r = rng(15);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2, 5, 5])],
      ["c", createConv2d({ weight: dyadic(r, [2, 2, 3, 3]), bias: dyadic(r, [2]) })],
      [
        "bn",
        createBatchNorm({
          mean: dyadic(r, [2]),
          variance: ndarray([2], [0.75, 3.75]),
          gamma: dyadic(r, [2]),
          beta: dyadic(r, [2]),
          eps: 0.25,
        }),
      ],
      ["l", testLif(0.3)],
      ["y", createOutput()],
    ]);
    addNode(g, "y2", createOutput());
    connect(g, "c", "y2");
    const cmp = compareLowered(g, { x: randomInput(r, 20, [2, 5, 5]) }, { dt: 1, record: ["l"] });
    expect(cmp.compiled.ir.projections.map((p) => `${p.id}:${p.connectivity.kind}`)).toContain("x->l:conv2d");
    expect(cmp.recordDiff.get("l")).toBeLessThanOrEqual(1e-9);
    expect(cmp.outputDiff).toBeLessThanOrEqual(1e-9);
  });
});

describe("constants and delays", () => {
  it("a bias behind a recurrent edge starts at t = 1 (constant spike source, delay 1), as in the float reference", () => {
    const r = rng(21);
    const g = createGraph();
    chain(g, [
      ["x", createInput([3])],
      ["fc", createLinear(dyadic(r, [3, 3]))],
      ["l", testLif()],
      ["rec", createAffine(dyadic(r, [3, 3]), dyadic(r, [3]))],
      ["y", createOutput()],
    ]);
    connect(g, "rec", "l"); // back edge: rec → l reads the previous step
    g.edges.splice(
      g.edges.findIndex((e) => e.src === "rec" && e.dst === "y"),
      1,
    );
    connect(g, "l", "y");
    const cmp = compareLowered(g, { x: randomInput(r, 25, [3]) }, { dt: 1, record: ["l"] });
    const ids = cmp.compiled.ir.projections.map((p) => `${p.id}@${p.delay}`);
    expect(ids).toEqual(["x->l@0", "l->l@1@1", "const->const@1@1", "const->l@1@1"]);
    expect(cmp.recordDiff.get("l")).toBeLessThanOrEqual(1e-9);
  });

  it("Delay nodes become projection delays per distinct step count; temporal conv taps one projection each", () => {
    const r = rng(22);
    const g = createGraph();
    chain(g, [
      ["x", createInput([3])],
      ["d", createDelay(ndarray([3], [0, 2, 2]))],
      ["tc", createTemporalConv({ weight: dyadic(r, [2, 3, 3]), bias: dyadic(r, [2]) })],
      ["l", testLif()],
      ["y", createOutput()],
    ]);
    const cmp = compareLowered(g, { x: randomInput(r, 20, [3]) }, { dt: 1, record: ["l"] });
    const delays = cmp.compiled.ir.projections.filter((p) => p.src === "x").map((p) => p.delay);
    expect(delays.sort()).toEqual([0, 1, 2, 2, 3, 4]);
    expect(cmp.recordDiff.get("l")).toBeLessThanOrEqual(1e-9);
  });

  it("a grouped temporal conv splits its taps per group", () => {
    const r = rng(24);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2])],
      ["tc", createTemporalConv({ weight: dyadic(r, [4, 1, 2]), groups: 2 })],
      ["l", testLif(0.3)],
      ["y", createOutput()],
    ]);
    const cmp = compareLowered(g, { x: randomInput(r, 20, [2]) }, { dt: 1, record: ["l"] });
    // tap k = W[:, :, k] with zeros across groups, delay K−1−k = 1 − k
    expect(cmp.compiled.ir.projections.map((p) => p.delay).sort()).toEqual([0, 1]);
    expect(cmp.recordDiff.get("l")).toBeLessThanOrEqual(1e-9);
  });

  it("temporal look-ahead is recorded as algorithmic delay; the frame −1 partial sum is gated off the LIF", () => {
    const r = rng(23);
    const net = (vLeak: number) => {
      const g = createGraph();
      chain(g, [
        ["x", createInput([2])],
        ["tc", createTemporalConv({ weight: dyadic(r, [2, 2, 3]), bias: dyadic(r, [2]), lookahead: 1 })],
        ["l", testLif(0.5, { vLeak: scalar(vLeak) })],
        ["y", createOutput()],
      ]);
      return g;
    };
    const x = randomInput(r, 20, [2]); // step 0 not silent: W[:, :, 2]·x_0 is frame −1, which l must not see
    const cmp = compareLowered(net(0), { x }, { dt: 1, record: ["l"] });
    const ir = cmp.compiled.ir;
    expect(ir.metadata.algorithmicDelaySteps).toBe("1");
    expect(ir.populations.find((p) => p.id === "l.gate")?.model.kind).toBe("product");
    expect(ir.projections.find((p) => p.dst === "l.gate" && p.port === "b")?.delay).toBe(1);
    const warnings = (c: typeof cmp) => c.compiled.diagnostics.filter((d) => d.level === "warning");
    expect(warnings(cmp)).toEqual([]);
    expect(cmp.recordDiff.get("l")).toBeLessThanOrEqual(1e-9);
    // a leaky LIF (v_leak ≠ 0) drifts before its frame 0, which the float reference does not: a warning
    const leaky = compareLowered(net(0.125), { x }, { dt: 1, record: ["l"] });
    expect(
      warnings(leaky)
        .map((d) => d.message)
        .join(),
    ).toMatch(/not at rest.*v_leak/);
  });

  it("a loop of linear nodes only is refused; a neuron without inputs reads itself with weight 0", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([2])],
      ["a", createLinear(ndarray([2, 2], [0.5, 0, 0, 0.5]))],
      ["b", createLinear(ndarray([2, 2], [1, 0, 0, 1]))],
      ["l", testLif()],
      ["y", createOutput()],
    ]);
    connect(g, "b", "a");
    expect(() => lower(g, { dt: 1 })).toThrow(/loop "b" → "a" → "b" holds only linear nodes/);

    const h = createGraph();
    addNode(h, "self", testLif(0.1, { vLeak: scalar(1) })); // v_leak above threshold: fires by itself
    addNode(h, "y", createOutput());
    connect(h, "self", "y");
    const cmp = compareLowered(h, {}, { dt: 1, timesteps: 12 });
    expect(cmp.compiled.ir.projections.map((p) => `${p.id}:${p.connectivity.kind}@${p.delay}`)).toEqual([
      "self->self@1:oneToOne@1",
    ]);
    expect(cmp.float.outputs.get("y")!.some((v) => v[0] === 1)).toBe(true);
    expect(cmp.outputDiff).toBe(0);
  });
});
