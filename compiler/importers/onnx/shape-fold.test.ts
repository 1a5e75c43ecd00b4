// ONNX shape operators on activations, constant folding (the exporters' Shape→Gather→…→Reshape chains, Cast,
// Slice, arithmetic), initializer encodings, graph inputs/outputs, node ids and unsupported-operator errors.

import { describe, expect, it } from "vitest";
import { validateGraph } from "../../graph/index.js";
import { DT } from "./tensors.js";
import {
  f,
  importError,
  importSpec,
  ints64,
  type ModelSpec,
  type NodeSpec,
  rand,
  tensor,
} from "./test-build.js";
import { evaluate } from "./test-eval.js";

const B = "batch";
const graphOf = (spec: ModelSpec) => importSpec(spec).graph;
const kindsOf = (spec: ModelSpec) => [...graphOf(spec).nodes.values()].map((n) => n.kind);
const outShape = (spec: ModelSpec) => validateGraph(graphOf(spec)).get("y")?.outputs.out;
const model = (
  dims: (number | string)[],
  nodes: NodeSpec[],
  inits: Record<string, object> = {},
  opset = 13,
): ModelSpec => ({
  inputs: { x: dims },
  outputs: ["y"],
  nodes,
  inits,
  opset,
});

/** PyTorch's x.reshape(x.size(0), …rest) export: the batch size comes from Shape → Gather → Unsqueeze → Concat. */
function reshapeChain(dims: number[], rest: number[], opset = 13): ModelSpec {
  const unsqueeze: NodeSpec =
    opset >= 13
      ? { op: "Unsqueeze", inputs: ["b", "ax"], outputs: ["b1"] }
      : { op: "Unsqueeze", inputs: ["b"], outputs: ["b1"], attrs: { axes: [0] } };
  return model(
    [B, ...dims],
    [
      { op: "Shape", inputs: ["x"], outputs: ["s"] },
      {
        op: "Constant",
        inputs: [],
        outputs: ["zero"],
        attrs: { value: { t: tensor([], [0], { dtype: DT.INT64 }) } },
      },
      { op: "Gather", inputs: ["s", "zero"], outputs: ["b"], attrs: { axis: 0 } },
      unsqueeze,
      { op: "Concat", inputs: ["b1", "rest"], outputs: ["target"], attrs: { axis: 0 } },
      { op: "Reshape", name: "/Reshape", inputs: ["x", "target"], outputs: ["y"] },
    ],
    { ax: ints64([0]), rest: ints64(rest) },
    opset,
  );
}

describe("reshapes", () => {
  it("the folded Shape→Gather→Unsqueeze→Concat→Reshape chain becomes Flatten or Reshape with the right shape", () => {
    expect(graphOf(reshapeChain([2, 3, 4], [-1])).nodes.get("Reshape")).toMatchObject({
      kind: "Flatten",
      startDim: 0,
      endDim: -1,
    });
    expect(outShape(reshapeChain([2, 3, 4], [-1]))).toEqual([24]);
    expect(outShape(reshapeChain([2, 3, 4], [-1], 11))).toEqual([24]); // opset 11: Unsqueeze axes as attribute
    expect(graphOf(reshapeChain([2, 3, 4], [6, 4])).nodes.get("Reshape")).toMatchObject({
      kind: "Flatten",
      startDim: 0,
      endDim: 1,
    });
    expect(graphOf(reshapeChain([2, 3, 4], [2, -1])).nodes.get("Reshape")).toMatchObject({
      kind: "Flatten",
      startDim: 1,
      endDim: -1,
    });
    expect(graphOf(reshapeChain([2, 3, 4], [4, 6])).nodes.get("Reshape")).toMatchObject({
      kind: "Reshape",
      shape: [4, 6],
    });
    expect(kindsOf(reshapeChain([2, 3], [2, 3]))).toEqual(["Input", "Output"]);
  });

  it("a reshape that moves data across the batch is refused", () => {
    const spec = model([B, 4, 6], [{ op: "Reshape", name: "rs", inputs: ["x", "t"], outputs: ["y"] }], {
      t: ints64([4, -1]),
    });
    expect(importError(spec).message).toMatch(/batch dimension/);
  });

  it("Flatten(axis=1) is a Flatten; a later axis only when the skipped dims are 1; axis 0 is refused", () => {
    expect(
      graphOf(model([B, 2, 3], [{ op: "Flatten", name: "fl", inputs: ["x"], outputs: ["y"] }])).nodes.get(
        "fl",
      ),
    ).toMatchObject({ kind: "Flatten", inputShape: [2, 3] });
    expect(
      outShape(model([B, 1, 3, 4], [{ op: "Flatten", inputs: ["x"], outputs: ["y"], attrs: { axis: 2 } }])),
    ).toEqual([12]);
    expect(
      importError(model([B, 2, 3, 4], [{ op: "Flatten", inputs: ["x"], outputs: ["y"], attrs: { axis: 2 } }]))
        .code,
    ).toBe("UNSUPPORTED");
    expect(
      importError(model([B, 2], [{ op: "Flatten", inputs: ["x"], outputs: ["y"], attrs: { axis: 0 } }]))
        .message,
    ).toMatch(/batch/);
  });

  it("Squeeze/Unsqueeze with axes as attributes (opset 11) or inputs (opset 13)", () => {
    const sq11 = model(
      [B, 3, 1, 4],
      [{ op: "Squeeze", inputs: ["x"], outputs: ["y"], attrs: { axes: [2] } }],
      {},
      11,
    );
    expect(outShape(sq11)).toEqual([3, 4]);
    const un13 = model([B, 3, 4], [{ op: "Unsqueeze", inputs: ["x", "a"], outputs: ["y"] }], {
      a: ints64([1, -1]),
    });
    expect(outShape(un13)).toEqual([1, 3, 4, 1]);
    expect(
      importError(
        model([B, 3], [{ op: "Unsqueeze", inputs: ["x", "a"], outputs: ["y"] }], { a: ints64([0]) }),
      ).message,
    ).toMatch(/batch/);
  });

  it("Transpose drops the batch from perm; moving the batch is refused", () => {
    const t = model(
      [B, 2, 3, 4],
      [{ op: "Transpose", name: "t", inputs: ["x"], outputs: ["y"], attrs: { perm: [0, 3, 1, 2] } }],
    );
    expect(graphOf(t).nodes.get("t")).toMatchObject({ kind: "Transpose", perm: [2, 0, 1] });
    const x = rand(24);
    const y = evaluate(graphOf(t), { x: Float64Array.from(x) }).y!;
    expect(y.shape).toEqual([4, 2, 3]);
    expect(y.data[1 * 6 + 1 * 3 + 2]).toBe(x[1 * 12 + 2 * 4 + 1]);
    expect(
      importError(
        model([B, 2, 3], [{ op: "Transpose", inputs: ["x"], outputs: ["y"], attrs: { perm: [1, 0, 2] } }]),
      ).hint,
    ).toMatch(/batch first/);
  });

  it("Concat of activations maps its axis; a constant operand is refused", () => {
    const spec: ModelSpec = {
      inputs: { x: [B, 2, 3], z: [B, 2, 5] },
      outputs: ["y"],
      nodes: [{ op: "Concat", name: "cat", inputs: ["x", "z"], outputs: ["y"], attrs: { axis: -1 } }],
    };
    expect(graphOf(spec).nodes.get("cat")).toMatchObject({ kind: "Concat", axis: 1, inputs: 2 });
    expect(outShape(spec)).toEqual([2, 8]);
    const withConst = model(
      [B, 2],
      [{ op: "Concat", inputs: ["x", "c"], outputs: ["y"], attrs: { axis: 1 } }],
      { c: tensor([1, 2], [1, 2]) },
    );
    expect(importError(withConst).message).toMatch(/constant/);
  });

  it("Gather on an activation is refused (only shape arithmetic is folded)", () => {
    const spec = model(
      [B, 5],
      [{ op: "Gather", name: "g", inputs: ["x", "i"], outputs: ["y"], attrs: { axis: 1 } }],
      { i: ints64([0]) },
    );
    expect(importError(spec).message).toMatch(/node #0 "g" \(Gather\).*only supported on constants/);
  });
});

describe("constant folding", () => {
  it("folds Cast, Slice, Div on int64, Range, ConstantOfShape, Mul into a weight", () => {
    const spec = model(
      [B, 6],
      [
        { op: "Shape", inputs: ["x"], outputs: ["s"] },
        { op: "Slice", inputs: ["s", "one", "two"], outputs: ["six"] },
        { op: "Cast", inputs: ["six"], outputs: ["sixf"], attrs: { to: DT.FLOAT } },
        { op: "Cast", inputs: ["sixf"], outputs: ["six2"], attrs: { to: DT.INT64 } },
        { op: "Div", inputs: ["six2", "two"], outputs: ["three"] },
        { op: "Range", inputs: ["zero", "three", "one"], outputs: ["ri"] },
        { op: "Cast", inputs: ["ri"], outputs: ["r"], attrs: { to: DT.FLOAT } },
        {
          op: "ConstantOfShape",
          inputs: ["three"],
          outputs: ["ones"],
          attrs: { value: { t: tensor([1], [1]) } },
        },
        { op: "Concat", inputs: ["r", "ones"], outputs: ["v"], attrs: { axis: 0 } },
        { op: "Reshape", inputs: ["v", "shape"], outputs: ["w"] },
        { op: "Mul", inputs: ["w", "half"], outputs: ["wh"] },
        { op: "MatMul", name: "mm", inputs: ["x", "wh"], outputs: ["y"] },
      ],
      {
        one: ints64([1]),
        two: ints64([2]),
        zero: ints64([0]),
        shape: ints64([6, 1]),
        half: tensor([], [0.5]),
      },
    );
    const mm = graphOf(spec).nodes.get("mm");
    expect(mm?.kind === "Linear" && Array.from(mm.weight.data)).toEqual([0, 0.5, 1, 0.5, 0.5, 0.5]);
  });

  it("decodes float16 and bfloat16 (raw and int32_data), double, int64 initializers", () => {
    const w = (t: object) =>
      model([B, 2], [{ op: "MatMul", name: "mm", inputs: ["x", "w"], outputs: ["y"] }], { w: t });
    const weights = (t: object) => {
      const n = graphOf(w(t)).nodes.get("mm");
      return n?.kind === "Linear" ? Array.from(n.weight.data) : [];
    };
    // 1.0 = 0x3c00, -2.0 = 0xc000 in float16; 1.0 = 0x3f80, 0.5 = 0x3f00 in bfloat16
    expect(weights(tensor([2, 1], [0x3c00, 0xc000], { dtype: DT.FLOAT16, raw: true }))).toEqual([1, -2]);
    expect(weights(tensor([2, 1], [0x3c00, 0xc000], { dtype: DT.FLOAT16 }))).toEqual([1, -2]);
    expect(weights(tensor([2, 1], [0x3f80, 0x3f00], { dtype: 16 }))).toEqual([1, 0.5]);
    expect(weights(tensor([2, 1], [0.1, 3], { dtype: DT.DOUBLE, raw: true }))).toEqual([0.1, 3]);
    expect(weights(tensor([2, 1], [7, -3], { dtype: DT.INT64, raw: true }))).toEqual([7, -3]);
  });

  it("corrupt, external and unused string initializers", () => {
    const mm = (t: object, extra: Record<string, object> = {}) =>
      model([B, 2], [{ op: "MatMul", name: "mm", inputs: ["x", "w"], outputs: ["y"] }], { w: t, ...extra });
    const short = { dims: [2, 1], dataType: DT.FLOAT, rawData: new Uint8Array(5) };
    expect(importError(mm(short)).code).toBe("IMPORT_FAILED");
    const external = { ...tensor([2, 1], [1, 2]), dataLocation: 1 };
    expect(importError(mm(external)).hint).toMatch(/save_as_external_data=False/);
    expect(
      graphOf(
        mm(tensor([2, 1], [1, 2]), {
          s: { dims: [1], dataType: DT.STRING, stringData: [new Uint8Array(1)] },
        }),
      ).nodes.size,
    ).toBe(3);
  });
});

describe("inputs, outputs, ids and errors", () => {
  const relu = (dims: (number | string)[]) => model(dims, [{ op: "Relu", inputs: ["x"], outputs: ["y"] }]);
  it("strips a batch of 1 or a symbolic batch; refuses a fixed batch > 1 and symbolic feature dims", () => {
    expect(graphOf(relu([1, 3])).nodes.get("x")).toEqual({ kind: "Input", shape: [3] });
    expect(importError(relu([4, 3])).message).toMatch(/fixed batch size of 4/);
    expect(importError(relu([B, "seq", 3])).message).toMatch(/symbolic \("seq"\)/);
  });

  it("makes ids from node names: sanitised, unique, never taking an input/output id", () => {
    const spec = model(
      [B, 3],
      [
        { op: "Relu", name: "/enc/relu:0", inputs: ["x"], outputs: ["a"] },
        { op: "Relu", name: "/enc/relu:0", inputs: ["a"], outputs: ["b"] },
        { op: "Relu", name: "y", inputs: ["b"], outputs: ["y"] },
      ],
    );
    expect([...graphOf(spec).nodes.keys()]).toEqual(["x", "enc.relu_0", "enc.relu_0_2", "y_2", "y"]);
  });

  it("lists every unsupported node; names custom domains; refuses used secondary outputs and constant outputs", () => {
    const spec = model(
      [B, 3],
      [
        { op: "Softmax", name: "sm", inputs: ["x"], outputs: ["a"] },
        { op: "MyOp", name: "mine", domain: "com.example", inputs: ["a"], outputs: ["y"] },
      ],
    );
    const err = importError(spec);
    expect(err.message).toMatch(/node #0 "sm" \(Softmax\).*and 1 more/);
    expect(err.hint).toMatch(/softmax/);
    expect(err.details.map((d) => d.where)).toEqual(['node #0 "sm" (Softmax)', 'node #1 "mine" (MyOp)']);
    expect(
      importError(model([B, 3], [{ op: "MyOp", domain: "com.example", inputs: ["x"], outputs: ["y"] }]))
        .message,
    ).toMatch(/custom domain "com.example"/);
    const idx = model(
      [B, 1, 4, 4],
      [
        { op: "MaxPool", name: "mp", inputs: ["x"], outputs: ["p", "i"], attrs: { kernel_shape: [2, 2] } },
        { op: "Add", inputs: ["p", "i"], outputs: ["y"] },
      ],
    );
    expect(importError(idx).message).toMatch(/output #1/);
    const constOut = model(
      [B, 3],
      [{ op: "Constant", inputs: [], outputs: ["y"], attrs: { value_float: f(1) } }],
    );
    expect(importError(constOut).message).toMatch(/constant/);
  });
});
