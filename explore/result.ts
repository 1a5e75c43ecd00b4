// One evaluated grid point as written to results.jsonl (one JSON object per line). zod schema; every number is
// per sample unless its name says otherwise. Points that do not fit carry the reason instead of metrics.

import * as z from "zod";

const nonneg = z.number().nonnegative();
/** JSON has no Infinity: an exact quantization has SQNR "inf". */
const db = z.union([z.number(), z.literal("inf")]);

export const misfitSchema = z.looseObject({
  population: z.string(),
  limit: z.string(),
  needed: z.number(),
  available: z.number(),
  suggestion: z.string(),
});

export const pointResultSchema = z.looseObject({
  /** Fingerprint of the sweep (gridFingerprint): results of different grids never mix. */
  grid: z.string(),
  index: z.number().int().nonnegative(),
  /** Points in the whole (unsharded) grid, so a merge can tell what is missing. */
  gridSize: z.number().int().positive(),
  key: z.string(),
  profile: z.string(),
  maxCores: z.number().int().positive().nullable(),
  /** The chip budget of a grid that sweeps `maxChips` (null: every chip of the system); absent otherwise. */
  maxChips: z.number().int().positive().nullable().optional(),
  weightBits: z.number().int(),
  /** The state width compiled with (the profile's when the grid said auto). */
  stateBits: z.number().int(),
  /** Steps simulated per sample. */
  timesteps: z.number().int().positive(),
  samples: z.number().int().nonnegative(),
  /** Where the network's weights came from, when it records it: untrained points describe no trained model. */
  weights: z.enum(["trained", "default-zeros", "seeded-init"]).optional(),
  /**
   * "sanafe" when ops, chip energy and latency follow SANA-FE's rules (ops.ac = its synaptic events, zero
   * weights included; mac 0; spikes = fired); absent under the default convention (NeuroBench's).
   */
  convention: z.literal("sanafe").optional(),
  fits: z.boolean(),
  /** Why it does not fit (or could not be compiled): one line per misfit. */
  reason: z.string().optional(),
  stage: z.enum(["compile", "map"]).optional(),
  misfits: z.array(misfitSchema).optional(),
  cores: z
    .looseObject({ used: z.number().int(), needed: z.number().int(), available: z.number().int() })
    .optional(),
  /** Multi-chip system profiles: chips in use (fits), needed (a misfit) and available (system or budget). */
  chips: z
    .looseObject({
      used: z.number().int().optional(),
      needed: z.number().int().optional(),
      available: z.number().int(),
    })
    .optional(),
  memory: z
    .looseObject({
      synapseBits: nonneg.optional(),
      stateBits: nonneg.optional(),
      /** Limit → highest used / available over the cores in use. */
      maxUtilization: z.record(z.string(), nonneg),
    })
    .optional(),
  quantization: z.looseObject({ worstSqnrDb: db, clipped: nonneg, zeroed: nonneg }).optional(),
  /** Fraction of samples whose readout argmax equals the label; null without labels. */
  accuracy: z.number().min(0).max(1).nullable().optional(),
  correct: z.number().int().nonnegative().optional(),
  /** The accuracy of always answering the most frequent label of the samples run (the chance level). */
  chanceAccuracy: z.number().min(0).max(1).optional(),
  ops: z
    .looseObject({ ac: nonneg, mac: nonneg, dense: nonneg, spikes: nonneg, saturations: nonneg })
    .optional(),
  energy: z
    .looseObject({
      /** E_AC·AC + E_MAC·MAC (0.9 / 4.6 pJ), joules per sample. */
      theoreticalJ: nonneg,
      /** The chip simulator's Σ events × profile energies + static, joules per sample; null when not simulated. */
      chipJ: nonneg.nullable(),
    })
    .optional(),
  latency: z.looseObject({ perSampleS: nonneg.nullable(), perTimestepS: nonneg.nullable() }).optional(),
  /** Which engine produced the chip figures; a note when they are missing. */
  chip: z.looseObject({ simulated: z.boolean(), note: z.string().optional() }).optional(),
});

export type PointResult = z.infer<typeof pointResultSchema>;
export type PointMisfit = z.infer<typeof misfitSchema>;

/** The result's line in results.jsonl (no trailing newline). */
export function formatResultLine(r: PointResult): string {
  return JSON.stringify(pointResultSchema.parse(r));
}
