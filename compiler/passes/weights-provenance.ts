// Where a network's weights came from — trained (a checkpoint, a shipped demo) or defaults (all zeros, or a
// deterministic init) — carried from the NetGraph (metadata.weights) into NMIR metadata ("model.weights"), and
// whether its payload ranges were calibrated ("quant.ranges"), so every command reading a compiled module can
// say when its numbers describe an untrained network, and when those numbers rest on guessed ranges too.

import type { NetGraph } from "../graph/graph.js";
import type { NmirModule } from "../nmir/index.js";
import type { QuantizationReport } from "./quantization-report.js";

export type WeightProvenance = "trained" | "default-zeros" | "seeded-init";

/** NMIR metadata key holding the provenance (absent: unknown, e.g. a file whose weights are its own). */
export const WEIGHTS_KEY = "model.weights";

/**
 * A checkpoint's own metadata key (safetensors `__metadata__`) for where its values came from: "seeded-init" marks
 * a file written from the deterministic init (bench/seeded-checkpoint.ts), which stays untrained when applied.
 */
export const CHECKPOINT_WEIGHTS_KEY = "spikegrid.weights";

/**
 * NMIR metadata key: "calibrated" (observed payload ranges), "static" (the compiler's analytic guesses) or "exact"
 * (an integer-exact compile: LSBs from the network's exact values, exact-plan.ts).
 */
export const RANGES_KEY = "quant.ranges";
export type RangesProvenance = "calibrated" | "static" | "exact";

const PROVENANCES: readonly WeightProvenance[] = ["trained", "default-zeros", "seeded-init"];

/** The node kinds whose `weight` is a learned synaptic matrix (what a checkpoint or an init fills). */
export const SYNAPTIC_KINDS: ReadonlySet<string> = new Set([
  "Affine",
  "Linear",
  "Conv1d",
  "Conv2d",
  "TemporalConv",
]);

/** The learned synaptic weight matrices of a graph, through subgraphs (LayerNorm γ and fixed matrices excluded). */
export function* synapticWeights(g: NetGraph): Generator<ArrayLike<number>> {
  for (const n of g.nodes.values()) {
    if (n.kind === "Subgraph") yield* synapticWeights(n.graph);
    else if (SYNAPTIC_KINDS.has(n.kind)) yield (n as { weight: { data: ArrayLike<number> } }).weight.data;
  }
}

/** True when every learned synaptic weight of the graph is zero (a zoo model without a checkpoint). */
export function hasOnlyZeroWeights(g: NetGraph): boolean {
  for (const w of synapticWeights(g)) for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  return true;
}

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

/** Whether a module's payload ranges were calibrated (absent: compiled before this was recorded). */
export function moduleRanges(ir: NmirModule): RangesProvenance | undefined {
  const r = ir.metadata[RANGES_KEY];
  return r === "calibrated" || r === "static" || r === "exact" ? r : undefined;
}

/** A builder's weights: untrained either way — all learned matrices zero, or its deterministic init. */
export function builderWeights(g: NetGraph): WeightProvenance {
  return hasOnlyZeroWeights(g) ? "default-zeros" : "seeded-init";
}

export const isUntrained = (w: WeightProvenance | undefined): w is "default-zeros" | "seeded-init" =>
  w === "default-zeros" || w === "seeded-init";

/** One warning line for untrained weights, or undefined for trained / unknown ones. */
export function untrainedWarning(w: WeightProvenance | undefined, what = "the network"): string | undefined {
  if (w === "default-zeros")
    return `${what} has no trained weights (every learnable weight matrix is zero): accuracy, activity, energy and SQNR describe an empty network, not the model — pass --weights CHECKPOINT`;
  if (w === "seeded-init")
    return `${what} has no trained weights (a deterministic init, not a checkpoint): accuracy and activity are meaningless — pass --weights CHECKPOINT`;
  return undefined;
}

/** The compile-time warning for untrained weights quantized with guessed ranges (undefined otherwise). */
export function uncalibratedWarning(
  w: WeightProvenance | undefined,
  r: RangesProvenance | undefined,
): string | undefined {
  if (!isUntrained(w) || r !== "static") return undefined;
  return "no calibration data: payload ranges are static guesses (graded inputs at --input-range, default 1), and with untrained weights the spike, op and saturation counts are not meaningful — give --calibrate FILE (sample inputs), or run through table / explore / demo, which calibrate on their samples";
}

/**
 * What every run of a module must say about its weights: untrained weights, and ranges guessed for them.
 * The simulators append these to their warnings, so every command's output and run JSON carries them.
 */
export function moduleWarnings(ir: NmirModule): string[] {
  const w = moduleWeights(ir);
  return [untrainedWarning(w), uncalibratedWarning(w, moduleRanges(ir))].filter(
    (x): x is string => x !== undefined,
  );
}

const db = (x: number) => (x === Number.POSITIVE_INFINITY ? "exact (∞ dB)" : `${x.toFixed(1)} dB`);

/**
 * The worst-SQNR phrase of a quantized module, honest about what it covers: all-zero matrices have no SQNR, and
 * in an untrained module the nonzero ones are the fixed matrices (LMU memory, pooling, residual and
 * compiler-made connections) or an init — not trained weights.
 */
export function worstSqnrText(q: QuantizationReport, w: WeightProvenance | undefined): string {
  const nonzero = q.projections.filter((p) => p.maxAbs > 0);
  const worst = nonzero.reduce<(typeof nonzero)[number] | undefined>(
    (a, p) => (a === undefined || p.sqnrDb < a.sqnrDb ? p : a),
    undefined,
  );
  if (!worst) return "n/a (every weight is zero)";
  const head = `${db(worst.sqnrDb)} (${worst.id})`;
  const nonzeroOf = `${nonzero.length} of ${q.projections.length} projections have nonzero weights`;
  if (w === "default-zeros")
    return `${head} — of fixed, non-learned matrices only (${nonzeroOf}; the learned weights are all zero)`;
  if (w === "seeded-init") return `${head} — of a deterministic init, not trained weights`;
  return head;
}
