// Output shape of each node kind from its input-port shapes (batch and time excluded), PyTorch/NIR formulas.
// Throws ShapeError with a plain message; infer.ts attaches the node id.

import { assertNever } from "../../common/errors.js";
import { broadcastsTo, formatShape as fmt, type NdArray, sameShape, sizeOf } from "./ndarray.js";
import type { GraphNode } from "./nodes.js";
import { neuronParams } from "./nodes-neuron.js";

export class ShapeError extends Error {}

type Shapes = Record<string, number[]>;

function need(cond: boolean, msg: string): void {
  if (!cond) throw new ShapeError(msg);
}

function port(shapes: Shapes, name: string): number[] {
  const s = shapes[name];
  if (!s) throw new ShapeError(`port "${name}" has no known input shape`);
  return s;
}

/** ⌊(n + padTotal − dilation·(k−1) − 1)/stride⌋ + 1, the PyTorch/NIR output length. */
export function convOutLength(n: number, k: number, stride: number, padTotal: number, dilation = 1): number {
  return Math.floor((n + padTotal - dilation * (k - 1) - 1) / stride) + 1;
}

function normAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  need(Number.isInteger(a) && a >= 0 && a < rank, `${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

function checkParam(name: string, p: NdArray, target: number[]): void {
  need(
    broadcastsTo(p.shape, target),
    `parameter ${name} ${fmt(p.shape)} does not match the input shape ${fmt(target)}`,
  );
}

function spatial2d(
  x: number[],
  k: [number, number],
  s: [number, number],
  pads: number[],
  d: [number, number],
): [number, number] {
  need(x.length === 3, `expects a [C, H, W] input, got ${fmt(x)}`);
  const h = convOutLength(x[1]!, k[0], s[0], pads[0]! + pads[2]!, d[0]);
  const w = convOutLength(x[2]!, k[1], s[1], pads[1]! + pads[3]!, d[1]);
  need(h >= 1 && w >= 1, `kernel ${fmt(k)} does not fit the padded input ${fmt(x)}`);
  return [h, w];
}

/** Output shape of `node` given the shapes arriving on its input ports. Subgraphs are handled by infer.ts. */
export function outputShape(node: GraphNode, shapes: Shapes): number[] {
  switch (node.kind) {
    case "Input":
      return node.shape;
    case "Output":
      return port(shapes, "in");
    case "Subgraph":
      throw new ShapeError("subgraph shapes are inferred recursively");
    case "Affine":
    case "Linear": {
      const x = port(shapes, "in");
      const w = node.weight.shape;
      need(w.length === 2, `weight must be 2-d [out, in], got ${fmt(w)}`);
      const [out, inn] = w as [number, number];
      need(x[x.length - 1] === inn, `weight ${fmt(w)} expects inputs with last dim ${inn}, got ${fmt(x)}`);
      if (node.kind === "Affine")
        need(sizeOf(node.bias.shape) === out, `bias ${fmt(node.bias.shape)} ≠ [${out}]`);
      return [...x.slice(0, -1), out];
    }
    case "Scale": {
      const x = port(shapes, "in");
      checkParam("scale", node.scale, x);
      return x;
    }
    case "Conv1d": {
      const x = port(shapes, "in");
      const w = node.weight.shape;
      need(w.length === 3, `weight must be [C_out, C_in/groups, K], got ${fmt(w)}`);
      need(x.length === 2, `expects a [C, L] input, got ${fmt(x)}`);
      need(
        w[1]! * node.groups === x[0],
        `weight ${fmt(w)} × groups ${node.groups} expects ${w[1]! * node.groups} input channels, got ${x[0]}`,
      );
      need(w[0]! % node.groups === 0, `C_out ${w[0]} is not divisible by groups ${node.groups}`);
      if (node.bias) need(sizeOf(node.bias.shape) === w[0], `bias ${fmt(node.bias.shape)} ≠ [${w[0]}]`);
      const l = convOutLength(x[1]!, w[2]!, node.stride, node.pads[0] + node.pads[1], node.dilation);
      need(l >= 1, `kernel ${w[2]} does not fit the padded input length ${x[1]}`);
      return [w[0]!, l];
    }
    case "Conv2d": {
      const x = port(shapes, "in");
      const w = node.weight.shape;
      need(w.length === 4, `weight must be [C_out, C_in/groups, Kh, Kw], got ${fmt(w)}`);
      need(
        x.length === 3 && w[1]! * node.groups === x[0],
        `weight ${fmt(w)} × groups ${node.groups} does not accept input ${fmt(x)}`,
      );
      need(w[0]! % node.groups === 0, `C_out ${w[0]} is not divisible by groups ${node.groups}`);
      if (node.bias) need(sizeOf(node.bias.shape) === w[0], `bias ${fmt(node.bias.shape)} ≠ [${w[0]}]`);
      const [h, wd] = spatial2d(x, [w[2]!, w[3]!], node.stride, node.pads, node.dilation);
      return [w[0]!, h, wd];
    }
    case "BatchNorm": {
      const x = port(shapes, "in");
      const c = x[normAxis(node.axis, x.length, "axis")]!;
      for (const [k, p] of Object.entries({
        mean: node.mean,
        variance: node.variance,
        gamma: node.gamma,
        beta: node.beta,
      })) {
        need(sizeOf(p.shape) === c, `${k} has ${sizeOf(p.shape)} values for ${c} channels`);
      }
      return x;
    }
    case "TemporalConv": {
      const x = port(shapes, "in");
      const w = node.weight.shape;
      need(w.length === 3, `weight must be [C_out, C_in/groups, K], got ${fmt(w)}`);
      need(
        x.length === 1 && w[1]! * node.groups === x[0],
        `weight ${fmt(w)} does not accept input ${fmt(x)}`,
      );
      need(
        node.lookahead >= 0 && node.lookahead < w[2]!,
        `lookahead ${node.lookahead} must be in [0, K−1 = ${w[2]! - 1}]`,
      );
      return [w[0]!];
    }
    case "SumPool2d":
    case "AvgPool2d":
    case "MaxPool2d": {
      const x = port(shapes, "in");
      return [x[0]!, ...spatial2d(x, node.kernel, node.stride, node.pads, [1, 1])];
    }
    case "Flatten": {
      const x = port(shapes, "in");
      if (x.length === 0) return [1];
      const s = normAxis(node.startDim, x.length, "startDim");
      const e = normAxis(node.endDim, x.length, "endDim");
      need(s <= e, `startDim ${node.startDim} is after endDim ${node.endDim} for ${fmt(x)}`);
      if (node.inputShape)
        need(sameShape(node.inputShape, x), `declared input ${fmt(node.inputShape)} ≠ inferred ${fmt(x)}`);
      return [...x.slice(0, s), sizeOf(x.slice(s, e + 1)), ...x.slice(e + 1)];
    }
    case "Reshape": {
      const x = port(shapes, "in");
      const free = node.shape.filter((d) => d === -1).length;
      need(free <= 1, "at most one dimension may be -1");
      const known = sizeOf(node.shape.filter((d) => d !== -1));
      const out = node.shape.map((d) => (d === -1 ? sizeOf(x) / known : d));
      need(
        out.every((d) => Number.isInteger(d) && d > 0) && sizeOf(out) === sizeOf(x),
        `cannot reshape ${fmt(x)} to ${fmt(node.shape)}`,
      );
      return out;
    }
    case "Transpose": {
      const x = port(shapes, "in");
      const ok =
        node.perm.length === x.length && [...node.perm].sort((a, b) => a - b).every((p, i) => p === i);
      need(ok, `perm ${fmt(node.perm)} is not a permutation of the ${x.length} input dims`);
      return node.perm.map((p) => x[p]!);
    }
    case "Concat": {
      const xs = Array.from({ length: node.inputs }, (_, i) => port(shapes, `in${i}`));
      const first = xs[0]!;
      const a = normAxis(node.axis, first.length, "axis");
      for (const [i, x] of xs.entries()) {
        const ok = x.length === first.length && x.every((d, j) => j === a || d === first[j]);
        need(ok, `input in${i} ${fmt(x)} does not match in0 ${fmt(first)} outside axis ${a}`);
      }
      const out = [...first];
      out[a] = xs.reduce((s, x) => s + x[a]!, 0);
      return out;
    }
    case "Reduce": {
      const x = port(shapes, "in");
      const axes = new Set(node.axes.map((ax) => normAxis(ax, x.length, "axis")));
      const out = x.filter((_, i) => !axes.has(i));
      return out.length ? out : [1];
    }
    case "Delay": {
      const x = port(shapes, "in");
      checkParam("delay", node.delay, x);
      return x;
    }
    case "I":
    case "IF":
    case "LI":
    case "LIF":
    case "CubaLI":
    case "CubaLIF":
    case "Threshold": {
      const params = neuronParams(node);
      const x = shapes.in ?? largestParamShape(params);
      for (const [name, p] of Object.entries(params)) checkParam(name, p, x);
      return x;
    }
    case "LmuMemory": {
      const x = port(shapes, "in");
      need(x.length === 1, `expects a 1-d input [U], got ${fmt(x)}`);
      return [x[0]! * node.order];
    }
    case "DiagonalSsm": {
      const x = port(shapes, "in");
      need(x.length === 1, `expects a 1-d input [H], got ${fmt(x)}`);
      const h = x[0]!;
      const modes = node.cRe.shape;
      need(modes.length === 2 && modes[0] === h, `cRe ${fmt(modes)} must be [H=${h}, N/2]`);
      const tied = node.lambdaRe.shape;
      need(
        tied.length === 2 && tied[1] === modes[1] && tied[0]! > 0 && h % tied[0]! === 0,
        `lambdaRe ${fmt(tied)} must be [S, N/2=${modes[1]}] with S dividing H=${h}`,
      );
      for (const [k, p] of Object.entries({ lambdaIm: node.lambdaIm, bRe: node.bRe, bIm: node.bIm })) {
        need(sameShape(p.shape, tied), `${k} ${fmt(p.shape)} ≠ lambdaRe ${fmt(tied)}`);
      }
      const back = { cBackRe: node.cBackRe, cBackIm: node.cBackIm };
      for (const [k, p] of Object.entries({ cIm: node.cIm, ...back })) {
        if (p) need(sameShape(p.shape, modes), `${k} ${fmt(p.shape)} ≠ cRe ${fmt(modes)}`);
      }
      need(
        node.bidirectional === (node.cBackRe !== undefined && node.cBackIm !== undefined),
        node.bidirectional
          ? "a bidirectional SSM needs cBackRe and cBackIm (the reversed kernel's C)"
          : "cBackRe/cBackIm are set but the SSM is not bidirectional",
      );
      need(
        sizeOf(node.d.shape) === h && sizeOf(node.logStep.shape) === h,
        `d and logStep must have ${h} values`,
      );
      return x;
    }
    case "FixedTransform": {
      const x = port(shapes, "in");
      const n = x[normAxis(node.axis, x.length, "axis")]!;
      if (node.basis === "haar") {
        need(
          n % 2 ** node.levels === 0,
          `haar with ${node.levels} levels needs the axis length ${n} divisible by ${2 ** node.levels}`,
        );
      }
      return x;
    }
    case "Activation":
      return port(shapes, "in");
    case "LayerNorm": {
      const x = port(shapes, "in");
      const d = x[x.length - 1] ?? 0;
      need(x.length >= 1, "expects an input with at least one axis");
      for (const [k, p] of Object.entries({ weight: node.weight, bias: node.bias }))
        need(
          sizeOf(p.shape) === d && p.shape.length === 1,
          `${k} ${fmt(p.shape)} must be [${d}] (last axis)`,
        );
      return x;
    }
    case "TernaryGatedMix": {
      const x = port(shapes, "in");
      const w = node.weight.shape;
      need(x.length === 1, `expects a 1-d input [H], got ${fmt(x)}`);
      need(w.length === 2 && w[0] === x[0], `weight ${fmt(w)} must be [H_in=${x[0]}, H_out]`);
      need(sameShape(node.bias.shape, [w[1]!]), `bias ${fmt(node.bias.shape)} must be [${w[1]}]`);
      return [w[1]!];
    }
    case "Product": {
      const a = port(shapes, "a");
      const b = port(shapes, "b");
      need(sameShape(a, b), `ports a ${fmt(a)} and b ${fmt(b)} differ`);
      return a;
    }
    case "DynamicMatmul": {
      const a = port(shapes, "a");
      const b = port(shapes, "b");
      need(a.length === 2 && b.length === 2, `expects 2-d inputs, got a ${fmt(a)}, b ${fmt(b)}`);
      const [bk, bn] = node.transposeB ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
      need(a[1] === bk, `inner dims differ: a ${fmt(a)} × b${node.transposeB ? "ᵀ" : ""} ${fmt(b)}`);
      return [a[0]!, bn];
    }
    default:
      return assertNever(node, "node kind");
  }
}

function largestParamShape(params: Record<string, NdArray>): number[] {
  let best: number[] = [1];
  for (const p of Object.values(params)) if (sizeOf(p.shape) > sizeOf(best)) best = p.shape;
  return best;
}
