// convertAnnToSnn, step 1: what each NetGraph node is to the conversion — a ReLU to replace by IF neurons, an
// affine map whose weights absorb the layer scales, or a positively homogeneous map the scales pass through.
// Anything else is refused here, naming the node, before any calibration work.

import { assertNever, SpikegridError } from "../../../common/errors.js";
import type { GraphNode } from "../../graph/index.js";

/**
 * - `relu`: becomes an IF neuron; its rate is the activation in units of λ.
 * - `weighted`: affine (Affine, Linear, Conv, BatchNorm): output unit chosen freely by scaling W and b.
 * - `homogeneous`: f(k·x) = k·f(x) for k > 0 and no bias (pools incl. max, reshapes, Scale, Concat, Reduce,
 *   fixed bases, identity), so the unit of its input is the unit of its output.
 * - `accumulator`: the I node the pass puts before each Output (its input must be in unit 1).
 */
export type ConvertRole = "input" | "output" | "relu" | "weighted" | "homogeneous" | "accumulator";

function refuse(id: string, node: GraphNode, why: string, hint: string): never {
  const what = node.kind === "Activation" ? `Activation ${node.fn}` : node.kind;
  throw new SpikegridError("UNSUPPORTED", `ANN→SNN conversion: node "${id}" (${what}) ${why}`, { hint });
}

/** The node's role, or an UNSUPPORTED error naming it, saying why and what to do instead. */
export function convertRole(id: string, node: GraphNode): ConvertRole {
  switch (node.kind) {
    case "Input":
      return "input";
    case "Output":
      return "output";
    case "Activation":
      switch (node.fn) {
        case "relu":
          return "relu";
        case "identity":
          return "homogeneous";
        case "clamp":
        case "gelu":
        case "sigmoid":
        case "tanh":
        case "table":
          return refuse(
            id,
            node,
            "is not a ReLU: an IF neuron's firing rate is a rectified linear function of its input, so only ReLU activations have a spiking equivalent",
            "retrain with ReLU activations, or compile without --convert (library option convert) (graded relu/clamp layers lower as they are)",
          );
        default:
          return assertNever(node.fn, "activation function");
      }
    case "Affine":
    case "Linear":
    case "Conv1d":
    case "Conv2d":
    case "BatchNorm":
      return "weighted";
    case "Scale":
    case "SumPool2d":
    case "AvgPool2d":
    case "MaxPool2d":
    case "Flatten":
    case "Reshape":
    case "Transpose":
    case "Concat":
    case "Reduce":
    case "FixedTransform":
      return "homogeneous";
    case "I":
    case "IF":
    case "LI":
    case "LIF":
    case "CubaLI":
    case "CubaLIF":
    case "Threshold":
      return refuse(
        id,
        node,
        "is already a neuron: conversion takes a stateless ReLU ANN",
        "compile the spiking network without --convert (library option convert)",
      );
    case "Delay":
    case "TemporalConv":
    case "LmuMemory":
    case "DiagonalSsm":
      return refuse(
        id,
        node,
        "keeps state across timesteps: conversion calibrates a stateless ANN, one step per sample",
        "compile without --convert (library option convert), or convert the stateless part on its own",
      );
    case "LayerNorm":
      return refuse(
        id,
        node,
        "normalises by this step's feature statistics, which a firing rate does not carry",
        "compile without --convert (library option convert), or use BatchNorm (folded into the weights)",
      );
    case "TernaryGatedMix":
    case "Product":
    case "DynamicMatmul":
      return refuse(
        id,
        node,
        "multiplies two signals: the product of two firing rates is not carried by the spikes of either",
        "compile without --convert (library option convert) (graded products lower as they are)",
      );
    case "Subgraph":
      return refuse(id, node, "is a subgraph", "run flattenSubgraphs before convertAnnToSnn");
    default:
      return assertNever(node, "node kind");
  }
}

/** Every node's role (throws at the first node that cannot be converted, in node order). */
export function convertRoles(nodes: Iterable<[string, GraphNode]>): Map<string, ConvertRole> {
  const out = new Map<string, ConvertRole>();
  for (const [id, node] of nodes) out.set(id, convertRole(id, node));
  return out;
}
