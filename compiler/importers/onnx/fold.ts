// Constant folding: ONNX operators evaluated at import time when all their inputs are constants — the
// Constant/Shape→Gather→Unsqueeze→Concat chains exporters emit for reshapes, Cast, and arithmetic on weights.

import type { NodeCtx } from "./context.js";
import {
  axesOf,
  checkSize,
  concat,
  gather,
  ints,
  need,
  reshapeTarget,
  slice,
  squeezeShape,
  unsqueezeShape,
} from "./fold-shapes.js";
import { attrFloat, attrInt, attrInts, attrTensor, hasAttr } from "./proto.js";
import {
  broadcastShape,
  type Const,
  DT,
  decodeTensor,
  expandTo,
  isFloatType,
  makeConst,
  permute,
  sizeOfShape,
} from "./tensors.js";

/** Folds one node: its inputs (undefined for a skipped optional input) → its outputs. */
export type Folder = (inputs: (Const | undefined)[], n: NodeCtx) => Const[];

function cast(v: number, dtype: number): number {
  if (dtype === DT.FLOAT) return Math.fround(v);
  if (dtype === DT.BOOL) return v !== 0 ? 1 : 0;
  return isFloatType(dtype) ? v : Math.trunc(v);
}

function binary(f: (a: number, b: number, int: boolean) => number, outType?: number): Folder {
  return (ins, n) => {
    const a = need(n, ins[0], "first");
    const b = need(n, ins[1], "second");
    const shape = broadcastShape(a.shape, b.shape);
    if (!shape) throw n.fail(`shapes [${a.shape}] and [${b.shape}] do not broadcast`, "check the model");
    checkSize(n, shape, 3); // both operands broadcast, then the result
    const x = expandTo(a, shape);
    const y = expandTo(b, shape);
    const dtype = outType ?? a.dtype;
    const int = !isFloatType(a.dtype);
    return [
      makeConst(
        dtype,
        shape,
        x.map((v, i) => cast(f(v, y[i]!, int), dtype)),
      ),
    ];
  };
}

function unary(f: (a: number) => number): Folder {
  return (ins, n) => {
    const a = need(n, ins[0], "first");
    checkSize(n, a.shape);
    return [
      makeConst(
        a.dtype,
        a.shape,
        a.data.map((v) => cast(f(v), a.dtype)),
      ),
    ];
  };
}

function constantNode(_ins: (Const | undefined)[], n: NodeCtx): Const[] {
  const t = attrTensor(n.node, "value");
  if (t) return [decodeTensor(t, n.ctx.file, n.label)];
  if (hasAttr(n.node, "value_float")) return [makeConst(DT.FLOAT, [], [attrFloat(n.node, "value_float", 0)])];
  if (hasAttr(n.node, "value_int")) return [makeConst(DT.INT64, [], [attrInt(n.node, "value_int", 0)])];
  const fs = n.node.attribute.find((a) => a.name === "value_floats");
  if (fs) return [makeConst(DT.FLOAT, [fs.floats.length], fs.floats)];
  const is = attrInts(n.node, "value_ints");
  if (is) return [makeConst(DT.INT64, [is.length], is)];
  throw n.fail("has no numeric value attribute", "only numeric constants can be imported");
}

const identity: Folder = (ins, n) => [need(n, ins[0], "input")];

// null prototype: an op_type such as "constructor" or "toString" must not find Object.prototype members
const FOLDERS_TABLE: Record<string, Folder> = {
  Constant: constantNode,
  Identity: identity,
  Dropout: identity,
  Cast: (ins, n) => {
    const a = need(n, ins[0], "input");
    const to = attrInt(n.node, "to", DT.FLOAT);
    return [
      makeConst(
        to,
        a.shape,
        a.data.map((v) => cast(v, to)),
      ),
    ];
  },
  Shape: (ins, n) => {
    const s = need(n, ins[0], "input").shape;
    return [makeConst(DT.INT64, [s.length], s)];
  },
  Size: (ins, n) => [makeConst(DT.INT64, [], [sizeOfShape(need(n, ins[0], "input").shape)])],
  Gather: gather,
  Concat: concat,
  Slice: slice,
  Unsqueeze: (ins, n) => {
    const a = need(n, ins[0], "data");
    return [{ ...a, shape: unsqueezeShape(n, a.shape, axesOf(n, ins, 1) ?? []) }];
  },
  Squeeze: (ins, n) => {
    const a = need(n, ins[0], "data");
    return [{ ...a, shape: squeezeShape(n, a.shape, axesOf(n, ins, 1)) }];
  },
  Reshape: (ins, n) => {
    const a = need(n, ins[0], "data");
    const target = ints(need(n, ins[1], "shape"));
    return [{ ...a, shape: reshapeTarget(n, a.shape, target, attrInt(n.node, "allowzero", 0) === 1) }];
  },
  Flatten: (ins, n) => {
    const a = need(n, ins[0], "input");
    const ax = attrInt(n.node, "axis", 1);
    const k = ax < 0 ? ax + a.shape.length : ax;
    return [{ ...a, shape: [sizeOfShape(a.shape.slice(0, k)), sizeOfShape(a.shape.slice(k))] }];
  },
  Transpose: (ins, n) => {
    const a = need(n, ins[0], "data");
    const perm = attrInts(n.node, "perm") ?? a.shape.map((_, i) => a.shape.length - 1 - i);
    checkSize(n, a.shape);
    return [permute(a, perm)];
  },
  Expand: (ins, n) => {
    const a = need(n, ins[0], "input");
    const shape = broadcastShape(a.shape, ints(need(n, ins[1], "shape")));
    if (!shape) throw n.fail("shapes do not broadcast", "check the model");
    return [makeConst(a.dtype, shape, expandTo(a, checkSize(n, shape)))];
  },
  ConstantOfShape: (ins, n) => {
    const shape = checkSize(n, ints(need(n, ins[0], "shape")));
    const t = attrTensor(n.node, "value");
    const v = t ? decodeTensor(t, n.ctx.file, n.label) : makeConst(DT.FLOAT, [1], [0]);
    return [makeConst(v.dtype, shape, new Float64Array(sizeOfShape(shape)).fill(v.data[0] ?? 0))];
  },
  Range: (ins, n) => {
    const [s, l, d] = [0, 1, 2].map((i) => need(n, ins[i], "range").data[0]!) as [number, number, number];
    const len = checkSize(n, [Math.max(0, Math.ceil((l - s) / d))])[0]!;
    const out = new Float64Array(len);
    for (let i = 0; i < len; i++) out[i] = s + i * d;
    return [makeConst(need(n, ins[0], "start").dtype, [len], out)];
  },
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b, int) => (int ? Math.trunc(a / b) : a / b)),
  Pow: binary((a, b) => a ** b),
  Max: binary((a, b) => Math.max(a, b)),
  Min: binary((a, b) => Math.min(a, b)),
  Equal: binary((a, b) => (a === b ? 1 : 0), DT.BOOL),
  Where: (ins, n) => {
    const [c, x, y] = [0, 1, 2].map((i) => need(n, ins[i], "where"));
    const shape = broadcastShape(c!.shape, broadcastShape(x!.shape, y!.shape) ?? [Number.NaN]);
    if (!shape || shape.some(Number.isNaN)) throw n.fail("shapes do not broadcast", "check the model");
    checkSize(n, shape, 4); // three operands broadcast, then the result
    const [cc, xx, yy] = [c!, x!, y!].map((t) => expandTo(t, shape));
    return [
      makeConst(
        x!.dtype,
        shape,
        cc!.map((v, i) => (v ? xx![i]! : yy![i]!)),
      ),
    ];
  },
  Neg: unary((a) => -a),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((a) => 1 / a),
  Abs: unary(Math.abs),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Exp: unary(Math.exp),
  Relu: unary((a) => Math.max(0, a)),
};
export const FOLDERS: Record<string, Folder> = Object.assign(Object.create(null), FOLDERS_TABLE);
