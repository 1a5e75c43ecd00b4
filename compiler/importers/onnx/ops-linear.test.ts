// ONNX Gemm/MatMul/Conv/BatchNormalization/Pad and pooling converters on small models built in TypeScript.

import { describe, expect, it } from "vitest";
import { validateGraph } from "../../graph/index.js";
import { f, importError, importSpec, ints64, type ModelSpec, rand, tensor } from "./test-build.js";
import { evaluate } from "./test-eval.js";

const B = "batch";

/** Elementwise equality to 6 decimals with expected values from an index function. */
function near(actual: number[], want: (i: number) => number): void {
  expect(actual).toEqual(actual.map((_, i) => expect.closeTo(want(i), 6)));
}
const nodeOf = (spec: ModelSpec, id: string) => importSpec(spec).graph.nodes.get(id);
const kindsOf = (spec: ModelSpec) => [...importSpec(spec).graph.nodes.values()].map((n) => n.kind);
const run = (spec: ModelSpec, x: number[]) =>
  Array.from(evaluate(importSpec(spec).graph, { x: Float64Array.from(x) }).y!.data);
const outShape = (spec: ModelSpec) => validateGraph(importSpec(spec).graph).get("y")?.outputs.out;

function single(
  op: string,
  dims: (number | string)[],
  attrs: ModelSpec["nodes"][0]["attrs"],
  inits: Record<string, object> = {},
  extra: string[] = [],
): ModelSpec {
  return {
    inputs: { x: dims },
    outputs: ["y"],
    nodes: [{ op, name: "op", inputs: ["x", ...extra], outputs: ["y"], attrs }],
    inits,
  };
}

describe("Gemm and MatMul", () => {
  const w = rand(15, 3); // [out 3, in 5] row-major
  const wt = Array.from({ length: 15 }, (_, i) => w[(i % 3) * 5 + Math.floor(i / 3)]!); // [in 5, out 3]

  it("transB=1 and transB=0 give the same [out, in] weight; alpha and beta scale W and C", () => {
    const spec = (transB: number, data: number[], dims: number[]) =>
      single(
        "Gemm",
        [B, 5],
        { transB, alpha: f(2), beta: f(0.5) },
        { W: tensor(dims, data), C: tensor([3], [1, 2, 3]) },
        ["W", "C"],
      );
    const a = nodeOf(spec(1, w, [3, 5]), "op");
    const b = nodeOf(spec(0, wt, [5, 3]), "op");
    expect(a?.kind).toBe("Affine");
    if (a?.kind !== "Affine" || b?.kind !== "Affine") return;
    expect(Array.from(b.weight.data)).toEqual(Array.from(a.weight.data));
    expect(Array.from(a.weight.data)).toEqual(w.map((v) => Math.fround(2 * v)));
    expect(Array.from(a.bias.data)).toEqual([0.5, 1, 1.5]);
  });

  it("Gemm without C is a Linear; transA=1 is refused", () => {
    expect(nodeOf(single("Gemm", [B, 5], { transB: 1 }, { W: tensor([3, 5], w) }, ["W"]), "op")?.kind).toBe(
      "Linear",
    );
    const err = importError(single("Gemm", [B, 5], { transA: 1 }, { W: tensor([5, 3], wt) }, ["W"]));
    expect(err.code).toBe("UNSUPPORTED");
    expect(err.message).toMatch(/node #0 "op" \(Gemm\).*transA/);
  });

  it("x·W on the last axis is a Linear with Wᵀ; W·x is Transpose→Linear→Transpose", () => {
    const right = single("MatMul", [B, 2, 5], undefined, { W: tensor([5, 3], wt) }, ["W"]);
    const lin = nodeOf(right, "op");
    expect(lin?.kind === "Linear" && Array.from(lin.weight.data)).toEqual(w);
    expect(outShape(right)).toEqual([2, 3]);
    const left: ModelSpec = {
      inputs: { x: [B, 5, 2] },
      outputs: ["y"],
      nodes: [{ op: "MatMul", name: "op", inputs: ["W", "x"], outputs: ["y"] }],
      inits: { W: tensor([3, 5], w) },
    };
    expect(kindsOf(left)).toEqual(["Input", "Transpose", "Linear", "Transpose", "Output"]);
    const x = rand(10, 5);
    const want = Array.from({ length: 6 }, (_, k) => {
      const [i, j] = [Math.floor(k / 2), k % 2];
      return w.slice(i * 5, i * 5 + 5).reduce((s, v, q) => s + v * x[q * 2 + j]!, 0);
    });
    near(run(left, x), (i) => want[i]!);
  });

  it("x·v with a 1-d constant drops the last axis", () => {
    const spec = single("MatMul", [B, 4, 5], undefined, { v: tensor([5], rand(5)) }, ["v"]);
    expect(kindsOf(spec)).toEqual(["Input", "Linear", "Reshape", "Output"]);
    expect(outShape(spec)).toEqual([4]);
  });

  it("a MatMul of two activations is a DynamicMatmul; beyond 2-d it is refused", () => {
    const mm = (dims: number[]): ModelSpec => ({
      inputs: { x: [B, ...dims], z: [B, ...dims.slice(0, -2), dims.at(-1)!, 2] },
      outputs: ["y"],
      nodes: [{ op: "MatMul", name: "mm", inputs: ["x", "z"], outputs: ["y"] }],
    });
    expect(nodeOf(mm([3, 4]), "mm")).toMatchObject({ kind: "DynamicMatmul", transposeB: false, scale: 1 });
    expect(importError(mm([2, 3, 4])).hint).toMatch(/one head per MatMul/);
  });
});

describe("Conv and BatchNormalization", () => {
  const w = tensor([2, 1, 2, 2], rand(8));
  it.each([
    ["SAME_UPPER", 1, [0, 0, 1, 1]],
    ["SAME_LOWER", 1, [1, 1, 0, 0]],
    ["VALID", 1, [0, 0, 0, 0]],
  ])("auto_pad %s (stride %i) → pads %j", (auto, stride, pads) => {
    const spec = single("Conv", [B, 1, 5, 5], { auto_pad: auto, strides: [stride, stride] }, { w }, ["w"]);
    expect(nodeOf(spec, "op")).toMatchObject({ kind: "Conv2d", pads });
  });

  it("SAME_UPPER with stride 2 keeps ⌈n/2⌉ outputs", () => {
    const spec = single(
      "Conv",
      [B, 1, 5, 5],
      { auto_pad: "SAME_UPPER", strides: [2, 2] },
      { w: tensor([2, 1, 3, 3], rand(18)) },
      ["w"],
    );
    expect(nodeOf(spec, "op")).toMatchObject({ pads: [1, 1, 1, 1], stride: [2, 2] });
    expect(outShape(spec)).toEqual([2, 3, 3]);
  });

  it("1-d convolution with groups, dilation and bias", () => {
    const spec = single(
      "Conv",
      [B, 4, 9],
      { group: 2, dilations: [2], pads: [1, 2], strides: [1] },
      { w: tensor([6, 2, 3], rand(36)), b: tensor([6], rand(6)) },
      ["w", "b"],
    );
    expect(nodeOf(spec, "op")).toMatchObject({
      kind: "Conv1d",
      groups: 2,
      dilation: 2,
      pads: [1, 2],
      stride: 1,
    });
    expect(outShape(spec)).toEqual([6, 8]);
  });

  it("3-d convolution and training-mode BatchNormalization are refused", () => {
    expect(
      importError(single("Conv", [B, 1, 3, 3, 3], {}, { w: tensor([1, 1, 1, 1, 1], [1]) }, ["w"])).message,
    ).toMatch(/1-d and 2-d/);
    const bn = {
      s: tensor([2], [1, 1]),
      b: tensor([2], [0, 0]),
      m: tensor([2], [0, 0]),
      v: tensor([2], [1, 1]),
    };
    const spec = single("BatchNormalization", [B, 2, 3], { training_mode: 1 }, bn, ["s", "b", "m", "v"]);
    expect(importError(spec).hint).toMatch(/eval mode/);
    expect(
      nodeOf(single("BatchNormalization", [B, 2, 3], { epsilon: f(0.001) }, bn, ["s", "b", "m", "v"]), "op"),
    ).toMatchObject({ kind: "BatchNorm", axis: 0 });
  });

  it("zero Pad of spatial axes is a depthwise identity convolution; other padding is refused", () => {
    const spec = single("Pad", [B, 2, 2, 2], { mode: "constant" }, { p: ints64([0, 0, 1, 0, 0, 0, 0, 2]) }, [
      "p",
    ]);
    expect(nodeOf(spec, "op")).toMatchObject({ kind: "Conv2d", groups: 2, pads: [1, 0, 0, 2] });
    const y = run(spec, [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(y.slice(0, 8)).toEqual([0, 0, 0, 0, 1, 2, 0, 0]);
    expect(
      importError(single("Pad", [B, 2, 2], { mode: "reflect" }, { p: ints64([0, 0, 1, 0, 0, 1]) }, ["p"]))
        .message,
    ).toMatch(/reflect/);
  });
});

describe("pooling and reductions", () => {
  it("AveragePool count_include_pad=0 with padding divides by the covered cells; =1 is an AvgPool2d", () => {
    const spec = (include: number) =>
      single(
        "AveragePool",
        [B, 1, 3, 3],
        { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: include },
        {},
      );
    expect(kindsOf(spec(0))).toEqual(["Input", "SumPool2d", "Scale", "Output"]);
    expect(run(spec(0), new Array(9).fill(1)).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    expect(kindsOf(spec(1))).toEqual(["Input", "AvgPool2d", "Output"]);
    expect(run(spec(1), new Array(9).fill(1))[0]).toBeCloseTo(4 / 9, 6);
  });

  it("MaxPool ceil_mode pads the end; AveragePool ceil_mode with a partial window is refused", () => {
    const mp = single("MaxPool", [B, 1, 5, 5], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, {});
    expect(nodeOf(mp, "op")).toMatchObject({ kind: "MaxPool2d", pads: [0, 0, 1, 1] });
    expect(outShape(mp)).toEqual([1, 3, 3]);
    expect(
      importError(
        single("AveragePool", [B, 1, 5, 5], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, {}),
      ).message,
    ).toMatch(/ceil_mode/);
  });

  it("1-d pooling runs on a [C, 1, L] view", () => {
    const spec = single("MaxPool", [B, 2, 6], { kernel_shape: [2], strides: [2] }, {});
    expect(kindsOf(spec)).toEqual(["Input", "Reshape", "MaxPool2d", "Reshape", "Output"]);
    expect(run(spec, [1, 5, 2, 2, 9, 0, -1, -2, -3, -4, 7, 8])).toEqual([5, 2, 9, -1, -3, 8]);
  });

  it("GlobalAveragePool keeps ONNX's [C, 1, 1]; GlobalMaxPool of [C, L] gives [C, 1]", () => {
    const gap = single("GlobalAveragePool", [B, 3, 4, 5], undefined, {});
    expect(nodeOf(gap, "op")).toMatchObject({ kind: "AvgPool2d", kernel: [4, 5], stride: [4, 5] });
    expect(outShape(gap)).toEqual([3, 1, 1]);
    expect(outShape(single("GlobalMaxPool", [B, 3, 7], undefined, {}))).toEqual([3, 1]);
  });

  it("ReduceMean/ReduceSum: keepdims adds a Reshape; axes as attribute or input; reducing the batch is refused", () => {
    const mean = (keepdims: number) => single("ReduceMean", [B, 3, 4, 5], { axes: [2, -1], keepdims }, {});
    expect(kindsOf(mean(1))).toEqual(["Input", "Reduce", "Reshape", "Output"]);
    expect(nodeOf(mean(1), "op")).toMatchObject({ kind: "Reduce", op: "mean", axes: [1, 2] });
    expect(outShape(mean(1))).toEqual([3, 1, 1]);
    expect(outShape(mean(0))).toEqual([3]);
    const sum = single("ReduceSum", [B, 3, 4], { keepdims: 0 }, { a: ints64([1]) }, ["a"]);
    expect(run(sum, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).toEqual([15, 18, 21, 24]);
    expect(importError(single("ReduceSum", [B, 3], {}, {})).message).toMatch(/batch included/);
    expect(importError(single("ReduceMean", [B, 3], { axes: [0] }, {})).message).toMatch(/batch dimension/);
  });
});
