// Kernel factory of the float reference: one exhaustive switch over the NetGraph node kinds.
// A new node kind fails to compile here until it has a float kernel.

import { assertNever } from "../../../common/errors.js";
import type { GraphNode } from "../../../compiler/graph/index.js";
import { activationKernel } from "./activation.js";
import { conv1dKernel, conv2dKernel, temporalConvKernel } from "./conv.js";
import { affineKernel, batchNormKernel, dynamicMatmulKernel, productKernel, scaleKernel } from "./dense.js";
import { lmuKernel } from "./lmu.js";
import {
  cubaLifKernel,
  cubaLiKernel,
  ifKernel,
  iKernel,
  lifKernel,
  liKernel,
  thresholdKernel,
} from "./neurons.js";
import { layerNormKernel, ternaryGatedMixKernel } from "./norm.js";
import { poolKernel } from "./pool.js";
import { diagonalSsmKernel } from "./ssm.js";
import {
  concatKernel,
  copyKernel,
  delayKernel,
  inputKernel,
  reduceKernel,
  transposeKernel,
} from "./structural.js";
import { fixedTransformKernel } from "./transform.js";
import type { Kernel, KernelContext } from "./types.js";

export function createKernel(node: GraphNode, ctx: KernelContext): Kernel {
  switch (node.kind) {
    case "Input":
      return inputKernel(ctx);
    case "Output":
    case "Flatten":
    case "Reshape":
      return copyKernel(ctx);
    case "Subgraph":
      // schedule.ts flattens subgraphs before kernels are built
      throw new Error(`internal: subgraph node "${ctx.id}" reached the kernel factory unflattened`);
    case "Affine":
    case "Linear":
      return affineKernel(node, ctx);
    case "Scale":
      return scaleKernel(node, ctx);
    case "Conv1d":
      return conv1dKernel(node, ctx);
    case "Conv2d":
      return conv2dKernel(node, ctx);
    case "BatchNorm":
      return batchNormKernel(node, ctx);
    case "TemporalConv":
      return temporalConvKernel(node, ctx);
    case "SumPool2d":
    case "AvgPool2d":
    case "MaxPool2d":
      return poolKernel(node, ctx);
    case "Transpose":
      return transposeKernel(node, ctx);
    case "Concat":
      return concatKernel(node, ctx);
    case "Reduce":
      return reduceKernel(node, ctx);
    case "Delay":
      return delayKernel(node, ctx);
    case "I":
      return iKernel(node, ctx);
    case "IF":
      return ifKernel(node, ctx);
    case "LI":
      return liKernel(node, ctx);
    case "LIF":
      return lifKernel(node, ctx);
    case "CubaLI":
      return cubaLiKernel(node, ctx);
    case "CubaLIF":
      return cubaLifKernel(node, ctx);
    case "Threshold":
      return thresholdKernel(node, ctx);
    case "LmuMemory":
      return lmuKernel(node, ctx);
    case "DiagonalSsm":
      return diagonalSsmKernel(node, ctx);
    case "LayerNorm":
      return layerNormKernel(node, ctx);
    case "TernaryGatedMix":
      return ternaryGatedMixKernel(node);
    case "FixedTransform":
      return fixedTransformKernel(node, ctx);
    case "Activation":
      return activationKernel(node, ctx);
    case "Product":
      return productKernel(ctx);
    case "DynamicMatmul":
      return dynamicMatmulKernel(node, ctx);
    default:
      return assertNever(node, "node kind");
  }
}

export { erf, gelu } from "./activation.js";
export { ternaryWeights } from "./norm.js";
export { bidirectionalSsm } from "./ssm-bidirectional.js";
export type { Kernel, KernelContext } from "./types.js";
