// Converters for ONNX pooling and reductions: AveragePool, MaxPool (1-d via a [C, 1, L] view), GlobalAverage/
// GlobalMaxPool, ReduceMean/ReduceSum → AvgPool2d, SumPool2d (+Scale), MaxPool2d, Reduce (+Reshape).

import {
  createAvgPool2d,
  createMaxPool2d,
  createReduce,
  createReshape,
  createScale,
  createSumPool2d,
  sameShape,
} from "../../graph/index.js";
import { type Act, type NodeCtx, netAxis, toNd } from "./context.js";
import { axesOf } from "./fold-shapes.js";
import { type Converter, intsAttr, spatialPads } from "./ops-linear.js";
import { attrInt, attrInts } from "./proto.js";

type Pair = [number, number];
type Quad = [number, number, number, number];

/** Runs a 2-d pooling on a [C, L] activation by viewing it as [C, 1, L]. */
function as2d(n: NodeCtx, x: Act, pool: (x2: Act) => Act): Act {
  if (x.shape.length === 3) return pool(x);
  const view = n.emit("as2d", createReshape([x.shape[0]!, 1, x.shape[1]!]), { in: x });
  const y = pool(view);
  return n.emit("as1d", createReshape([y.shape[0]!, y.shape[2]!]), { in: y });
}

/** The number of input cells (not padding) each output cell's window covers, along one axis. */
function coverage(size: number, out: number, k: number, s: number, padBegin: number): number[] {
  return Array.from({ length: out }, (_, o) => {
    const lo = o * s - padBegin;
    return Math.min(lo + k, size) - Math.max(lo, 0);
  });
}

function pool(kind: "avg" | "max"): Converter {
  return (n) => {
    const x = n.act(0);
    const r = x.shape.length - 1;
    if (r !== 1 && r !== 2)
      throw n.fail(`pools a [batch, ${x.shape}] tensor`, "only 1-d and 2-d pooling maps to NetGraph");
    if (!attrInts(n.node, "kernel_shape")) throw n.fail("kernel_shape is missing", "check the model");
    const kernel = intsAttr(n, "kernel_shape", r, 1, 1);
    const strides = intsAttr(n, "strides", r, 1, 1);
    const dil = intsAttr(n, "dilations", r, 1, 1);
    if (dil.some((d) => d !== 1))
      throw n.fail(`dilations [${dil}]`, "NetGraph pooling has no dilation; use a dilated convolution");
    const size = x.shape.slice(1);
    const pads = spatialPads(n, size, kernel, strides, dil);
    if (pads.some((p, i) => p >= kernel[i % r]!)) {
      throw n.fail(
        `pads [${pads}] are not smaller than the kernel [${kernel}]`,
        "a window lying wholly in the padding has no value; check the model",
      );
    }
    if (attrInt(n.node, "ceil_mode", 0) === 1) {
      for (let i = 0; i < r; i++) {
        const span = size[i]! + pads[i]! + pads[r + i]! - kernel[i]!;
        let ceil = Math.ceil(span / strides[i]!) + 1;
        if ((ceil - 1) * strides[i]! >= size[i]! + pads[i]!) ceil--; // the last window must start inside
        const extra = (ceil - 1) * strides[i]! + kernel[i]! - (span + kernel[i]!);
        if (extra <= 0) continue;
        // MaxPool pads with −∞, so extending the end padding reproduces ceil_mode exactly
        if (kind === "avg")
          throw n.fail(
            "ceil_mode=1 adds a partial window",
            "use ceil_mode=False or pad the input explicitly",
          );
        pads[r + i] = pads[r + i]! + extra;
      }
    }
    const k: Pair = r === 1 ? [1, kernel[0]!] : [kernel[0]!, kernel[1]!];
    const s: Pair = r === 1 ? [1, strides[0]!] : [strides[0]!, strides[1]!];
    const p: Quad = r === 1 ? [0, pads[0]!, 0, pads[1]!] : [pads[0]!, pads[1]!, pads[2]!, pads[3]!];
    const padded = p.some((v) => v > 0);
    const includePad = attrInt(n.node, "count_include_pad", 0) === 1;
    return [
      as2d(n, x, (x2) => {
        if (kind === "max") return n.emit("", createMaxPool2d({ kernel: k, stride: s, pads: p }), { in: x2 });
        if (!padded || includePad)
          return n.emit("", createAvgPool2d({ kernel: k, stride: s, pads: p }), { in: x2 });
        // count_include_pad=0 with padding: a sum pool, then divide each output by the cells its window covers
        const sum = n.emit("sum", createSumPool2d({ kernel: k, stride: s, pads: p }), { in: x2 });
        const [c, ho, wo] = sum.shape as [number, number, number];
        const rows = coverage(x2.shape[1]!, ho, k[0], s[0], p[0]);
        const cols = coverage(x2.shape[2]!, wo, k[1], s[1], p[1]);
        const inv = new Float64Array(c * ho * wo);
        for (let i = 0; i < inv.length; i++) inv[i] = 1 / (rows[Math.floor(i / wo) % ho]! * cols[i % wo]!);
        return n.emit("", createScale(toNd([c, ho, wo], inv)), { in: sum });
      }),
    ];
  };
}

function globalPool(kind: "avg" | "max"): Converter {
  return (n) => {
    const x = n.act(0);
    if (x.shape.length === 3) {
      const kernel: Pair = [x.shape[1]!, x.shape[2]!];
      const node = kind === "avg" ? createAvgPool2d({ kernel }) : createMaxPool2d({ kernel });
      return [n.emit("", node, { in: x })]; // [C, 1, 1], as ONNX keeps the spatial dims
    }
    if (x.shape.length === 2) {
      const kernel: Pair = [1, x.shape[1]!];
      return [
        as2d(n, x, (x2) =>
          n.emit("", kind === "avg" ? createAvgPool2d({ kernel }) : createMaxPool2d({ kernel }), { in: x2 }),
        ),
      ];
    }
    throw n.fail(`pools a [batch, ${x.shape}] tensor`, "only [C, L] and [C, H, W] activations can be pooled");
  };
}

function reduce(op: "sum" | "mean"): Converter {
  return (n) => {
    const x = n.act(0);
    const axes = axesOf(n, n.has(1) ? [undefined, n.constIn(1, "axes")] : [], 1);
    if (!axes || axes.length === 0) {
      if (attrInt(n.node, "noop_with_empty_axes", 0) === 1) return [x];
      throw n.fail(
        "reduces over every axis, the batch included",
        "give the axes explicitly (e.g. dim=(1, 2))",
      );
    }
    const net = [...new Set(axes.map((a) => netAxis(n, a, x.shape.length)))].sort((a, b) => a - b);
    const y = n.emit("", createReduce(op, net), { in: x });
    const keep = attrInt(n.node, "keepdims", 1) === 1;
    const want = keep
      ? x.shape.map((d, i) => (net.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !net.includes(i));
    return [sameShape(want, y.shape) ? y : n.emit("keepdims", createReshape(want), { in: y })];
  };
}

export const POOL_OPS: Record<string, Converter> = {
  AveragePool: pool("avg"),
  MaxPool: pool("max"),
  GlobalAveragePool: globalPool("avg"),
  GlobalMaxPool: globalPool("max"),
  ReduceMean: reduce("mean"),
  ReduceSum: reduce("sum"),
};
