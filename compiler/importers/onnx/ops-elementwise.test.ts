// ONNX elementwise converters: constants as bias (folded or BatchNorm) and Scale, sums of activations as
// several edges, Product, activations (Clip from attributes or inputs, Gelu and the erf pattern).

import { describe, expect, it } from "vitest";
import { f, importError, importSpec, type ModelSpec, type NodeSpec, rand, tensor } from "./test-build.js";
import { evaluate } from "./test-eval.js";

const B = "batch";

/** Elementwise equality to 6 decimals with expected values from an index function. */
function near(actual: number[], want: (i: number) => number): void {
  expect(actual).toEqual(actual.map((_, i) => expect.closeTo(want(i), 6)));
}
const graphOf = (spec: ModelSpec) => importSpec(spec).graph;
const kindsOf = (spec: ModelSpec) => [...graphOf(spec).nodes.values()].map((n) => n.kind);
const run = (spec: ModelSpec, x: number[]) =>
  Array.from(evaluate(graphOf(spec), { x: Float64Array.from(x) }).y!.data);
const model = (
  dims: number[],
  nodes: NodeSpec[],
  inits: Record<string, object> = {},
  opset = 13,
): ModelSpec => ({
  inputs: { x: [B, ...dims] },
  outputs: ["y"],
  nodes,
  inits,
  opset,
});
const x12 = rand(12, 7);

describe("arithmetic with constants", () => {
  const relu = (input: string): NodeSpec => ({ op: "Relu", name: "r", inputs: [input], outputs: ["y"] });

  it("a per-channel constant added to an activation is a BatchNorm bias (mean 0, var+eps 1)", () => {
    const c = [1, -2, 3];
    const spec = model(
      [3, 2, 2],
      [{ op: "Add", name: "add", inputs: ["x", "c"], outputs: ["s"] }, relu("s")],
      { c: tensor([3, 1, 1], c) },
    );
    expect(kindsOf(spec)).toEqual(["Input", "BatchNorm", "Activation", "Output"]);
    expect(graphOf(spec).nodes.get("add.bias")).toMatchObject({ kind: "BatchNorm", axis: 0, eps: 0.25 });
    near(run(spec, x12), (i) => Math.max(0, x12[i]! + c[Math.floor(i / 4)]!));
  });

  it("a bias right after MatMul/Conv goes into that node; not when the value is read twice", () => {
    const nodes: NodeSpec[] = [
      { op: "MatMul", name: "mm", inputs: ["x", "W"], outputs: ["m"] },
      { op: "Add", name: "add", inputs: ["b", "m"], outputs: ["y"] },
    ];
    const inits = { W: tensor([4, 2], rand(8)), b: tensor([2], [0.5, -0.5]) };
    const folded = graphOf(model([3, 4], nodes, inits));
    expect([...folded.nodes.values()].map((n) => n.kind)).toEqual(["Input", "Affine", "Output"]);
    const twice = model([3, 4], [...nodes, { op: "Relu", name: "r2", inputs: ["m"], outputs: ["z"] }], inits);
    twice.outputs.push("z");
    expect(kindsOf(twice)).toContain("BatchNorm");
    const conv = model(
      [1, 3, 3],
      [
        { op: "Conv", name: "cv", inputs: ["x", "w"], outputs: ["c"] },
        { op: "Add", name: "add", inputs: ["c", "k"], outputs: ["y"] },
      ],
      {
        w: tensor([2, 1, 1, 1], [1, 2]),
        k: tensor([1, 2, 1, 1], [10, 20]),
      },
    );
    const cv = graphOf(conv).nodes.get("cv");
    expect(cv?.kind === "Conv2d" && Array.from(cv.bias?.data ?? [])).toEqual([10, 20]);
  });

  it("scalars, Sub both ways, and constants varying along adjacent axes", () => {
    const sub = (a: string, b: string) =>
      model([3, 4], [{ op: "Sub", name: "sub", inputs: [a, b], outputs: ["y"] }], { c: tensor([], [2]) });
    near(run(sub("x", "c"), x12), (i) => x12[i]! - 2);
    near(run(sub("c", "x"), x12), (i) => 2 - x12[i]!);
    const grid = rand(12, 9);
    const spec = model([1, 3, 4], [{ op: "Add", name: "add", inputs: ["x", "g"], outputs: ["y"] }], {
      g: tensor([3, 4], grid),
    });
    expect(kindsOf(spec)).toEqual(["Input", "Flatten", "BatchNorm", "Reshape", "Output"]);
    near(run(spec, x12), (i) => x12[i]! + grid[i]!);
    const far = model([3, 1, 4], [{ op: "Add", name: "add", inputs: ["x", "g"], outputs: ["y"] }], {
      g: tensor([3, 1, 4], grid),
    });
    expect(importError(far).message).toMatch(/non-adjacent/);
  });

  it("Mul/Div by a constant are a Scale (scalar or expanded to the activation's shape)", () => {
    const mul = model([3, 4], [{ op: "Mul", name: "mul", inputs: ["x", "c"], outputs: ["y"] }], {
      c: tensor([3, 1], [1, 2, 3]),
    });
    expect(graphOf(mul).nodes.get("mul")).toMatchObject({ kind: "Scale", scale: { shape: [3, 4] } });
    near(run(mul, x12), (i) => x12[i]! * (1 + Math.floor(i / 4)));
    const div = model([3, 4], [{ op: "Div", name: "div", inputs: ["x", "c"], outputs: ["y"] }], {
      c: tensor([], [4]),
    });
    near(run(div, x12), (i) => x12[i]! / 4);
    const byAct = model([3], [{ op: "Div", name: "div", inputs: ["c", "x"], outputs: ["y"] }], {
      c: tensor([], [4]),
    });
    expect(importError(byAct).message).toMatch(/divides by an activation/);
  });
});

describe("arithmetic of activations", () => {
  const two = (op: string, a = "x", b = "z"): ModelSpec => ({
    inputs: { x: [B, 3], z: [B, 3] },
    outputs: ["y"],
    nodes: [
      { op, name: "op", inputs: [a, b], outputs: ["s"] },
      { op: "Relu", name: "r", inputs: ["s"], outputs: ["y"] },
    ],
  });
  const ev = (spec: ModelSpec) =>
    Array.from(
      evaluate(graphOf(spec), { x: Float64Array.of(1, -2, 3), z: Float64Array.of(0.5, 4, -6) }).y!.data,
    );

  it("Add is two edges into the next node; x + x is a Scale(2); Sub negates through Scale(−1)", () => {
    const g = graphOf(two("Add"));
    expect(g.edges.filter((e) => e.dst === "r").map((e) => e.src)).toEqual(["x", "z"]);
    expect(ev(two("Add"))).toEqual([1.5, 2, 0]);
    expect(kindsOf(two("Add", "x", "x"))).toEqual(["Input", "Input", "Scale", "Activation", "Output"]);
    expect(ev(two("Sub"))).toEqual([0.5, 0, 9]);
    expect(graphOf(two("Sub")).nodes.get("op.neg")).toMatchObject({ kind: "Scale" });
  });

  it("Mul is a Product; Sum adds all inputs; broadcasting between activations is refused", () => {
    expect(ev(two("Mul"))).toEqual([0.5, 0, 0]);
    expect(graphOf(two("Mul")).nodes.get("op")?.kind).toBe("Product");
    expect(ev(two("Sum"))).toEqual([1.5, 2, 0]);
    const bad: ModelSpec = {
      inputs: { x: [B, 3], z: [B, 1] },
      outputs: ["y"],
      nodes: [{ op: "Add", name: "op", inputs: ["x", "z"], outputs: ["y"] }],
    };
    expect(importError(bad).message).toMatch(/broadcast|shapes/);
  });
});

describe("activations", () => {
  const one = (
    op: string,
    attrs?: NodeSpec["attrs"],
    extra: string[] = [],
    inits: Record<string, object> = {},
    opset = 13,
  ) =>
    model(
      [4],
      [{ op, name: "act", inputs: ["x", ...extra], outputs: ["y"], ...(attrs ? { attrs } : {}) }],
      inits,
      opset,
    );

  it("Clip: bounds from attributes (opset 6) or inputs (opset ≥ 11); min 0 alone is a ReLU", () => {
    expect(graphOf(one("Clip", { min: f(-1), max: f(2) }, [], {}, 6)).nodes.get("act")).toMatchObject({
      fn: "clamp",
      min: -1,
      max: 2,
    });
    const lo = { lo: tensor([], [0]) };
    expect(graphOf(one("Clip", undefined, ["lo"], lo)).nodes.get("act")).toMatchObject({ fn: "relu" });
    const hi = one("Clip", undefined, ["", "hi"], { hi: tensor([], [6]) });
    expect(graphOf(hi).nodes.get("act")).toMatchObject({ fn: "clamp", max: 6 });
  });

  it("Gelu (exact) maps; the tanh approximation is refused", () => {
    expect(graphOf(one("Gelu")).nodes.get("act")).toMatchObject({ kind: "Activation", fn: "gelu" });
    expect(importError(one("Gelu", { approximate: "tanh" })).message).toMatch(/approximate/);
  });

  it("the erf GELU pattern with 0.5 applied first and Mul by 1/√2 is fused", () => {
    const spec = model(
      [4],
      [
        { op: "Mul", name: "/g/Mul_half", inputs: ["x", "half"], outputs: ["h"] },
        { op: "Mul", name: "/g/Mul_scale", inputs: ["x", "k"], outputs: ["d"] },
        { op: "Erf", name: "/g/Erf", inputs: ["d"], outputs: ["e"] },
        { op: "Add", name: "/g/Add", inputs: ["one", "e"], outputs: ["p"] },
        { op: "Mul", name: "/g/Mul", inputs: ["p", "h"], outputs: ["y"] },
      ],
      { half: tensor([], [0.5]), k: tensor([], [Math.SQRT1_2]), one: tensor([], [1]) },
    );
    expect(kindsOf(spec)).toEqual(["Input", "Activation", "Output"]);
    expect(graphOf(spec).nodes.get("g.Gelu")).toMatchObject({ fn: "gelu" });
  });

  it("an Erf outside the GELU pattern is refused with a hint", () => {
    const err = importError(one("Erf"));
    expect(err.code).toBe("UNSUPPORTED");
    expect(err.hint).toMatch(/GELU/);
  });

  it("Sigmoid, Tanh, Neg; Identity, Dropout and Cast to float pass through", () => {
    const chain = model(
      [4],
      [
        { op: "Identity", inputs: ["x"], outputs: ["a"] },
        { op: "Dropout", inputs: ["a"], outputs: ["b"] },
        { op: "Cast", inputs: ["b"], outputs: ["c"], attrs: { to: 1 } },
        { op: "Sigmoid", name: "s", inputs: ["c"], outputs: ["d"] },
        { op: "Tanh", name: "t", inputs: ["d"], outputs: ["e"] },
        { op: "Neg", name: "n", inputs: ["e"], outputs: ["y"] },
      ],
    );
    expect(kindsOf(chain)).toEqual(["Input", "Activation", "Activation", "Scale", "Output"]);
    const x = [0.1, -0.2, 0.3, 2];
    near(run(chain, x), (i) => -Math.tanh(1 / (1 + Math.exp(-x[i]!))));
    expect(
      importError(model([4], [{ op: "Cast", inputs: ["x"], outputs: ["y"], attrs: { to: 7 } }])).message,
    ).toMatch(/data type 7/);
  });
});
