// lowerToNmir, step 1: the role of every NetGraph node kind. Population boundaries become NMIR populations (or
// inputs, dynamic matmuls); linear nodes are folded into projections; Outputs become NMIR outputs.

import { assertNever, SpikegridError } from "../../../common/errors.js";
import type { GraphNode } from "../../graph/index.js";

export type Role = "input" | "population" | "matmul" | "linear" | "output";

function refuse(id: string, node: GraphNode, why: string, hint: string): never {
  throw new SpikegridError("UNSUPPORTED", `node "${id}" (${node.kind}) cannot be lowered to NMIR: ${why}`, {
    hint,
  });
}

/** The role of a node, or an UNSUPPORTED error naming it, saying why and what to do instead. */
export function roleOf(id: string, node: GraphNode): Role {
  switch (node.kind) {
    case "Input":
      return "input";
    case "Output":
      return "output";
    case "I":
    case "IF":
    case "LI":
    case "LIF":
    case "CubaLI":
    case "CubaLIF":
    case "Threshold":
    case "Product":
    case "MaxPool2d":
      return "population";
    case "Activation":
      switch (node.fn) {
        case "relu":
        case "clamp":
        case "identity":
        case "table":
          return "population";
        case "gelu":
        case "sigmoid":
        case "tanh":
          return refuse(
            id,
            node,
            `${node.fn} is a smooth nonlinearity; NMIR's graded (linear) neurons only pass, rectify or clamp`,
            "run the graph pass lowerNonlinear first (compile does: a table function neuron), convert the network to spikes (ANN→SNN conversion), or retrain with relu or clamp",
          );
        default:
          return assertNever(node.fn, "activation function");
      }
    case "DynamicMatmul":
      return "matmul";
    case "Affine":
    case "Linear":
    case "Scale":
    case "Conv1d":
    case "Conv2d":
    case "BatchNorm":
    case "SumPool2d":
    case "AvgPool2d":
    case "Flatten":
    case "Reshape":
    case "Transpose":
    case "Concat":
    case "Reduce":
    case "Delay":
    case "TemporalConv":
      return "linear";
    case "Subgraph":
      return refuse(
        id,
        node,
        "subgraphs must be inlined first",
        "run the flattenSubgraphs pass before lowerToNmir",
      );
    case "LmuMemory":
      return refuse(id, node, "it must be rewritten first", "run the lowerLmuMemory pass before lowerToNmir");
    case "DiagonalSsm":
      return refuse(
        id,
        node,
        "it must be rewritten first",
        "run the lowerDiagonalSsm pass before lowerToNmir",
      );
    case "FixedTransform":
      return refuse(
        id,
        node,
        "it must be rewritten first",
        "run the lowerFixedTransforms pass before lowerToNmir",
      );
    case "LayerNorm":
      return refuse(
        id,
        node,
        "it divides by the standard deviation of this step's features, a data-dependent normalisation that neither synaptic weights nor NMIR neurons compute",
        "use BatchNorm (folds into the weights at inference), or keep the network on the float simulator",
      );
    case "TernaryGatedMix":
      return refuse(
        id,
        node,
        "its activation threshold is 0.15·max|y| of the same step (a reduction over all features before any neuron may fire) and its gate multiplies two matmul results",
        "keep the GSU on the float simulator, or replace it by a fixed-threshold spike and a GLU (Binary S4D)",
      );
    default:
      return assertNever(node, "node kind");
  }
}

/** Boundaries whose output is a binary spike (a MaxPool2d population is the OR of spikes). */
export function emitsSpikes(node: GraphNode): boolean {
  return (
    node.kind === "IF" ||
    node.kind === "LIF" ||
    node.kind === "CubaLIF" ||
    node.kind === "Threshold" ||
    node.kind === "MaxPool2d"
  );
}

/** Nodes that only re-index row-major data (free at either end of a projection). */
export function isReindex(node: GraphNode): boolean {
  return node.kind === "Flatten" || node.kind === "Reshape";
}
