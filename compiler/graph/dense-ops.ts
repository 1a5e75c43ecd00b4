// Dense operation counts of NetGraph nodes per timestep (DESIGN §7): every input × every weight, as an ANN
// would compute it. Two conventions for convolutions: taps on zero padding excluded (NeuroBench "Dense") or
// included (syops-counter style). Bias additions are not synaptic ops and are not counted.

import { assertNever } from "../../common/errors.js";
import { sizeOf } from "./ndarray.js";
import type { GraphNode } from "./nodes.js";

export interface DenseOps {
  /** Multiply-accumulates with taps on padding excluded (NeuroBench Dense). */
  macs: number;
  /** Multiply-accumulates counting every kernel tap, padding included (syops-counter). */
  macsPadded: number;
}

/** Number of kernel taps, over all output positions of one axis, that land inside the input. */
function inBoundTaps(
  inLen: number,
  outLen: number,
  k: number,
  stride: number,
  padBegin: number,
  dilation: number,
): number {
  let taps = 0;
  for (let o = 0; o < outLen; o++) {
    for (let j = 0; j < k; j++) {
      const i = o * stride - padBegin + j * dilation;
      if (i >= 0 && i < inLen) taps++;
    }
  }
  return taps;
}

const none: DenseOps = { macs: 0, macsPadded: 0 };

/** Dense MACs per timestep of one node given its input shape(s) and output shape. */
export function denseOps(node: GraphNode, inShapes: Record<string, number[]>, outShape: number[]): DenseOps {
  const x = inShapes.in ?? [];
  switch (node.kind) {
    case "Affine":
    case "Linear": {
      const n = sizeOf(node.weight.shape) * (sizeOf(x) / (node.weight.shape[1] ?? 1));
      return { macs: n, macsPadded: n };
    }
    case "Conv1d": {
      const [cout, cinG, k] = node.weight.shape as [number, number, number];
      const taps = inBoundTaps(x[1]!, outShape[1]!, k, node.stride, node.pads[0], node.dilation);
      return { macs: cout * cinG * taps, macsPadded: cout * cinG * k * outShape[1]! };
    }
    case "Conv2d": {
      const [cout, cinG, kh, kw] = node.weight.shape as [number, number, number, number];
      const th = inBoundTaps(x[1]!, outShape[1]!, kh, node.stride[0], node.pads[0], node.dilation[0]);
      const tw = inBoundTaps(x[2]!, outShape[2]!, kw, node.stride[1], node.pads[1], node.dilation[1]);
      return { macs: cout * cinG * th * tw, macsPadded: cout * cinG * kh * kw * outShape[1]! * outShape[2]! };
    }
    case "TemporalConv": {
      const n = sizeOf(node.weight.shape);
      return { macs: n, macsPadded: n };
    }
    case "LmuMemory": {
      // m ← Ā m + B̄ u per input channel: order² + order MACs each.
      const n = (x[0] ?? 0) * (node.order * node.order + node.order);
      return { macs: n, macsPadded: n };
    }
    case "DiagonalSsm": {
      // Per complex mode: x ← λ̄x + B̄u (4 + 2 real MACs) and y += 2·Re(Cx) (2); plus D·u per channel.
      // A bidirectional SSM runs a second state over reversed time with its own C: twice the modes.
      const modes = sizeOf(node.cRe.shape) * (node.bidirectional ? 2 : 1);
      const n = modes * 8 + (x[0] ?? 0);
      return { macs: n, macsPadded: n };
    }
    case "TernaryGatedMix": {
      // Two [H_in × H_out] matmuls (ternary activations × W, y × ternary W) and the elementwise gate.
      const n = 2 * sizeOf(node.weight.shape) + sizeOf(outShape);
      return { macs: n, macsPadded: n };
    }
    case "FixedTransform": {
      const axis = node.axis < 0 ? node.axis + x.length : node.axis;
      const len = x[axis] ?? 0;
      const n = sizeOf(x) * len;
      return { macs: n, macsPadded: n };
    }
    case "DynamicMatmul": {
      const a = inShapes.a ?? [0, 0];
      const n = a[0]! * a[1]! * (outShape[1] ?? 0);
      return { macs: n, macsPadded: n };
    }
    case "Product":
    case "Scale": {
      const n = sizeOf(outShape);
      return { macs: n, macsPadded: n };
    }
    case "Input":
    case "Output":
    case "Subgraph":
    case "BatchNorm":
    case "LayerNorm":
    case "SumPool2d":
    case "AvgPool2d":
    case "MaxPool2d":
    case "Flatten":
    case "Reshape":
    case "Transpose":
    case "Concat":
    case "Reduce":
    case "Delay":
    case "I":
    case "IF":
    case "LI":
    case "LIF":
    case "CubaLI":
    case "CubaLIF":
    case "Threshold":
    case "Activation":
      return none;
    default:
      return assertNever(node, "node kind");
  }
}
