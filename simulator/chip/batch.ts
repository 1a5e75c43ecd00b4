// A batch of samples through one loaded chip: per-sample outputs and results plus the aggregated run-JSON
// sections — the entry point of `simulate --engine chip`, `explore` and `table`.

import type { Mapping } from "../../compiler/mapping/index.js";
import { sequenceBuffers } from "../../compiler/nmir/phases.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { InputSequence, Named } from "../reference/inputs.js";
import { type ChipOptions, type ChipRunOptions, type ChipRunResult, createChip } from "./chip.js";
import { phasesSection, simulateChipPhased } from "./phased.js";
import type { SanafeTotals } from "./sanafe/account.js";
import type { ConventionNet } from "./sanafe/net.js";
import { SanafeObserver } from "./sanafe/observe.js";
import { sanafeSections } from "./sanafe/sections.js";
import { type ChipSections, chipRunSections } from "./sections.js";

export interface SimulateChipOptions extends ChipOptions, ChipRunOptions {
  /** Steps per sample (default: each sample's T). */
  timesteps?: number;
  /** Where the mapping came from, for `run.mapping` (default "auto"). */
  mappingSource?: string;
  /** Count, cost and time the run by SANA-FE's rules over this network (sanafe/): the sanafe convention. */
  sanafe?: ConventionNet;
}

export interface SimulateChipResult {
  /** Per sample: every output's raw values per step (as `runReference`). */
  outputs: Map<string, Float64Array[]>[];
  /** Per sample: the same values · 2^scaleExp. */
  outputsScaled: Map<string, Float64Array[]>[];
  results: ChipRunResult[];
  sections: ChipSections;
  /** Under the sanafe convention: SANA-FE's totals per sample. */
  sanafe?: SanafeTotals[];
}

export function simulateChip(
  ir: NmirModule,
  mapping: Mapping,
  profile: ChipProfile,
  samples: readonly Named<InputSequence>[],
  opts: SimulateChipOptions = {},
): SimulateChipResult {
  if (sequenceBuffers(ir).length) {
    const r = simulateChipPhased(ir, mapping, profile, samples, opts);
    return { ...r, sections: { ...r.sections, phases: phasesSection(r.phased) } };
  }
  const chip = createChip(profile, {
    ...(opts.timing ? { timing: opts.timing } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
  }).load(ir, mapping);
  const runOpts: ChipRunOptions = {
    ...(opts.record ? { record: opts.record } : {}),
    ...(opts.perStepCounts ? { perStepCounts: true } : {}),
  };
  const totals: SanafeTotals[] = [];
  // the last sample's engine is dropped before its summary is built (ChipRunOptions.last)
  const results = samples.map((s, i) => {
    const o = i === samples.length - 1 ? { ...runOpts, last: true } : runOpts;
    if (!opts.sanafe) return chip.run(s, opts.timesteps, o);
    const observer = new SanafeObserver(opts.sanafe);
    const r = chip.run(s, opts.timesteps, { ...o, observer });
    totals.push(observer.totals());
    return r;
  });
  const sections = chipRunSections(results, opts.mappingSource ?? "auto");
  return {
    outputs: results.map((r) => r.outputs),
    outputsScaled: results.map((r) => r.outputsScaled),
    results,
    sections: opts.sanafe ? sanafeSections(sections, totals) : sections,
    ...(opts.sanafe ? { sanafe: totals } : {}),
  };
}
