// Converters for elementwise ONNX operators: Add/Sub/Mul/Div/Sum/Neg with constants or activations, the
// activations (Relu, Clip, Sigmoid, Tanh, Gelu) and pass-throughs (Identity, Dropout, Cast to float).

import {
  createActivation,
  createBatchNorm,
  createFlatten,
  createProduct,
  createReshape,
  createScale,
  filled,
  sameShape,
} from "../../graph/index.js";
import { type Act, type NodeCtx, toNd, type Value } from "./context.js";
import type { Converter } from "./ops-linear.js";
import { attrFloat, attrInt, attrString, hasAttr } from "./proto.js";
import { broadcastShape, type Const, expandTo, isFloatType, sizeOfShape } from "./tensors.js";

/** The sum of two activations: their sources together (several edges into one port sum in NetGraph). */
function sumActs(n: NodeCtx, a: Act, b: Act): Act {
  if (!sameShape(a.shape, b.shape)) {
    throw n.fail(
      `adds activations of shapes [batch, ${a.shape}] and [batch, ${b.shape}]`,
      "broadcasting between two activations is not supported; expand them to one shape",
    );
  }
  if (a.srcs.length === b.srcs.length && a.srcs.every((s, i) => s === b.srcs[i])) {
    return n.emit("", createScale(filled([], 2)), { in: a }); // x + x: one edge twice would be a duplicate
  }
  // an overlap would also mean duplicate edges: route one side through an identity node
  const other = b.srcs.some((s) => a.srcs.includes(s))
    ? n.emit("sum", createActivation("identity"), { in: b })
    : b;
  return { kind: "act", srcs: [...a.srcs, ...other.srcs], shape: a.shape };
}

/** Checks that `c` broadcasts into [batch=1, …x] without changing it; returns c's shape aligned to x (no batch). */
function alignedConst(n: NodeCtx, x: Act, c: Const): number[] {
  const full = [1, ...x.shape];
  const bs = broadcastShape(full, c.shape);
  if (!bs || !sameShape(bs, full)) {
    throw n.fail(
      `a constant of shape [${c.shape}] would change the activation shape [batch, ${x.shape}]`,
      "give the constant a shape that broadcasts to the activation",
    );
  }
  const cs = [...new Array<number>(full.length - c.shape.length).fill(1), ...c.shape];
  return cs.slice(1);
}

const BIAS_KINDS = new Set(["Linear", "Affine", "Conv1d", "Conv2d"]);

/** x + c folded into the bias of the Linear/Affine/Conv that produced x, when nothing else reads x. */
function foldIntoProducer(n: NodeCtx, valueName: string, x: Act, c: Const, varying: number[]): boolean {
  const src = x.srcs[0];
  if (
    x.srcs.length !== 1 ||
    src === undefined ||
    n.ctx.uses.get(valueName) !== 1 ||
    n.ctx.origin.get(src) !== valueName
  ) {
    return false;
  }
  const node = n.ctx.g.nodes.get(src);
  if (!node || !BIAS_KINDS.has(node.kind)) return false;
  const axis = node.kind === "Linear" || node.kind === "Affine" ? x.shape.length - 1 : 0;
  if (varying.some((a) => a !== axis)) return false;
  const count = x.shape[axis]!;
  const add = c.data.length === 1 ? new Float64Array(count).fill(c.data[0]!) : c.data;
  const plus = (old: Float32Array | Float64Array | undefined) =>
    toNd(
      [count],
      add.map((v, i) => v + (old?.[i] ?? 0)),
      c.dtype,
    );
  if (node.kind === "Linear")
    n.ctx.g.nodes.set(src, { kind: "Affine", weight: node.weight, bias: plus(undefined) });
  else if (node.kind === "Affine") node.bias = plus(node.bias.data);
  else if (node.kind === "Conv1d" || node.kind === "Conv2d") node.bias = plus(node.bias?.data);
  return true;
}

/**
 * y = gamma·x + c for a constant c (gamma ±1). NetGraph has no bias-only node, so this is a BatchNorm over the
 * axis c varies along with mean 0, variance 0.75, eps 0.25 (√1 = 1 exactly) and beta = c; the compiler folds
 * it into the neighbouring projection like any BatchNorm. c varying along several adjacent axes is handled by
 * flattening them first; a bias right after a Linear/Affine/Conv goes into that node's bias instead.
 */
function addConst(n: NodeCtx, valueName: string, x: Act, c: Const, gamma: 1 | -1): Act {
  const cs = alignedConst(n, x, c);
  const varying = cs.flatMap((d, i) => (d > 1 ? [i] : []));
  if (gamma === 1 && foldIntoProducer(n, valueName, x, c, varying)) return x;
  if (x.shape.length === 0)
    throw n.fail("adds a constant to a scalar activation", "reshape the activation to [1] first");
  const first = varying[0] ?? 0;
  const last = varying[varying.length - 1] ?? 0;
  if (varying.length > 0 && last - first + 1 !== varying.length) {
    throw n.fail(
      `the constant [${c.shape}] varies along non-adjacent axes`,
      "reorder the axes so the bias varies along adjacent ones",
    );
  }
  const count = sizeOfShape(x.shape.slice(first, last + 1));
  const beta = c.data.length === 1 ? new Float64Array(count).fill(c.data[0]!) : c.data;
  const bn = createBatchNorm({
    mean: filled([count], 0),
    variance: filled([count], 0.75),
    gamma: filled([count], gamma),
    beta: toNd([count], beta, c.dtype),
    eps: 0.25,
    axis: first,
  });
  if (last <= first) return n.emit("bias", bn, { in: x });
  const flat = n.emit("bias_in", createFlatten(first, last), { in: x });
  const y = n.emit("bias", bn, { in: flat });
  return n.emit("bias_out", createReshape(x.shape), { in: y });
}

/** x ⊙ c: a Scale by a scalar, or by c expanded to the activation's shape (Scale needs equal or scalar shapes). */
function scaleConst(n: NodeCtx, x: Act, c: Const, invert: boolean): Act {
  alignedConst(n, x, c);
  const f = (v: number) => (invert ? 1 / v : v);
  const s =
    c.data.length === 1
      ? toNd([], c.data.map(f), c.dtype)
      : toNd(x.shape, expandTo(c, [1, ...x.shape]).map(f), c.dtype);
  return n.emit("", createScale(s), { in: x });
}

function addSub(sign: 1 | -1): Converter {
  return (n) => {
    const a = n.input(0);
    const b = n.input(1);
    if (a.kind === "act" && b.kind === "act") {
      return [sumActs(n, a, sign > 0 ? b : n.emit("neg", createScale(filled([], -1)), { in: b }))];
    }
    if (a.kind === "act" && b.kind === "const") {
      const c = sign > 0 ? b.c : { ...b.c, data: b.c.data.map((v) => -v) };
      return [addConst(n, n.node.input[0]!, a, c, 1)];
    }
    if (a.kind === "const" && b.kind === "act") return [addConst(n, n.node.input[1]!, b, a.c, sign)];
    throw n.fail("both inputs are constants but were not folded", "report this model");
  };
}

function mul(n: NodeCtx): Value[] {
  const a = n.input(0);
  const b = n.input(1);
  if (a.kind === "act" && b.kind === "act") {
    if (!sameShape(a.shape, b.shape)) {
      throw n.fail(
        `multiplies activations of shapes [batch, ${a.shape}] and [batch, ${b.shape}]`,
        "NetGraph Product needs equal shapes; expand them first",
      );
    }
    return [n.emit("", createProduct(), { a, b })];
  }
  if (a.kind === "act" && b.kind === "const") return [scaleConst(n, a, b.c, false)];
  if (a.kind === "const" && b.kind === "act") return [scaleConst(n, b, a.c, false)];
  throw n.fail("both inputs are constants but were not folded", "report this model");
}

function div(n: NodeCtx): Value[] {
  const a = n.input(0);
  const b = n.input(1);
  if (a.kind === "act" && b.kind === "const") return [scaleConst(n, a, b.c, true)];
  throw n.fail("divides by an activation", "only division by a constant maps to NetGraph (as a Scale)");
}

function sum(n: NodeCtx): Value[] {
  let acc = n.act(0);
  for (let i = 1; i < n.node.input.length; i++) acc = sumActs(n, acc, n.act(i));
  return [acc];
}

const FLT_MAX = 3.4028234663852886e38; // ONNX Clip's default bounds (numeric_limits<float>)

function clip(n: NodeCtx): Value[] {
  const x = n.act(0);
  const bound = (i: number, attr: string, fallback: number) => {
    const c = n.optConst(i, attr);
    if (c) return c.data[0]!;
    return hasAttr(n.node, attr) ? attrFloat(n.node, attr, fallback) : fallback;
  };
  const min = bound(1, "min", -FLT_MAX);
  const max = bound(2, "max", FLT_MAX);
  if (min === 0 && max === FLT_MAX) return [n.emit("", createActivation("relu"), { in: x })];
  return [n.emit("", createActivation("clamp", { min, max }), { in: x })];
}

function gelu(n: NodeCtx): Value[] {
  const approx = attrString(n.node, "approximate", "none");
  if (approx !== "none") {
    throw n.fail(
      `approximate="${approx}" differs from the exact GELU NetGraph implements`,
      "export nn.GELU() (approximate='none')",
    );
  }
  return [n.emit("", createActivation("gelu"), { in: n.act(0) })];
}

const passThrough: Converter = (n) => [n.act(0)];

function dropout(n: NodeCtx): Value[] {
  const training = n.optConst(2, "training_mode");
  if (training?.data[0] || attrInt(n.node, "is_test", 1) === 0) {
    throw n.fail("dropout is in training mode", "export the model in eval mode (model.eval())");
  }
  return [n.act(0)];
}

function castAct(n: NodeCtx): Value[] {
  const to = attrInt(n.node, "to", 0);
  if (!isFloatType(to))
    throw n.fail(
      `casts an activation to data type ${to}`,
      "NetGraph activations are real-valued; remove the cast",
    );
  return [n.act(0)];
}

const act =
  (fn: "relu" | "sigmoid" | "tanh"): Converter =>
  (n) => [n.emit("", createActivation(fn), { in: n.act(0) })];

export const ELEMENTWISE_OPS: Record<string, Converter> = {
  Add: addSub(1),
  Sub: addSub(-1),
  Mul: mul,
  Div: div,
  Sum: sum,
  Neg: (n) => [n.emit("", createScale(filled([], -1)), { in: n.act(0) })],
  Relu: act("relu"),
  Sigmoid: act("sigmoid"),
  Tanh: act("tanh"),
  Clip: clip,
  Gelu: gelu,
  Identity: passThrough,
  Dropout: dropout,
  Cast: castAct,
};
