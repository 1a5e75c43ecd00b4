// The ONNX importer on PyTorch-exported golden models (test/fixtures/golden/onnx): structure, shapes, weight
// layout, and outputs of the imported graph against PyTorch's for the saved batch of 4 inputs.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { packagePath } from "../../../common/package-root.js";
import { type GraphNode, validateGraph } from "../../graph/index.js";
import { readNpyFile } from "../tensors/npy.js";
import { toFloat32 } from "../tensors/tensor.js";
import { importOnnx, onnxImporter } from "./index.js";
import { evaluate } from "./test-eval.js";

const dir = (f: string) => packagePath("test", "fixtures", "golden", "onnx", f);
const load = (name: string) => importOnnx(new Uint8Array(readFileSync(dir(`${name}.onnx`))), `${name}.onnx`);
const kinds = (name: string) =>
  [...load(name).graph.nodes.values()].map((n: GraphNode) =>
    n.kind === "Activation" ? `Activation(${n.fn})` : n.kind,
  );

/** Max |imported − PyTorch| over the saved batch, with the graph evaluated one sample at a time. */
function maxError(name: string): number {
  const { graph } = load(name);
  const x = readNpyFile(dir(`${name}.input.npy`));
  const y = readNpyFile(dir(`${name}.output.npy`));
  const xs = toFloat32(x);
  const ys = toFloat32(y);
  const batch = x.shape[0]!;
  const inSize = xs.length / batch;
  const outSize = ys.length / batch;
  let worst = 0;
  for (let b = 0; b < batch; b++) {
    const out = evaluate(graph, { input: Float64Array.from(xs.subarray(b * inSize, (b + 1) * inSize)) })
      .output!;
    expect(out.data.length).toBe(outSize);
    out.data.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - ys[b * outSize + i]!));
    });
  }
  return worst;
}

describe("ONNX golden models", () => {
  it.each(["mlp", "cnn_bn", "conv1d_opset11", "attention", "gemm_transb0"])(
    "%s imports, validates, matches PyTorch",
    (name) => {
      const r = load(name);
      expect(r.format).toBe("onnx");
      expect(r.warnings).toEqual([]);
      expect(() => validateGraph(r.graph, name)).not.toThrow();
      expect(maxError(name)).toBeLessThan(1e-5);
    },
  );

  it("records opset, IR version and producer", () => {
    const r = load("conv1d_opset11");
    expect(r.formatVersion).toBe("IR 6, opset 11");
    expect(r.graph.metadata).toMatchObject({
      source: "onnx",
      opset: 11,
      irVersion: 6,
      producer: "pytorch 1.13.0",
    });
    expect(load("mlp").graph.metadata.opset).toBe(13);
  });

  it("MLP: Gemm(transB=1) keeps PyTorch's [out, in] weight", () => {
    const { graph } = load("mlp");
    expect(kinds("mlp")).toEqual(["Input", "Affine", "Activation(relu)", "Affine", "Output"]);
    const fc1 = graph.nodes.get("fc1.Gemm");
    expect(fc1?.kind === "Affine" && fc1.weight.shape).toEqual([16, 8]);
    expect(validateGraph(graph).get("output")?.outputs.out).toEqual([4]);
  });

  it("Gemm with transB=0, alpha, beta: the weight is transposed to [out, in] and scaled", () => {
    const { graph } = load("gemm_transb0");
    const gemm = graph.nodes.get("gemm");
    expect(gemm?.kind).toBe("Affine");
    if (gemm?.kind !== "Affine") return;
    expect(gemm.weight.shape).toEqual([3, 5]);
    expect(gemm.bias.shape).toEqual([3]);
  });

  it("CNN: Conv2d→BatchNorm→ReLU→AvgPool2d→Conv2d(groups 2, dilation 2)→BatchNorm→ReLU→MaxPool2d→Flatten→Affine, output [10]", () => {
    expect(kinds("cnn_bn")).toEqual([
      "Input",
      "Conv2d",
      "BatchNorm",
      "Activation(relu)",
      "AvgPool2d",
      "Conv2d",
      "BatchNorm",
      "Activation(relu)",
      "MaxPool2d",
      "Flatten",
      "Affine",
      "Output",
    ]);
    const { graph } = load("cnn_bn");
    const conv2 = graph.nodes.get("conv2.Conv");
    expect(conv2).toMatchObject({
      kind: "Conv2d",
      groups: 2,
      dilation: [2, 2],
      pads: [2, 2, 2, 2],
      stride: [1, 1],
    });
    const shapes = validateGraph(graph);
    expect(shapes.get("input")?.outputs.out).toEqual([2, 8, 8]);
    expect(shapes.get("Flatten")?.outputs.out).toEqual([16]);
    expect(shapes.get("output")?.outputs.out).toEqual([10]);
  });

  it("1-d conv net: Conv1d, Clip→clamp, Sigmoid+Tanh summed into the fused GELU", () => {
    expect(kinds("conv1d_opset11")).toEqual([
      "Input",
      "Conv1d",
      "Activation(clamp)",
      "Activation(sigmoid)",
      "Activation(tanh)",
      "Activation(gelu)",
      "Conv1d",
      "Output",
    ]);
    const { graph } = load("conv1d_opset11");
    expect(graph.nodes.get("Clip")).toMatchObject({ fn: "clamp", min: -1, max: 1 });
    const intoGelu = graph.edges.filter((e) => e.dst === "gelu.Gelu").map((e) => e.src);
    expect(intoGelu.sort()).toEqual(["Sigmoid", "Tanh"]);
    expect(validateGraph(graph).get("output")?.outputs.out).toEqual([2, 4]);
  });

  it("attention: MatMul+Add fold into Affine, Q·Kᵀ is a DynamicMatmul, the Shape→…→Reshape chain is a Flatten", () => {
    const { graph } = load("attention");
    const count = (k: string) => [...graph.nodes.values()].filter((n) => n.kind === k).length;
    expect(count("Affine")).toBe(4);
    expect(count("DynamicMatmul")).toBe(2);
    expect(count("Transpose")).toBe(1);
    expect(count("Concat")).toBe(1);
    expect(graph.nodes.get("Mul")).toMatchObject({ kind: "Scale" });
    expect(graph.nodes.get("Reshape")).toMatchObject({
      kind: "Flatten",
      startDim: 0,
      endDim: -1,
      inputShape: [4, 12],
    });
    const shapes = validateGraph(graph);
    expect(shapes.get("Reshape")?.outputs.out).toEqual([48]);
    expect(shapes.get("MatMul")?.outputs.out).toEqual([4, 4]);
    expect(shapes.get("output")?.outputs.out).toEqual([3]);
  });

  it.each([
    ["unsupported_lstm", /node #10 "\/lstm\/LSTM" \(LSTM\)/, /LIF|LMU/],
    ["unsupported_nms", /node #1 "nms" \(NonMaxSuppression\)/, /outside the network/],
  ])("%s: UNSUPPORTED naming the node", (name, where, hint) => {
    try {
      load(name);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpikegridError);
      const err = e as SpikegridError;
      expect(err.code).toBe("UNSUPPORTED");
      expect(err.message).toMatch(where);
      expect(err.hint).toMatch(hint);
      expect(err.details[0]?.where).toMatch(where);
    }
  });

  it("is an Importer chosen by extension", async () => {
    expect(onnxImporter.extensions).toEqual([".onnx"]);
    const bytes = new Uint8Array(readFileSync(dir("mlp.onnx")));
    expect(onnxImporter.sniff(bytes.subarray(0, 64))).toBe(false);
    const r = await onnxImporter.load(bytes, "mlp.onnx", {});
    expect(r.graph.nodes.size).toBe(5);
  });
});
