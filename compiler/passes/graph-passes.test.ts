// The graph passes keep the float semantics: each rewritten graph runs in the float reference to within 1e-9 of
// the original on random inputs (flattenSubgraphs, foldBatchNorm, lowerLmuMemory, lowerDiagonalSsm,
// lowerFixedTransforms), and the rewritten nodes have the documented structure.

import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/cli-run.js";
import {
  addNode,
  chain,
  connect,
  createAffine,
  createBatchNorm,
  createConv2d,
  createDiagonalSsm,
  createFixedTransform,
  createGraph,
  createInput,
  createLIF,
  createLinear,
  createLmuMemory,
  createOutput,
  createSubgraph,
  type NetGraph,
  ndarray,
  scalar,
  validateGraph,
} from "../graph/index.js";
import { flattenSubgraphs } from "./flatten-subgraphs.js";
import { foldBatchNorm } from "./fold-batch-norm.js";
import { lowerDiagonalSsm } from "./lower-diagonal-ssm.js";
import { lowerFixedTransforms } from "./lower-fixed-transforms.js";
import { lowerLmuMemory } from "./lower-lmu-memory.js";
import { floatOutputDiff, passContext, randomInput, rng } from "./testing.js";

const arr = (r: () => number, shape: number[], lo = -1, hi = 1) =>
  ndarray(
    shape,
    Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * r()),
  );

const kinds = (g: NetGraph) => [...g.nodes].map(([id, n]) => `${id}:${n.kind}`);

describe("lowerLmuMemory", () => {
  it("d = 4, θ = 4 over 2 channels equals the LmuMemory kernel (≤ 1e-9) with a recurrent Ā accumulator", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([2])],
      ["lmu", createLmuMemory(4, 4)],
      ["y", createOutput()],
    ]);
    const ctx = passContext();
    const low = lowerLmuMemory(g, ctx);
    validateGraph(low);
    expect(kinds(low)).toEqual([
      "x:Input",
      "lmu.in:Reshape",
      "lmu.B:Conv1d",
      "lmu.x:Activation",
      "lmu.A:Conv1d",
      "lmu:Reshape",
      "y:Output",
    ]);
    const { diff, peak } = floatOutputDiff(g, low, { x: randomInput(rng(1), 60, [2]) });
    expect(peak).toBeGreaterThan(0.1);
    expect(diff).toBeLessThanOrEqual(1e-9);
    expect(ctx.diagnostics[0]!.message).toMatch(/order 4/);
  });

  it("an LMU inside a recurrent loop keeps its previous-step cut", () => {
    const r = rng(2);
    const g = createGraph();
    chain(g, [
      ["x", createInput([1])],
      ["lmu", createLmuMemory(3, 5)],
      ["fb", createAffine(arr(r, [1, 3], -0.3, 0.3), arr(r, [1]))],
      ["y", createOutput()],
    ]);
    connect(g, "fb", "lmu");
    const { diff } = floatOutputDiff(g, lowerLmuMemory(g, passContext()), { x: randomInput(r, 40, [1]) });
    expect(diff).toBeLessThanOrEqual(1e-9);
  });
});

function ssmGraph(seed: number, discretization: "zoh" | "bilinear", dZero = false) {
  const r = rng(seed);
  const [h, m] = [3, 4];
  const g = createGraph();
  chain(g, [
    ["u", createInput([h])],
    [
      "ssm",
      createDiagonalSsm({
        lambdaRe: arr(r, [h, m], -1, -0.05),
        lambdaIm: arr(r, [h, m], -3, 3),
        bRe: arr(r, [h, m]),
        bIm: arr(r, [h, m]),
        cRe: arr(r, [h, m]),
        cIm: arr(r, [h, m]),
        d: dZero ? ndarray([h], [0, 0, 0]) : arr(r, [h]),
        logStep: arr(r, [h], Math.log(0.01), Math.log(0.5)),
        discretization,
      }),
    ],
    ["y", createOutput()],
  ]);
  return { g, input: randomInput(r, 50, [h]) };
}

describe("lowerDiagonalSsm", () => {
  for (const disc of ["zoh", "bilinear"] as const) {
    it(`S4D (${disc}) equals the DiagonalSsm kernel (≤ 1e-9)`, () => {
      const { g, input } = ssmGraph(3, disc);
      const low = lowerDiagonalSsm(g, passContext());
      expect(kinds(low)).toContain("ssm.C:Conv1d");
      const { diff, peak } = floatOutputDiff(g, low, { u: input });
      expect(peak).toBeGreaterThan(0.1);
      expect(diff).toBeLessThanOrEqual(1e-9);
    });
  }
  it("without D the state holds only the 2·modes real parts", () => {
    const { g, input } = ssmGraph(4, "zoh", true);
    const low = lowerDiagonalSsm(g, passContext());
    const b = low.nodes.get("ssm.B")!;
    expect(b.kind === "Conv1d" && b.weight.shape).toEqual([3 * 8, 1, 1]);
    expect(floatOutputDiff(g, low, { u: input }).diff).toBeLessThanOrEqual(1e-9);
  });
  it("lowers a bidirectional SSM to phases by default, and refuses it with bidirectional: refuse", () => {
    const { g } = ssmGraph(5, "zoh");
    const n = g.nodes.get("ssm")!;
    if (n.kind === "DiagonalSsm") Object.assign(n, { bidirectional: true, cBackRe: n.cRe, cBackIm: n.cIm });
    expect(lowerDiagonalSsm(g, passContext()).metadata["sequence.buffers"]).toBeDefined();
    const refuse = { ...passContext(), options: { bidirectional: "refuse" as const } };
    const e = errorOf(() => lowerDiagonalSsm(g, refuse));
    expect(e.code).toBe("UNSUPPORTED");
    expect(e.message).toMatch(/is bidirectional/);
    expect(e.hint).toMatch(/--bidirectional phases/);
  });
});

describe("lowerFixedTransforms", () => {
  const cases = [
    { basis: "dft-real", axis: 1, shape: [4, 6], form: "Linear" },
    { basis: "dft-imag", axis: 0, shape: [4, 6], form: "Kronecker" },
    { basis: "haar", axis: 0, shape: [8, 3], form: "Kronecker" },
    { basis: "dft-real", axis: 0, shape: [64, 40], form: "Transpose" },
  ] as const;
  for (const c of cases) {
    it(`${c.basis} along axis ${c.axis} of [${c.shape}] → ${c.form} (≤ 1e-9)`, () => {
      const g = createGraph();
      chain(g, [
        ["x", createInput([...c.shape])],
        ["t", createFixedTransform(c.basis, c.axis, { levels: 2, normalize: "ortho" })],
        ["y", createOutput()],
      ]);
      const low = lowerFixedTransforms(g, passContext());
      const found = kinds(low).join(" ");
      if (c.form === "Linear") expect(found).toBe("x:Input t:Linear y:Output");
      if (c.form === "Kronecker") expect(found).toBe("x:Input t.in:Reshape t.M:Linear t:Reshape y:Output");
      if (c.form === "Transpose")
        expect(found).toBe("x:Input t.in:Transpose t.M:Linear t:Transpose y:Output");
      const { diff } = floatOutputDiff(g, low, { x: randomInput(rng(6), 3, [...c.shape]) });
      expect(diff).toBeLessThanOrEqual(1e-9);
    });
  }
});

describe("foldBatchNorm", () => {
  const bn = (r: () => number, c: number, axis = 0) =>
    createBatchNorm({
      mean: arr(r, [c]),
      variance: arr(r, [c], 0.1, 2),
      gamma: arr(r, [c]),
      beta: arr(r, [c]),
      axis,
    });

  it("folds BN into the conv or affine before it and keeps a BN whose conv has another reader", () => {
    const r = rng(8);
    const g = createGraph();
    const lif = () =>
      createLIF({
        tau: scalar(2),
        r: scalar(1),
        vLeak: scalar(0),
        vThreshold: scalar(0.5),
        vReset: scalar(0),
      });
    chain(g, [
      ["x", createInput([2, 5, 5])],
      ["conv", createConv2d({ weight: arr(r, [3, 2, 3, 3]), pads: [1, 1, 1, 1] })],
      ["bn1", bn(r, 3)],
      ["lif1", lif()],
      ["conv2", createConv2d({ weight: arr(r, [2, 3, 3, 3]), bias: arr(r, [2]) })],
      ["bn2", bn(r, 2)],
      ["lif2", lif()],
      ["y", createOutput()],
    ]);
    addNode(g, "lin", createLinear(arr(r, [4, 3])));
    addNode(g, "bn3", bn(r, 4, -1));
    addNode(g, "y2", createOutput());
    connect(g, "lif2", "lin"); // lif2 is [2, 3, 3]: the Linear acts on its last axis
    connect(g, "lin", "bn3");
    connect(g, "bn3", "y2");
    connect(g, "conv2", "y"); // conv2 now has two readers: bn2 stays
    const ctx = passContext();
    const low = foldBatchNorm(g, ctx);
    expect(kinds(low)).toEqual([
      "x:Input",
      "conv:Conv2d",
      "lif1:LIF",
      "conv2:Conv2d",
      "bn2:BatchNorm",
      "lif2:LIF",
      "y:Output",
      "lin:Affine",
      "y2:Output",
    ]);
    expect(ctx.diagnostics[0]!.message).toMatch(/folded 2 .*kept "bn2"/);
    const { diff, peak } = floatOutputDiff(g, low, { x: randomInput(r, 12, [2, 5, 5]) });
    expect(peak).toBeGreaterThan(0.1);
    expect(diff).toBeLessThanOrEqual(1e-9);
  });
});

describe("flattenSubgraphs", () => {
  it("inlines nested subgraphs and removes their port identities, same outputs", () => {
    const r = rng(9);
    const inner = createGraph();
    chain(inner, [
      ["i", createInput([3])],
      ["fc", createAffine(arr(r, [3, 3]), arr(r, [3]))],
      ["o", createOutput()],
    ]);
    const mid = createGraph();
    chain(mid, [
      ["a", createInput([3])],
      ["s", createSubgraph(inner)],
      ["b", createOutput()],
    ]);
    const g = createGraph();
    chain(g, [
      ["x", createInput([3])],
      ["m", createSubgraph(mid)],
      ["y", createOutput()],
    ]);
    connect(g, "x", "y"); // the Output also sums the input: two edges into one port
    const low = flattenSubgraphs(g, passContext());
    expect(kinds(low)).toEqual(["x:Input", "m.s.fc:Affine", "y:Output"]);
    const { diff } = floatOutputDiff(g, low, { x: randomInput(r, 5, [3]) });
    expect(diff).toBeLessThanOrEqual(1e-9);
  });
});
