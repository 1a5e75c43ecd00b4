// Test-only: a small, obviously-direct float evaluator of the NetGraph node kinds the ONNX importer emits, so
// the importer's tests can compare imported graphs with PyTorch's outputs (simulator/float is the real one).

import {
  type Edge,
  type GraphNode,
  type NdArray,
  type NetGraph,
  outputShape,
  sizeOf,
} from "../../graph/index.js";

interface T {
  shape: number[];
  data: Float64Array;
}

function strides(shape: number[]): number[] {
  const s = shape.map(() => 1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

const p = (a: NdArray, i: number) => (a.data.length === 1 ? a.data[0]! : a.data[i]!);

/** erf by Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7: enough for 1e-4 comparisons). */
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a);
  return s * y;
}

function lastAxis(x: T, w: NdArray, bias?: NdArray): T {
  const [out, inn] = w.shape as [number, number];
  const rows = x.data.length / inn;
  const y = new Float64Array(rows * out);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < out; o++) {
      let s = bias ? bias.data[o]! : 0;
      for (let i = 0; i < inn; i++) s += w.data[o * inn + i]! * x.data[r * inn + i]!;
      y[r * out + o] = s;
    }
  return { shape: [...x.shape.slice(0, -1), out], data: y };
}

/** 2-d convolution or pooling over [C, H, W]; `kernelAt` gives the weight (conv) or undefined (pool). */
function window2d(
  x: T,
  cOut: number,
  k: [number, number],
  s: [number, number],
  pads: number[],
  d: [number, number],
  cell: (
    co: number,
    acc: (f: (ci: number, kh: number, kw: number, v: number | undefined) => void) => void,
  ) => number,
): T {
  const [, h, w] = x.shape as [number, number, number];
  const ho = Math.floor((h + pads[0]! + pads[2]! - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const wo = Math.floor((w + pads[1]! + pads[3]! - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  const out = new Float64Array(cOut * ho * wo);
  for (let co = 0; co < cOut; co++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++) {
        out[(co * ho + oh) * wo + ow] = cell(co, (f) => {
          for (let ci = 0; ci < x.shape[0]!; ci++)
            for (let kh = 0; kh < k[0]; kh++)
              for (let kw = 0; kw < k[1]; kw++) {
                const ih = oh * s[0] - pads[0]! + kh * d[0];
                const iw = ow * s[1] - pads[1]! + kw * d[1];
                const inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
                f(ci, kh, kw, inside ? x.data[(ci * h + ih) * w + iw]! : undefined);
              }
        });
      }
  return { shape: [cOut, ho, wo], data: out };
}

function conv2d(x: T, n: Extract<GraphNode, { kind: "Conv2d" }>): T {
  const [co, cig, kh, kw] = n.weight.shape as [number, number, number, number];
  const coPerG = co / n.groups;
  return window2d(x, co, [kh, kw], n.stride, n.pads, n.dilation, (o, each) => {
    let sum = n.bias ? n.bias.data[o]! : 0;
    const g = Math.floor(o / coPerG);
    each((ci, a, b, v) => {
      if (v === undefined || Math.floor(ci / cig) !== g) return;
      sum += v * n.weight.data[((o * cig + (ci - g * cig)) * kh + a) * kw + b]!;
    });
    return sum;
  });
}

function pool(x: T, n: Extract<GraphNode, { kind: "SumPool2d" | "AvgPool2d" | "MaxPool2d" }>): T {
  const c = x.shape[0]!;
  return window2d(x, c, n.kernel, n.stride, n.pads, [1, 1], (o, each) => {
    let acc = n.kind === "MaxPool2d" ? Number.NEGATIVE_INFINITY : 0;
    each((ci, _a, _b, v) => {
      if (ci !== o) return;
      if (n.kind === "MaxPool2d") acc = Math.max(acc, v ?? Number.NEGATIVE_INFINITY);
      else acc += v ?? 0;
    });
    return n.kind === "AvgPool2d" ? acc / (n.kernel[0] * n.kernel[1]) : acc;
  });
}

function permute(x: T, perm: number[]): T {
  const shape = perm.map((q) => x.shape[q]!);
  const si = strides(x.shape);
  const so = strides(shape);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    let rem = i;
    let src = 0;
    for (let k = 0; k < shape.length; k++) {
      const idx = Math.floor(rem / so[k]!);
      rem -= idx * so[k]!;
      src += idx * si[perm[k]!]!;
    }
    out[i] = x.data[src]!;
  }
  return { shape, data: out };
}

function evalNode(n: GraphNode, ins: Record<string, T>): T {
  const x = ins.in ?? ins.a ?? ins.in0!;
  const map = (f: (v: number, i: number) => number): T => ({ shape: x.shape, data: x.data.map(f) });
  switch (n.kind) {
    case "Output":
      return x;
    case "Affine":
      return lastAxis(x, n.weight, n.bias);
    case "Linear":
      return lastAxis(x, n.weight);
    case "Scale":
      return map((v, i) => v * p(n.scale, i));
    case "Conv1d": {
      const [co, ci, k] = n.weight.shape as [number, number, number];
      const w = { shape: [co, ci, 1, k], data: n.weight.data };
      const c2 = {
        kind: "Conv2d",
        weight: w,
        stride: [1, n.stride],
        pads: [0, n.pads[0], 0, n.pads[1]],
        dilation: [1, n.dilation],
        groups: n.groups,
        ...(n.bias ? { bias: n.bias } : {}),
      } as const;
      const y = conv2d(
        { shape: [x.shape[0]!, 1, x.shape[1]!], data: x.data },
        c2 as Extract<GraphNode, { kind: "Conv2d" }>,
      );
      return { shape: [y.shape[0]!, y.shape[2]!], data: y.data };
    }
    case "Conv2d":
      return conv2d(x, n);
    case "BatchNorm": {
      const st = strides(x.shape)[n.axis]!;
      const len = x.shape[n.axis]!;
      return map((v, i) => {
        const c = Math.floor(i / st) % len;
        return (
          (n.gamma.data[c]! * (v - n.mean.data[c]!)) / Math.sqrt(n.variance.data[c]! + n.eps) +
          n.beta.data[c]!
        );
      });
    }
    case "SumPool2d":
    case "AvgPool2d":
    case "MaxPool2d":
      return pool(x, n);
    case "Flatten":
    case "Reshape":
      return { shape: outputShape(n, { in: x.shape }), data: x.data }; // row-major data is unchanged
    case "Transpose":
      return permute(x, n.perm);
    case "Concat": {
      const parts = Array.from({ length: n.inputs }, (_, i) => ins[`in${i}`]!);
      const a = n.axis < 0 ? n.axis + x.shape.length : n.axis;
      const outer = sizeOf(x.shape.slice(0, a));
      const out: number[] = [];
      for (let o = 0; o < outer; o++)
        for (const t of parts) {
          const chunk = sizeOf(t.shape.slice(a));
          out.push(...t.data.slice(o * chunk, (o + 1) * chunk));
        }
      const shape = [...x.shape];
      shape[a] = parts.reduce((s, t) => s + t.shape[a]!, 0);
      return { shape, data: Float64Array.from(out) };
    }
    case "Reduce": {
      const keep = x.shape.map((_, i) => !n.axes.includes(i));
      const shape = x.shape.filter((_, i) => keep[i]);
      const out = new Float64Array(sizeOf(shape));
      const si = strides(x.shape);
      const so = strides(shape);
      for (let i = 0; i < x.data.length; i++) {
        let o = 0;
        let k = 0;
        x.shape.forEach((_, ax) => {
          if (keep[ax]) o += (Math.floor(i / si[ax]!) % x.shape[ax]!) * so[k++]!;
        });
        out[o] = out[o]! + x.data[i]!;
      }
      const count = x.data.length / out.length;
      return { shape: shape.length ? shape : [1], data: n.op === "mean" ? out.map((v) => v / count) : out };
    }
    case "Activation": {
      const f: Record<string, (v: number) => number> = {
        relu: (v) => Math.max(0, v),
        clamp: (v) => Math.min(Math.max(v, n.min!), n.max!),
        gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
        sigmoid: (v) => 1 / (1 + Math.exp(-v)),
        tanh: Math.tanh,
        identity: (v) => v,
      };
      return map(f[n.fn]!);
    }
    case "Product":
      return map((v, i) => v * ins.b!.data[i]!);
    case "DynamicMatmul": {
      const b = n.transposeB ? permute(ins.b!, [1, 0]) : ins.b!;
      const [m, k] = x.shape as [number, number];
      const cols = b.shape[1]!;
      const out = new Float64Array(m * cols);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += x.data[i * k + q]! * b.data[q * cols + j]!;
          out[i * cols + j] = n.scale * s;
        }
      return { shape: [m, cols], data: out };
    }
    default:
      throw new Error(`test evaluator: ${n.kind} not implemented`);
  }
}

/** Runs one sample through a feed-forward graph (nodes in insertion order); returns each Output's values. */
export function evaluate(g: NetGraph, inputs: Record<string, Float64Array>): Record<string, T> {
  const vals = new Map<string, T>();
  const outputs: Record<string, T> = {};
  for (const [id, n] of g.nodes) {
    if (n.kind === "Input") {
      vals.set(id, { shape: n.shape, data: inputs[id]! });
      continue;
    }
    const ins: Record<string, T> = {};
    g.edges
      .filter((e: Edge) => e.dst === id)
      .forEach((e) => {
        const port = e.dstPort ?? "in";
        const v = vals.get(e.src);
        if (!v) throw new Error(`test evaluator: ${e.src} not evaluated before ${id}`);
        const prev = ins[port];
        ins[port] = prev ? { shape: prev.shape, data: prev.data.map((a, i) => a + v.data[i]!) } : v;
      });
    const y = evalNode(n, ins);
    vals.set(id, y);
    if (n.kind === "Output") outputs[id] = y;
  }
  return outputs;
}
