// What lowerNonlinear approximated, recorded in the graph's and then the module's metadata: per node the op, its
// table's error on a stated synthetic input and, with calibration data, the float-vs-lowered error there.

/** Graph and module metadata key: the approximated nodes and their measured errors (JSON list). */
export const APPROXIMATIONS_KEY = "approximations";

/** One approximated node as the module records it (the run JSON's `approximations` section reads it). */
export interface ApproximationRecord {
  id: string;
  /** "sigmoid table", "gelu table", "tanh table", "LayerNorm 1/√ table" or "ternary mix" (exact). */
  op: string;
  /** Table points (0: no table). */
  points: number;
  /** Error on the stated synthetic input (absolute; relative for the 1/√ table); 0 for the exact mix. */
  synthetic: number;
  /** On the first calibration sample, at the node's output: max |float − lowered|, relative RMS error. */
  maxAbs?: number;
  relRms?: number;
  steps?: number;
}

/** The records in graph or module metadata ([] when none or unreadable: they are a report, not a contract). */
export function readApproximations(metadata: Record<string, unknown>): ApproximationRecord[] {
  const v = metadata[APPROXIMATIONS_KEY];
  if (typeof v !== "string") return [];
  try {
    const list = JSON.parse(v);
    return Array.isArray(list)
      ? list.filter((r) => typeof r?.id === "string" && typeof r?.op === "string")
      : [];
  } catch {
    return [];
  }
}
