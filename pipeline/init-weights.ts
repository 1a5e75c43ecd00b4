// Seeded PyTorch-default initialisation for networks without a checkpoint (zoo models are built with zero
// weights): a paper table of an untrained model needs nonzero synapses, or the lowering drops them all.

import type { NetGraph } from "../compiler/graph/graph.js";
import type { NdArray } from "../compiler/graph/ndarray.js";
import { mulberry32 } from "../models/demos/mnist-sequences.js";

/** The seed `initWeights` uses unless told otherwise. */
export const INIT_SEED = 20_240_517;

export const INIT_CONVENTION =
  "untrained weights: activity is illustrative. PyTorch default initialisation, seeded (mulberry32): " +
  "Linear/Affine/Conv/TemporalConv weight and bias ~ U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5); " +
  "BatchNorm γ = 1, β = 0 (PyTorch initial state)";

function fill(a: NdArray, bound: number, rand: () => number): void {
  for (let i = 0; i < a.data.length; i++) a.data[i] = (2 * rand() - 1) * bound;
}

/**
 * Fills every weight and bias of `graph` (recursively through subgraphs) in place, in node order, and returns
 * the number of values written. Other node kinds (neurons, LMU memory, BatchNorm) keep their values.
 */
export function initWeights(graph: NetGraph, seed = INIT_SEED): number {
  const rand = mulberry32(seed);
  let written = 0;
  const visit = (g: NetGraph) => {
    for (const node of g.nodes.values()) {
      switch (node.kind) {
        case "Subgraph":
          visit(node.graph);
          break;
        case "Affine":
        case "Linear":
        case "Conv1d":
        case "Conv2d":
        case "TemporalConv": {
          const w = node.weight;
          const fanIn = w.data.length / Math.max(1, w.shape[0] ?? 1);
          const bound = 1 / Math.sqrt(Math.max(1, fanIn));
          fill(w, bound, rand);
          written += w.data.length;
          const bias = "bias" in node ? node.bias : undefined;
          if (bias) {
            fill(bias, bound, rand);
            written += bias.data.length;
          }
          break;
        }
        default:
          break;
      }
    }
  };
  visit(graph);
  return written;
}

/** True when every learned synaptic weight is zero (the compiler's provenance check, one definition). */
export { hasOnlyZeroWeights } from "../compiler/passes/weights-provenance.js";
