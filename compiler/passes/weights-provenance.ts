// Where a network's weights came from — trained (a checkpoint, a shipped demo) or a builder's defaults (all zeros,
// or a deterministic init) — carried from the NetGraph (metadata.weights) into NMIR metadata ("model.weights"), so
// every command reading a compiled module can say when its numbers describe an untrained network.

import type { NetGraph } from "../graph/graph.js";
import type { NmirModule } from "../nmir/index.js";

export type WeightProvenance = "trained" | "default-zeros" | "seeded-init";

/** NMIR metadata key holding the provenance (absent: unknown, e.g. a file whose weights are its own). */
export const WEIGHTS_KEY = "model.weights";

const PROVENANCES: readonly WeightProvenance[] = ["trained", "default-zeros", "seeded-init"];

/** The provenance a graph records, if any. */
export function graphWeights(g: NetGraph): WeightProvenance | undefined {
  const w = g.metadata.weights;
  return PROVENANCES.includes(w as WeightProvenance) ? (w as WeightProvenance) : undefined;
}

/** The provenance a module records, if any. */
export function moduleWeights(ir: NmirModule): WeightProvenance | undefined {
  const w = ir.metadata[WEIGHTS_KEY];
  return PROVENANCES.includes(w as WeightProvenance) ? (w as WeightProvenance) : undefined;
}

/** Untrained weights: every nonzero learnable matrix the builder made is zero, or its deterministic init. */
export function builderWeights(g: NetGraph): WeightProvenance {
  for (const n of g.nodes.values()) {
    const w = (n as { weight?: { data: ArrayLike<number> } }).weight?.data;
    if (w) for (let i = 0; i < w.length; i++) if (w[i] !== 0) return "seeded-init";
  }
  return "default-zeros";
}

/** One warning line for untrained weights, or undefined for trained / unknown ones. */
export function untrainedWarning(w: WeightProvenance | undefined, what = "the network"): string | undefined {
  if (w === "default-zeros")
    return `${what} has no trained weights (every learnable weight matrix is zero): accuracy, activity, energy and SQNR describe an empty network, not the model — pass --weights CHECKPOINT`;
  if (w === "seeded-init")
    return `${what} has no trained weights (the builder's deterministic init): accuracy and activity are meaningless — pass --weights CHECKPOINT`;
  return undefined;
}
