// lowerToNmir, step 2: each linear node as bias-free stateless taps with whole-step delays, plus its constant
// (bias) separately. A path's linear map is then composed from taps and its constants are propagated alone,
// each from its node's frame 0 on (the look-ahead plan), as the definition zero-pads before the clip.

import { assertNever } from "../../../common/errors.js";
import { delaySteps } from "../../graph/delay.js";
import { createLinear, createScale, type GraphNode, ndarray } from "../../graph/index.js";
import type { ScheduledNode } from "../../graph/schedule.js";
import { batchNormAffine } from "../fold-batch-norm.js";

/** One delayed, stateless, bias-free linear map; `node` undefined is the identity. */
export interface Tap {
  node: GraphNode | undefined;
  delay: number;
}

/** A constant added at a node's output from the step of its frame 0 on (`plan.ahead`, see paths.ts). */
export interface Bias {
  vector: Float64Array;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** b[channel] broadcast over a layout [..., channel-block of `inner` elements] repeated `outer` times. */
function perChannel(values: ArrayLike<number>, channels: number, inner: number, total: number): Float64Array {
  const out = new Float64Array(total);
  for (let i = 0; i < total; i++) out[i] = values[Math.floor(i / inner) % channels]!;
  return out;
}

const anyNonZero = (v: Float64Array) => v.some((x) => x !== 0);

/**
 * Taps and constant of a linear node:
 * - Affine → Linear(W) + bias b per row; Conv → the conv without bias + b per channel;
 * - BatchNorm → Scale(a) per channel + c = β − a·μ per channel (see foldBatchNorm);
 * - Delay (τ per element) → one masked Scale per distinct whole-step delay round(τ/dt);
 * - TemporalConv → tap k = Linear(W[:, :, k]) with delay K−1−k (the causal schedule: frame f is complete at
 *   step f + lookahead of its input's clock) and its bias;
 * - shape/pool/concat/reduce/scale nodes are their own single tap.
 */
export function linearTaps(sn: ScheduledNode, dt: number): { taps: Tap[]; bias?: Bias } {
  const node = sn.node;
  const total = size(sn.outShape);
  const one = (n: GraphNode): { taps: Tap[] } => ({ taps: [{ node: n, delay: 0 }] });
  const withBias = (n: GraphNode, v: Float64Array | undefined) =>
    v && anyNonZero(v) ? { taps: [{ node: n, delay: 0 }], bias: { vector: v } } : one(n);
  switch (node.kind) {
    case "Affine": {
      const out = node.weight.shape[0]!;
      return withBias(createLinear(node.weight), perChannel(node.bias.data, out, 1, total));
    }
    case "Conv1d":
    case "Conv2d": {
      const { bias, ...rest } = node;
      const c = sn.outShape[0]!;
      const v = bias ? perChannel(bias.data, c, total / c, total) : undefined;
      return withBias(rest, v);
    }
    case "BatchNorm": {
      const rank = sn.outShape.length;
      const axis = node.axis < 0 ? node.axis + rank : node.axis;
      const ch = sn.outShape[axis]!;
      const inner = size(sn.outShape.slice(axis + 1));
      const { a, c } = batchNormAffine(node);
      const scale = createScale(ndarray(sn.outShape, perChannel(a, ch, inner, total)));
      return withBias(scale, perChannel(c, ch, inner, total));
    }
    case "Delay": {
      const steps = delaySteps(node, { id: sn.id, dt, outShape: sn.outShape });
      const distinct = [...new Set(steps)].sort((a, b) => a - b);
      if (distinct.length === 1) return { taps: [{ node: undefined, delay: distinct[0]! }] };
      return {
        taps: distinct.map((d) => ({
          node: createScale(
            ndarray(
              sn.outShape,
              Float64Array.from(steps, (s) => (s === d ? 1 : 0)),
            ),
          ),
          delay: d,
        })),
      };
    }
    case "TemporalConv": {
      const [cOut, cInG, k] = node.weight.shape as [number, number, number];
      const cIn = sn.inShapes[0]![0]!;
      const cOutG = cOut / node.groups;
      const taps: Tap[] = [];
      for (let t = 0; t < k; t++) {
        const w = new Float64Array(cOut * cIn);
        for (let co = 0; co < cOut; co++) {
          const g = Math.floor(co / cOutG);
          for (let cl = 0; cl < cInG; cl++)
            w[co * cIn + g * cInG + cl] = node.weight.data[(co * cInG + cl) * k + t]!;
        }
        taps.push({ node: createLinear(ndarray([cOut, cIn], w)), delay: k - 1 - t });
      }
      const v = node.bias ? Float64Array.from(node.bias.data) : undefined;
      return v && anyNonZero(v) ? { taps, bias: { vector: v } } : { taps };
    }
    case "Linear":
    case "Scale":
    case "SumPool2d":
    case "AvgPool2d":
    case "Flatten":
    case "Reshape":
    case "Transpose":
    case "Concat":
    case "Reduce":
      return one(node);
    case "Input":
    case "Output":
    case "Subgraph":
    case "I":
    case "IF":
    case "LI":
    case "LIF":
    case "CubaLI":
    case "CubaLIF":
    case "Threshold":
    case "MaxPool2d":
    case "LmuMemory":
    case "DiagonalSsm":
    case "LayerNorm":
    case "TernaryGatedMix":
    case "FixedTransform":
    case "Activation":
    case "Product":
    case "DynamicMatmul":
      throw new Error(`internal: node "${sn.id}" (${node.kind}) is not a linear node`);
    default:
      return assertNever(node, "node kind");
  }
}
