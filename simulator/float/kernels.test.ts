// Stateless kernels against hand-computed and PyTorch-computed small cases (values from torch 1.13, float64:
// F.conv2d / F.conv1d / F.max_pool2d / F.avg_pool2d after F.pad, F.gelu, torch.erf).

import * as math from "mathjs";
import { describe, expect, it } from "vitest";
import {
  addNode,
  connect,
  createActivation,
  createAffine,
  createAvgPool2d,
  createBatchNorm,
  createConcat,
  createConv1d,
  createConv2d,
  createDynamicMatmul,
  createFlatten,
  createGraph,
  createInput,
  createMaxPool2d,
  createOutput,
  createReduce,
  createReshape,
  createSumPool2d,
  createTemporalConv,
  createTranspose,
  type GraphNode,
  ndarray,
} from "../../compiler/graph/index.js";
import { erf, runFloat } from "./index.js";

/** Integer-valued test tensors, (i·a mod b) − m, as in the PyTorch script that produced the expectations. */
const ints = (n: number, a: number, b: number, m: number) =>
  Array.from({ length: n }, (_, i) => ((i * a) % b) - m);

/** Runs `node` on one step of each named input (ports a, b, in0… or the single port) and returns the output. */
function apply(
  node: GraphNode,
  inputs: Record<string, { shape: number[]; data: number[] }>,
  steps = 1,
): number[][] {
  const g = createGraph();
  addNode(g, "n", node);
  addNode(g, "y", createOutput());
  connect(g, "n", "y");
  const feed: Record<string, { shape: number[]; data: number[] }> = {};
  for (const [port, t] of Object.entries(inputs)) {
    addNode(g, `x_${port}`, createInput(t.shape));
    connect(g, `x_${port}`, "n", port === "in" ? {} : { dstPort: port });
    feed[`x_${port}`] = { shape: [steps, ...t.shape], data: t.data };
  }
  return runFloat(g, feed, { dt: 1 })
    .outputs.get("y")!
    .map((a) => Array.from(a));
}

describe("convolutions (PyTorch cross-correlation)", () => {
  it("Conv2d with groups 2, stride (2,1), dilation (2,1), pads [top 1, left 0, bottom 0, right 2]", () => {
    const node = createConv2d({
      weight: ndarray([4, 2, 3, 2], ints(48, 5, 7, 3)),
      bias: ndarray([4], [1, -1, 0.5, 0]),
      stride: [2, 1],
      dilation: [2, 1],
      pads: [1, 0, 0, 2],
      groups: 2,
    });
    const [y] = apply(node, { in: { shape: [4, 6, 5], data: ints(120, 7, 11, 5) } });
    expect(y).toEqual([
      -21, 25, 16, -26, 3, 1, 47, -41, 25, 25, -20, 1, 13, -33, 9, 18, -20, -1, -26, 33, -29, -3, 31, -1,
      -14.5, -10.5, 26.5, -24.5, -2.5, 0.5, 20.5, -4.5, -18.5, 55.5, -23.5, 0.5, 11, 10, -24, 41, -15, 0, -31,
      19, 3, -35, 40, 0,
    ]);
  });

  it("Conv1d with stride 2, dilation 2, pads [2, 1]; and a 2-tap difference by hand", () => {
    const node = createConv1d({
      weight: ndarray([2, 2, 3], ints(12, 2, 5, 2)),
      bias: ndarray([2], [0, 1]),
      stride: 2,
      dilation: 2,
      pads: [2, 1],
    });
    expect(apply(node, { in: { shape: [2, 7], data: ints(14, 3, 5, 2) } })[0]).toEqual([-3, 3, 1, 0, -2, -2]);
    const diff = createConv1d({ weight: ndarray([1, 1, 2], [1, -1]) });
    expect(apply(diff, { in: { shape: [1, 4], data: [1, 2, 4, 8] } })[0]).toEqual([-1, -2, -4]);
  });

  it("TemporalConv runs causally: PyTorch's y_t (k = 3, pad 1 → lookahead 1) appears at step t + 1", () => {
    // PyTorch Conv1d over time of x = 1, 2, 3, 4: y = 0.5 + x_{t−1} + 2x_t + 3x_{t+1} = 8.5, 14.5, 20.5, 11.5
    const node = createTemporalConv({
      weight: ndarray([1, 1, 3], [1, 2, 3]),
      bias: ndarray([1], [0.5]),
      lookahead: 1,
    });
    const out = apply(node, { in: { shape: [1], data: [1, 2, 3, 4, 0] } }, 5);
    expect(out.map((o) => o[0])).toEqual([0, 8.5, 14.5, 20.5, 11.5]);
  });
});

describe("pooling over [C, H, W] with pads [top 1, left 1, bottom 0, right 0], kernel (2,3), stride 2", () => {
  const x = { in: { shape: [2, 5, 5], data: ints(50, 3, 7, 3) } };
  const p = {
    kernel: [2, 3] as [number, number],
    stride: [2, 2] as [number, number],
    pads: [1, 1, 0, 0] as [number, number, number, number],
  };
  it("MaxPool2d (pads are −∞)", () => {
    expect(apply(createMaxPool2d(p), x)[0]).toEqual([0, 3, 2, 2, 3, 3, 2, 1, 3, 3, 2, 2]);
  });
  it("AvgPool2d (pads count as zeros) and SumPool2d = 6 × AvgPool2d", () => {
    const avg = [-0.5, 1 / 3, 0, -1 / 6, 1 / 6, 2 / 3, 0, -2 / 3, -1 / 6, 1 / 6, 0, -1 / 6];
    apply(createAvgPool2d(p), x)[0]!.forEach((v, i) => {
      expect(v).toBeCloseTo(avg[i]!, 14);
    });
    apply(createSumPool2d(p), x)[0]!.forEach((v, i) => {
      expect(v).toBeCloseTo(6 * avg[i]!, 13);
    });
  });
});

describe("dense and structural kernels, by hand", () => {
  const m23 = { in: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] } };
  it("Affine acts on the last axis of a [2, 3] input", () => {
    const node = createAffine(ndarray([2, 3], [1, 0, -1, 0.5, 0.5, 0.5]), ndarray([2], [10, 0]));
    expect(apply(node, m23)[0]).toEqual([8, 3, 8, 7.5]);
  });
  it("BatchNorm over axis 0", () => {
    const node = createBatchNorm({
      mean: ndarray([2], [1, 4]),
      variance: ndarray([2], [4, 1]),
      gamma: ndarray([2], [2, 1]),
      beta: ndarray([2], [0, 1]),
      eps: 1e-12,
    });
    const want = [0, 1, 2, 1, 2, 3];
    apply(node, m23)[0]!.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i]!, 11);
    });
  });
  it("Flatten and Reshape keep the row-major data", () => {
    expect(apply(createFlatten(), m23)[0]).toEqual(m23.in.data);
    expect(apply(createReshape([3, -1]), m23)[0]).toEqual(m23.in.data);
  });
  it("Transpose, Concat, Reduce", () => {
    expect(apply(createTranspose([1, 0]), m23)[0]).toEqual([1, 4, 2, 5, 3, 6]);
    const cat = apply(createConcat(2, 1), { in0: { shape: [2, 1], data: [7, 8] }, in1: m23.in });
    expect(cat[0]).toEqual([7, 1, 2, 3, 8, 4, 5, 6]);
    expect(apply(createReduce("mean", [0]), m23)[0]).toEqual([2.5, 3.5, 4.5]);
    expect(apply(createReduce("sum", [0, 1]), m23)[0]).toEqual([21]);
    expect(apply(createReduce("sum", [-1]), m23)[0]).toEqual([6, 15]);
  });
  it("DynamicMatmul A·B and A·Bᵀ with scale", () => {
    const a = { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] };
    expect(apply(createDynamicMatmul(false, 0.5), { a, b: { shape: [3, 1], data: [1, 0, -1] } })[0]).toEqual([
      -1, -1,
    ]);
    expect(
      apply(createDynamicMatmul(true, 1), { a, b: { shape: [2, 3], data: [1, 0, -1, 0, 1, 0] } })[0],
    ).toEqual([-2, 2, -2, 5]);
  });
  it("Activation: relu, clamp, sigmoid, tanh, identity", () => {
    const x = { in: { shape: [4], data: [-2, -0.5, 0.5, 3] } };
    expect(apply(createActivation("relu"), x)[0]).toEqual([0, 0, 0.5, 3]);
    expect(apply(createActivation("clamp", { min: -1, max: 1 }), x)[0]).toEqual([-1, -0.5, 0.5, 1]);
    expect(apply(createActivation("sigmoid"), x)[0]![3]).toBeCloseTo(1 / (1 + Math.exp(-3)), 15);
    expect(apply(createActivation("tanh"), x)[0]![0]).toBeCloseTo(Math.tanh(-2), 15);
    expect(apply(createActivation("identity"), x)[0]).toEqual(x.in.data);
  });
});

describe("erf and GELU", () => {
  it("GELU (exact erf form) equals torch.nn.functional.gelu", () => {
    const xs = [-3, -1, -0.3, 0, 0.5, 1, 2.5, 7];
    const want = [
      -0.00404969409489031, -0.15865525393145702, -0.1146265733433142, 0, 0.34573123063700656,
      0.841344746068543, 2.4844758366855597, 6.999999999991041,
    ];
    const got = apply(createActivation("gelu"), { in: { shape: [8], data: xs } })[0]!;
    got.forEach((v, i) => {
      expect(Math.abs(v - want[i]!)).toBeLessThan(1e-15);
    });
  });
  it("erf equals torch.erf at the approximation boundaries and mathjs.erf everywhere (< 1e-15)", () => {
    const xs = [0.1, 0.46875, 0.5, 1, 3.9, 4.2, 5.9, 6.5];
    const want = [
      0.1124629160182849, 0.49261347321793797, 0.5204998778130465, 0.8427007929497149, 0.9999999652077514,
      0.9999999971445058, 0.9999999999999999, 1,
    ];
    xs.forEach((x, i) => {
      expect(Math.abs(erf(x) - want[i]!)).toBeLessThanOrEqual(2 ** -53); // ≤ 1 ulp near 1
      expect(erf(-x)).toBe(-erf(x));
    });
    for (let x = -7; x <= 7; x += 0.0137)
      expect(Math.abs(erf(x) - (math.erf(x) as number))).toBeLessThan(1e-15);
  });
});
