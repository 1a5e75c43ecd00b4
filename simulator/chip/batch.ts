// A batch of samples through one loaded chip: per-sample outputs and results plus the aggregated run-JSON
// sections — the entry point of `simulate --engine chip`, `explore` and `table`.

import type { Mapping } from "../../compiler/mapping/index.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { InputSequence, Named } from "../reference/inputs.js";
import { type ChipOptions, type ChipRunOptions, type ChipRunResult, createChip } from "./chip.js";
import { type ChipSections, chipRunSections } from "./sections.js";

export interface SimulateChipOptions extends ChipOptions, ChipRunOptions {
  /** Steps per sample (default: each sample's T). */
  timesteps?: number;
  /** Where the mapping came from, for `run.mapping` (default "auto"). */
  mappingSource?: string;
}

export interface SimulateChipResult {
  /** Per sample: every output's raw values per step (as `runReference`). */
  outputs: Map<string, Float64Array[]>[];
  /** Per sample: the same values · 2^scaleExp. */
  outputsScaled: Map<string, Float64Array[]>[];
  results: ChipRunResult[];
  sections: ChipSections;
}

export function simulateChip(
  ir: NmirModule,
  mapping: Mapping,
  profile: ChipProfile,
  samples: readonly Named<InputSequence>[],
  opts: SimulateChipOptions = {},
): SimulateChipResult {
  const chip = createChip(profile, {
    ...(opts.timing ? { timing: opts.timing } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
  }).load(ir, mapping);
  const runOpts: ChipRunOptions = {
    ...(opts.record ? { record: opts.record } : {}),
    ...(opts.perStepCounts ? { perStepCounts: true } : {}),
  };
  const results = samples.map((s) => chip.run(s, opts.timesteps, runOpts));
  return {
    outputs: results.map((r) => r.outputs),
    outputsScaled: results.map((r) => r.outputsScaled),
    results,
    sections: chipRunSections(results, opts.mappingSource ?? "auto"),
  };
}
