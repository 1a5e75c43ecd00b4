// Graph pass `foldBatchNorm`: a BatchNorm whose only input is a Conv1d/Conv2d/Affine/Linear that feeds nothing
// else is folded into that node's weights and bias. Other BatchNorms stay; lowerToNmir composes them as affine maps.

import {
  type BatchNormNode,
  createAffine,
  type GraphNode,
  inferShapes,
  type NdArray,
  type NetGraph,
  ndarray,
} from "../graph/index.js";
import { cloneGraph, edgeKey, recurrentKeys } from "./graph-edit.js";
import { diagnose, type PassContext } from "./pass.js";

const PASS = "foldBatchNorm";

/** y = a·x + c per channel: a = γ/√(σ² + ε), c = β − a·μ (the float reference's own precomputation). */
export function batchNormAffine(bn: BatchNormNode): { a: Float64Array; c: Float64Array } {
  const n = bn.mean.data.length;
  const a = new Float64Array(n);
  const c = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    a[k] = bn.gamma.data[k]! / Math.sqrt(bn.variance.data[k]! + bn.eps);
    c[k] = bn.beta.data[k]! - a[k]! * bn.mean.data[k]!;
  }
  return { a, c };
}

/** W'[o, …] = a[o]·W[o, …] (out channel first in every weight layout) and b'[o] = a[o]·b[o] + c[o]. */
function scaled(weight: NdArray, bias: NdArray | undefined, a: Float64Array, c: Float64Array) {
  const outCh = weight.shape[0]!;
  const per = weight.data.length / outCh;
  const w = new Float64Array(weight.data.length);
  for (let i = 0; i < w.length; i++) w[i] = weight.data[i]! * a[Math.floor(i / per)]!;
  const b = new Float64Array(outCh);
  for (let o = 0; o < outCh; o++) b[o] = (bias ? bias.data[o]! : 0) * a[o]! + c[o]!;
  return { weight: ndarray(weight.shape, w), bias: ndarray([outCh], b) };
}

/** The folded node, or undefined when `bn` does not normalise `prev`'s output channels. */
function fold(prev: GraphNode, bn: BatchNormNode, rank: number): GraphNode | undefined {
  const axis = bn.axis < 0 ? bn.axis + rank : bn.axis;
  const { a, c } = batchNormAffine(bn);
  switch (prev.kind) {
    case "Conv1d":
    case "Conv2d":
      return axis === 0 ? { ...prev, ...scaled(prev.weight, prev.bias, a, c) } : undefined;
    case "Affine":
    case "Linear": {
      if (axis !== rank - 1) return undefined;
      const f = scaled(prev.weight, prev.kind === "Affine" ? prev.bias : undefined, a, c);
      return createAffine(f.weight, f.bias);
    }
    default:
      return undefined;
  }
}

export function foldBatchNorm(g: NetGraph, ctx: PassContext): NetGraph {
  if (![...g.nodes.values()].some((n) => n.kind === "BatchNorm")) return g;
  const shapes = inferShapes(g);
  const recurrent = recurrentKeys(g);
  const out = cloneGraph(g);
  let folded = 0;
  const kept: string[] = [];
  for (const [id, bn] of g.nodes) {
    if (bn.kind !== "BatchNorm") continue;
    const ins = out.edges.filter((e) => e.dst === id);
    const only = ins.length === 1 ? ins[0]! : undefined;
    const prevId = only?.src;
    const prev = prevId === undefined ? undefined : out.nodes.get(prevId);
    const readers = prevId === undefined ? [] : out.edges.filter((e) => e.src === prevId);
    const rank = shapes.get(id)!.outputs.out!.length;
    const merged =
      only && prev && readers.length === 1 && !recurrent.has(edgeKey(only))
        ? fold(prev, bn, rank)
        : undefined;
    if (!merged || prevId === undefined) {
      kept.push(id);
      continue;
    }
    // prev takes bn's place: bn's readers now read prev (edges kept in place, so the schedule is unchanged)
    out.nodes.set(prevId, merged);
    out.nodes.delete(id);
    out.edges = out.edges.filter((e) => e !== only);
    for (const e of out.edges) {
      if (e.src !== id) continue;
      const was = recurrent.has(edgeKey(e));
      e.src = prevId;
      if (was) recurrent.add(edgeKey(e));
    }
    folded++;
  }
  diagnose(
    ctx,
    PASS,
    "note",
    `folded ${folded} BatchNorm node${folded === 1 ? "" : "s"} into the preceding weights` +
      (kept.length
        ? `; kept ${kept.map((k) => `"${k}"`).join(", ")} (composed as per-channel affine maps when lowering)`
        : ""),
  );
  return out;
}
