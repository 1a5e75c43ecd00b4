// Converters for ONNX shape operators on activations: Flatten, Reshape, Squeeze/Unsqueeze, Transpose, Concat,
// Pad, and Shape/Size (which become constants: batch counts as 1). The batch axis must stay axis 0 throughout.

import {
  createConcat,
  createConv1d,
  createConv2d,
  createFlatten,
  createReshape,
  createTranspose,
  filled,
  sameShape,
} from "../../graph/index.js";
import { type Act, type NodeCtx, netAxis, type Value } from "./context.js";
import { axesOf, reshapeTarget, squeezeShape, unsqueezeShape } from "./fold-shapes.js";
import type { Converter } from "./ops-linear.js";
import { attrFloat, attrInt, attrInts, attrString } from "./proto.js";
import { DT, makeConst, sizeOfShape } from "./tensors.js";

/** The NetGraph node for reshaping x to `shape`: none when equal, Flatten when it merges adjacent dims. */
function reshapeTo(n: NodeCtx, x: Act, shape: number[]): Act {
  if (sameShape(x.shape, shape)) return x;
  const k = x.shape.length - shape.length;
  if (k > 0 && shape.length > 0) {
    // find s with x[0..s) == shape[0..s), shape[s] == Π x[s..s+k], and equal tails
    for (let s = 0; s < shape.length; s++) {
      const head = x.shape.slice(0, s).every((d, i) => d === shape[i]);
      const tail = x.shape.slice(s + k + 1).every((d, i) => d === shape[s + 1 + i]);
      if (head && tail && sizeOfShape(x.shape.slice(s, s + k + 1)) === shape[s]) {
        const end = s + k === x.shape.length - 1 ? -1 : s + k;
        return n.emit("", createFlatten(s, end, [...x.shape]), { in: x });
      }
    }
  }
  return n.emit("", createReshape(shape), { in: x });
}

function reshape(n: NodeCtx): Value[] {
  const x = n.act(0);
  const target = Array.from(n.constIn(1, "shape").data, Math.trunc);
  const out = reshapeTarget(n, [1, ...x.shape], target, attrInt(n.node, "allowzero", 0) === 1);
  if (out[0] !== 1) {
    throw n.fail(
      `reshaping [batch, ${x.shape}] to [${target}] moves data into or out of the batch dimension`,
      "keep the batch first: reshape to (x.size(0), …) or (-1, …) with the per-sample dims after it",
    );
  }
  return [reshapeTo(n, x, out.slice(1))];
}

function flatten(n: NodeCtx): Value[] {
  const x = n.act(0);
  const full = x.shape.length + 1;
  const ax = attrInt(n.node, "axis", 1);
  const a = ax < 0 ? ax + full : ax;
  if (a < 1 || a > full) {
    throw n.fail(
      `axis ${ax} merges the batch dimension into the features`,
      "flatten from axis 1 (torch.flatten(x, 1) / nn.Flatten())",
    );
  }
  if (sizeOfShape(x.shape.slice(0, a - 1)) !== 1) {
    throw n.fail(
      `axis ${ax} merges [${x.shape.slice(0, a - 1)}] into the batch dimension`,
      "flatten from axis 1",
    );
  }
  return [reshapeTo(n, x, [sizeOfShape(x.shape.slice(a - 1))])];
}

function transpose(n: NodeCtx): Value[] {
  const x = n.act(0);
  const r = x.shape.length + 1;
  const perm = attrInts(n.node, "perm") ?? [...Array(r).keys()].reverse();
  if (perm[0] !== 0) {
    throw n.fail(
      `perm [${perm}] moves the batch dimension`,
      "keep the batch first (e.g. batch_first=True); NetGraph shapes exclude the batch",
    );
  }
  const p = perm.slice(1).map((v) => v - 1);
  if (p.every((v, i) => v === i)) return [x];
  return [n.emit("", createTranspose(p), { in: x })];
}

function squeeze(n: NodeCtx): Value[] {
  const x = n.act(0);
  const axes = axesOf(n, n.has(1) ? [undefined, n.constIn(1, "axes")] : [], 1);
  const net = axes?.map((a) => netAxis(n, a, x.shape.length));
  return [reshapeTo(n, x, squeezeShape(n, x.shape, net))];
}

function unsqueeze(n: NodeCtx): Value[] {
  const x = n.act(0);
  const axes = axesOf(n, n.has(1) ? [undefined, n.constIn(1, "axes")] : [], 1) ?? [];
  const outRank = x.shape.length + axes.length;
  const net = axes.map((a) => netAxis(n, a, outRank));
  return [reshapeTo(n, x, unsqueezeShape(n, x.shape, net))];
}

function concat(n: NodeCtx): Value[] {
  const xs = n.node.input.map((_, i) => n.act(i));
  const first = xs[0];
  if (!first) throw n.fail("has no inputs", "check the model");
  const axis = netAxis(n, attrInt(n.node, "axis", 0), first.shape.length);
  const ports: Record<string, Act> = {};
  xs.forEach((x, i) => {
    ports[`in${i}`] = x;
  });
  return [n.emit("", createConcat(xs.length, axis), ports)];
}

function shape(n: NodeCtx): Value[] {
  const full = [1, ...n.act(0).shape];
  const r = full.length;
  const clampAxis = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const s = full.slice(clampAxis(attrInt(n.node, "start", 0)), clampAxis(attrInt(n.node, "end", r)));
  return [{ kind: "const", c: makeConst(DT.INT64, [s.length], s) }];
}

/**
 * Zero padding of the spatial axes of a [C, L] or [C, H, W] activation: NetGraph has no Pad node, so it is a
 * depthwise 1×1 convolution with weight 1 and the pads (exact, and foldable into the next convolution).
 */
function pad(n: NodeCtx): Value[] {
  const x = n.act(0);
  const mode = attrString(n.node, "mode", "constant");
  const pads = n.opset >= 11 ? Array.from(n.constIn(1, "pads").data) : (attrInts(n.node, "pads") ?? []);
  const value =
    n.opset >= 11 ? (n.optConst(2, "constant_value")?.data[0] ?? 0) : attrFloat(n.node, "value", 0);
  const r = x.shape.length + 1;
  if (n.has(3)) throw n.fail("pads only some axes (axes input)", "pad all axes explicitly");
  if (pads.length !== 2 * r || pads.some((p) => p < 0))
    throw n.fail(
      `pads [${pads}] are not 2×${r} non-negative values`,
      "only zero padding of the spatial axes maps to NetGraph",
    );
  if (pads.every((p) => p === 0)) return [x];
  if (mode !== "constant" || value !== 0)
    throw n.fail(
      `${mode} padding with value ${value}`,
      "only zero padding maps to NetGraph (as padding of a convolution)",
    );
  if (pads[0] || pads[1] || pads[r] || pads[r + 1])
    throw n.fail("pads the batch or channel axis", "pad only the spatial axes");
  const c = x.shape[0]!;
  const sp = r - 2;
  const begin = pads.slice(2, r);
  const end = pads.slice(r + 2);
  if (sp === 1) {
    const w = filled([c, 1, 1], 1);
    return [n.emit("", createConv1d({ weight: w, groups: c, pads: [begin[0]!, end[0]!] }), { in: x })];
  }
  if (sp === 2) {
    const w = filled([c, 1, 1, 1], 1);
    const p: [number, number, number, number] = [begin[0]!, begin[1]!, end[0]!, end[1]!];
    return [n.emit("", createConv2d({ weight: w, groups: c, pads: p }), { in: x })];
  }
  throw n.fail(`pads a [batch, ${x.shape}] tensor`, "only [C, L] and [C, H, W] activations can be padded");
}

export const SHAPE_OPS: Record<string, Converter> = {
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Shape: shape,
  Size: (n) => [{ kind: "const", c: makeConst(DT.INT64, [], [sizeOfShape(n.act(0).shape)]) }],
  Pad: pad,
};
