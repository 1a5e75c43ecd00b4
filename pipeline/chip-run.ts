// The simulate stage of the pipeline on the cycle-level chip simulator, and the readout: kept free of the
// compiler and the reports, because explore's worker threads load only this (and the simulator) to run jobs.

import type { Mapping } from "../compiler/mapping/index.js";
import type { NmirModule } from "../compiler/nmir/index.js";
import { moduleRanges } from "../compiler/passes/weights-provenance.js";
import type { ChipProfile } from "../hw-profiles/index.js";
import type { RunPhases } from "../reports/run-json.js";
import { type ChipSections, simulateChip, type Timing } from "../simulator/chip/index.js";
import type { ConventionNet } from "../simulator/chip/sanafe/net.js";
import type { OpCounts, runReference, StepEvents, TimestepMode } from "../simulator/reference/index.js";
import { runDiagnostics } from "./warnings.js";

/** The defaults, in one place: what every command means by "the same setup". */
export const PIPELINE_DEFAULTS = {
  /** Observe payload ranges on calibration samples before compiling. */
  calibrate: true,
  /** The DESIGN's default semantics (what training frameworks use), on every engine and profile. */
  mode: "layer-sync" as TimestepMode,
  timing: "detailed" as Timing,
};

/** argmax of the readout over steps: the mean (sum) of every step, or the last step. */
export function predict(steps: Float64Array[], readout: "mean" | "last"): number {
  const used = readout === "last" ? steps.slice(-1) : steps;
  const sum = new Float64Array(used[0]?.length ?? 0);
  for (const v of used) for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  let best = 0;
  for (let i = 1; i < sum.length; i++) if (sum[i]! > sum[best]!) best = i;
  return best;
}

/** One sample's input sequence [steps, ...shape]; `alongside`: the sample's further inputs, by input id. */
export type Sequence = { shape: number[]; data: Float64Array; alongside?: Record<string, Sequence> };

/** The simulators' input record of one sample: the primary input's sequence and those fed alongside. */
export function feedOf(inputId: string, q: Sequence): Record<string, Sequence> {
  return { [inputId]: { shape: q.shape, data: q.data }, ...q.alongside };
}

/** One sample's every output (scaled, per step) and recorded populations (events per step). */
export interface SampleRun {
  outputsScaled: Map<string, Float64Array[]>;
  records: Map<string, StepEvents[]>;
}

/** What a simulation gives, whichever engine ran it. */
export interface ModuleRun {
  engine: "reference" | "chip";
  /** Per sample: the first output's scaled values per step. */
  outputs: Float64Array[][];
  counts: OpCounts[];
  /** Reference engine, a module with sequence buffers: its phases (the chip engine's are in `sections`). */
  phases?: RunPhases;
  /** Chip engine: energy, latency, memory, cores, links. */
  sections?: ChipSections;
  /** Events of the first sample's spiking populations (reference engine), for rasters. */
  records?: ReturnType<typeof runReference>["records"];
  /** Every sample's outputs and records, when asked for (ChipSettings.keepSamples: `simulate` writes them). */
  perSample?: SampleRun[];
  warnings: string[];
  /** Saturations of an integer-exact compile (pipeline/warnings.ts runDiagnostics): the run is not exact. */
  errors?: string[];
}

export interface ChipSettings {
  mode: TimestepMode;
  steps: number;
  timing: Timing;
  /** Per-step counts (the run JSON's activity plot); off in sweeps, which need only totals. */
  perStepCounts?: boolean;
  /** Populations whose events to record per sample (kept in `perSample`). */
  record?: string[];
  /** Keep every sample's outputs and records (`perSample`). */
  keepSamples?: boolean;
  /** Where the mapping came from, for the run JSON ("auto" when mapped here). */
  mappingSource?: string;
  /** The sanafe convention's network (pipeline/convention.ts); absent: the default convention. */
  sanafe?: ConventionNet;
}

/** Every sample through the chip simulator loaded once with the module and its mapping. */
export function simulateOnChip(
  ir: NmirModule,
  mapping: Mapping,
  profile: ChipProfile,
  inputId: string,
  sequences: readonly Sequence[],
  s: ChipSettings,
): ModuleRun {
  const r = simulateChip(
    ir,
    mapping,
    profile,
    sequences.map((q) => feedOf(inputId, q)),
    {
      mode: s.mode,
      timesteps: s.steps,
      timing: s.timing,
      ...(s.perStepCounts ? { perStepCounts: true } : {}),
      ...(s.record?.length ? { record: s.record } : {}),
      ...(s.mappingSource ? { mappingSource: s.mappingSource } : {}),
      ...(s.sanafe ? { sanafe: s.sanafe } : {}),
    },
  );
  const out = ir.outputs[0]?.id ?? "";
  return {
    engine: "chip",
    outputs: r.outputsScaled.map((m) => m.get(out) ?? []),
    counts: r.results.map((x) => x.counts),
    sections: r.sections,
    ...(s.keepSamples
      ? { perSample: r.results.map((x) => ({ outputsScaled: x.outputsScaled, records: x.records })) }
      : {}),
    ...runDiagnostics(
      r.results.map((x) => x.warnings),
      moduleRanges(ir) === "exact",
    ),
  };
}
