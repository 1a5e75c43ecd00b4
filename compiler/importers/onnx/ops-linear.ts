// Converters for ONNX's weighted operators: Gemm, MatMul, Conv, BatchNormalization → Affine/Linear,
// DynamicMatmul, Conv1d/Conv2d, BatchNorm. NetGraph weights are PyTorch's layout: [out, in], [C_out, C_in/g, k…].

import {
  createAffine,
  createBatchNorm,
  createConv1d,
  createConv2d,
  createDynamicMatmul,
  createLinear,
  createReshape,
  createTranspose,
} from "../../graph/index.js";
import { type Act, type NodeCtx, toNd, type Value } from "./context.js";
import { attrFloat, attrInt, attrInts, attrString } from "./proto.js";
import { broadcastShape, type Const, expandTo, sizeOfShape, transpose2d } from "./tensors.js";

export type Converter = (n: NodeCtx) => Value[];

/** An ints attribute with `count` values ≥ `min` (default `fallback` when absent). */
export function intsAttr(n: NodeCtx, name: string, count: number, min: number, fallback: number): number[] {
  const v = attrInts(n.node, name) ?? new Array<number>(count).fill(fallback);
  if (v.length !== count || !v.every((x) => Number.isSafeInteger(x) && x >= min)) {
    throw n.fail(`${name} [${v}] must be ${count} integers ≥ ${min}`, "check the model with onnx.checker");
  }
  return v;
}

/** Per spatial axis [begin…, end…] (ONNX order) from `pads` or `auto_pad`, for inputs of size `size`. */
export function spatialPads(
  n: NodeCtx,
  size: number[],
  kernel: number[],
  strides: number[],
  dilations: number[],
): number[] {
  const r = size.length;
  const auto = attrString(n.node, "auto_pad", "NOTSET");
  if (auto === "NOTSET") return intsAttr(n, "pads", 2 * r, 0, 0);
  if (auto === "VALID") return new Array<number>(2 * r).fill(0);
  if (auto !== "SAME_UPPER" && auto !== "SAME_LOWER")
    throw n.fail(`auto_pad "${auto}" is not an ONNX value`, "check the model");
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < r; i++) {
    const s = strides[i]!;
    const total = Math.max(
      0,
      (Math.ceil(size[i]! / s) - 1) * s + (kernel[i]! - 1) * dilations[i]! + 1 - size[i]!,
    );
    const small = Math.floor(total / 2);
    // SAME_UPPER puts the odd extra pixel at the end, SAME_LOWER at the beginning
    begin.push(auto === "SAME_UPPER" ? small : total - small);
    end.push(auto === "SAME_UPPER" ? total - small : small);
  }
  return [...begin, ...end];
}

/** A per-output-channel vector from a bias constant that broadcasts along one axis only. */
function channelVector(n: NodeCtx, c: Const, count: number, what: string): Float64Array {
  const shape = broadcastShape(c.shape, [count]);
  if (shape?.length !== 1 || sizeOfShape(c.shape) > count) {
    throw n.fail(
      `${what} of shape [${c.shape}] is not one value per output (${count})`,
      "give one bias value per output",
    );
  }
  return expandTo(c, [count]);
}

function gemm(n: NodeCtx): Value[] {
  const a = n.act(0);
  if (attrInt(n.node, "transA", 0)) {
    throw n.fail(
      "transA=1 transposes the batch into the features",
      "re-export without transposing the input (PyTorch writes transA=0)",
    );
  }
  if (a.shape.length !== 1)
    throw n.fail(`A must be [batch, K]; got [batch, ${a.shape}]`, "flatten before the layer");
  const b = n.constIn(1, "B");
  if (b.shape.length !== 2) throw n.fail(`B must be 2-d, got [${b.shape}]`, "check the model");
  const transB = attrInt(n.node, "transB", 0) === 1;
  // NetGraph wants [out, in]: PyTorch's Linear exports that as B with transB=1; transB=0 means B is [in, out]
  const [out, inn] = transB ? (b.shape as [number, number]) : [b.shape[1]!, b.shape[0]!];
  if (inn !== a.shape[0])
    throw n.fail(`B [${b.shape}] does not take ${a.shape[0]} inputs`, "check the model");
  const alpha = attrFloat(n.node, "alpha", 1);
  const w = (transB ? b.data : transpose2d(b.data, b.shape[0]!, b.shape[1]!)).map((v) => v * alpha);
  const weight = toNd([out, inn], w, b.dtype);
  const c = n.optConst(2, "C");
  if (!c) return [n.emit("", createLinear(weight), { in: a })];
  const beta = attrFloat(n.node, "beta", 1);
  if (c.shape.length === 2 && c.shape[0] !== 1) {
    throw n.fail(`C of shape [${c.shape}] varies over the batch`, "use a bias of shape [N] or [1, N]");
  }
  const bias = channelVector(n, { ...c, shape: c.shape.slice(-1) }, out, "C").map((v) => v * beta);
  return [n.emit("", createAffine(weight, toNd([out], bias, c.dtype)), { in: a })];
}

function matmul(n: NodeCtx): Value[] {
  const x = n.input(0);
  const y = n.input(1);
  if (x.kind === "act" && y.kind === "act") {
    if (x.shape.length !== 2 || y.shape.length !== 2) {
      throw n.fail(
        `a matmul of two activations needs [batch, m, k]·[batch, k, n]; got [batch, ${x.shape}]·[batch, ${y.shape}]`,
        "reshape multi-head attention to one head per MatMul (NetGraph DynamicMatmul is 2-d)",
      );
    }
    return [n.emit("", createDynamicMatmul(false, 1), { a: x, b: y })];
  }
  if (x.kind === "act" && y.kind === "const") return [matmulConstRight(n, x, y.c)];
  if (x.kind === "const" && y.kind === "act") return [matmulConstLeft(n, x.c, y)];
  throw n.fail("both inputs are constants but were not folded", "report this model");
}

/** Leading 1s of a constant's shape dropped: they broadcast over nothing once batch is excluded. */
function squeezeLeading(c: Const): Const {
  let k = 0;
  while (k < c.shape.length - 2 && c.shape[k] === 1) k++;
  return { ...c, shape: c.shape.slice(k) };
}

/** x[…, K] · W[K, N] → Linear with weight Wᵀ [N, K] on the last axis (a 1-d W [K] also drops that axis). */
function matmulConstRight(n: NodeCtx, x: Act, w0: Const): Act {
  const w = squeezeLeading(w0);
  const k = x.shape[x.shape.length - 1];
  if (k === undefined)
    throw n.fail("multiplies a [batch] vector by a matrix", "give the input a feature axis");
  if (w.shape.length === 1) {
    if (w.shape[0] !== k) throw n.fail(`[${w.shape}] does not take ${k} inputs`, "check the model");
    const y = n.emit("", createLinear(toNd([1, k], w.data, w.dtype)), { in: x });
    return n.emit("squeeze", createReshape(x.shape.slice(0, -1)), { in: y });
  }
  if (w.shape.length !== 2)
    throw n.fail(`the constant operand [${w0.shape}] is a batch of matrices`, "use a single [K, N] weight");
  if (w.shape[0] !== k)
    throw n.fail(`weight [${w.shape}] does not take inputs of size ${k}`, "check the model");
  const out = w.shape[1]!;
  return n.emit("", createLinear(toNd([out, k], transpose2d(w.data, k, out), w.dtype)), { in: x });
}

/** W[M, K] · x[…, K, N]: a Linear on the second-to-last axis, i.e. Transpose → Linear(W) → Transpose. */
function matmulConstLeft(n: NodeCtx, w0: Const, x: Act): Act {
  const w = squeezeLeading(w0);
  const r = x.shape.length;
  if (w.shape.length !== 2 || r < 2 || w.shape[1] !== x.shape[r - 2]) {
    throw n.fail(
      `constant [${w0.shape}] · activation [batch, ${x.shape}] would mix the batch or does not match`,
      "put the activation first (x · W) or transpose the weight",
    );
  }
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
  const t = n.emit("in_t", createTranspose(perm), { in: x });
  const y = n.emit("", createLinear(toNd(w.shape, w.data, w.dtype)), { in: t });
  return n.emit("out_t", createTranspose(perm), { in: y });
}

function conv(n: NodeCtx): Value[] {
  const x = n.act(0);
  const w = n.constIn(1, "weight");
  const b = n.optConst(2, "bias");
  const r = x.shape.length - 1;
  if ((r !== 1 && r !== 2) || w.shape.length !== r + 2) {
    throw n.fail(
      `only 1-d and 2-d convolutions are supported (input [batch, ${x.shape}], weight [${w.shape}])`,
      "NetGraph has Conv1d and Conv2d; reshape 3-d convolutions into 2-d ones",
    );
  }
  const kernel = w.shape.slice(2);
  const declared = attrInts(n.node, "kernel_shape");
  if (declared && declared.join() !== kernel.join())
    throw n.fail(`kernel_shape [${declared}] ≠ weight [${w.shape}]`, "check the model");
  const strides = intsAttr(n, "strides", r, 1, 1);
  const dilations = intsAttr(n, "dilations", r, 1, 1);
  const pads = spatialPads(n, x.shape.slice(1), kernel, strides, dilations);
  const groups = attrInt(n.node, "group", 1);
  if (!(Number.isSafeInteger(groups) && groups >= 1))
    throw n.fail(`group ${groups} must be an integer ≥ 1`, "check the model");
  const weight = toNd(w.shape, w.data, w.dtype);
  const bias = b ? toNd([w.shape[0]!], channelVector(n, b, w.shape[0]!, "bias"), b.dtype) : undefined;
  const common = bias ? { weight, bias, groups } : { weight, groups };
  const node =
    r === 1
      ? createConv1d({ ...common, stride: strides[0]!, dilation: dilations[0]!, pads: [pads[0]!, pads[1]!] })
      : createConv2d({
          ...common,
          stride: [strides[0]!, strides[1]!],
          dilation: [dilations[0]!, dilations[1]!],
          pads: [pads[0]!, pads[1]!, pads[2]!, pads[3]!],
        });
  return [n.emit("", node, { in: x })];
}

function batchNorm(n: NodeCtx): Value[] {
  const x = n.act(0);
  if (attrInt(n.node, "training_mode", 0) === 1) {
    throw n.fail(
      "training_mode=1 normalises with batch statistics",
      "export the model in eval mode (model.eval())",
    );
  }
  if (x.shape.length < 1) throw n.fail("the input has no channel axis", "check the model");
  const c = x.shape[0]!;
  const [gamma, beta, mean, variance] = ["scale", "B", "mean", "var"].map((what, i) => {
    const t = n.constIn(i + 1, what);
    return toNd([c], channelVector(n, t, c, what), t.dtype);
  }) as [ReturnType<typeof toNd>, ReturnType<typeof toNd>, ReturnType<typeof toNd>, ReturnType<typeof toNd>];
  const eps = attrFloat(n.node, "epsilon", 1e-5);
  return [n.emit("", createBatchNorm({ gamma, beta, mean, variance, eps, axis: 0 }), { in: x })];
}

export const LINEAR_OPS: Record<string, Converter> = {
  Gemm: gemm,
  MatMul: matmul,
  Conv: conv,
  BatchNormalization: batchNorm,
};
