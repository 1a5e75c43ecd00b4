// The one place explore simulates a mapped point: the pipeline's chip stage (pipeline/simulate.ts) runs every
// sample, giving the outputs (bit-exact to the reference interpreter), the op counts, and the chip's energy and
// latency (under the sanafe convention, SANA-FE's counts, energy and timing). Chip figures come from that engine
// only — never estimated here.

import type { Mapping } from "../compiler/mapping/index.js";
import type { NmirModule } from "../compiler/nmir/index.js";
import type { ChipProfile } from "../hw-profiles/index.js";
import { PIPELINE_DEFAULTS, simulateOnChip } from "../pipeline/chip-run.js";
import type { ConventionNet } from "../simulator/chip/sanafe/net.js";
import type { OpCounts } from "../simulator/reference/index.js";

export interface ChipFigures {
  /** Joules per sample (dynamic + static), latency per sample and per timestep (mean) in seconds. */
  energyJ: number | null;
  perSampleS: number | null;
  perTimestepS: number | null;
  simulated: boolean;
  note?: string;
}

export interface ChipRunInput {
  ir: NmirModule;
  mapping: Mapping;
  profile: ChipProfile;
  /** Integer inputs per sample, [T, ...inputShape] each. */
  samples: { shape: number[]; data: Float64Array }[];
  inputId: string;
  mode: "layer-sync" | "pipelined";
  steps: number;
  /** Count, cost and time by SANA-FE's rules over this network (the sanafe convention). */
  sanafe?: ConventionNet;
}

export interface PointSimulation {
  /** Per sample: the first output's scaled values per step, and the op counts. */
  outputs: Float64Array[][];
  counts: OpCounts[];
  chip: ChipFigures;
  /** Under the sanafe convention: SANA-FE's synaptic events and fired neurons, summed over the samples. */
  sanafe?: { synapticEvents: number; fired: number };
}

/**
 * Whether the profile models time at all: some per-event latency, or a barrier. Without either the chip
 * simulator's latency is 0 s by construction, which is "not modelled", not "instant".
 */
export function latencyModelled(p: ChipProfile): boolean {
  const costs = Object.values(p.costs) as ({ latencyS?: number; latencyCycles?: number } | undefined)[];
  const perEvent = costs.some((c) => c?.latencyS !== undefined || c?.latencyCycles !== undefined);
  return perEvent || (p.barrier !== undefined && p.barrier.kind !== "none");
}

/** Every sample through the chip simulator (the pipeline's timing), with the grid's timestep semantics. */
export function simulatePoint(run: ChipRunInput): PointSimulation {
  const r = simulateOnChip(run.ir, run.mapping, run.profile, run.inputId, run.samples, {
    mode: run.mode,
    steps: run.steps,
    timing: PIPELINE_DEFAULTS.timing,
    ...(run.sanafe ? { sanafe: run.sanafe } : {}),
  });
  const n = run.samples.length;
  const s = r.sections!;
  const timed = latencyModelled(run.profile);
  const notes = [
    ...(s.energyChip.estimates.length
      ? [`chip energy rests on estimate-status profile values (${s.energyChip.estimates.join(", ")})`]
      : []),
    ...(timed
      ? []
      : ["the profile models no latency (no per-event latency, no barrier): latency not reported"]),
  ];
  return {
    outputs: r.outputs,
    counts: r.counts,
    ...(run.sanafe ? { sanafe: { synapticEvents: s.counts.ac ?? 0, fired: s.counts.spikes ?? 0 } } : {}),
    chip: {
      energyJ: n > 0 ? s.energyChip.totalJ / n : null,
      perSampleS: timed ? s.latency.perSampleS : null,
      perTimestepS: timed ? s.latency.perTimestepS.mean : null,
      simulated: true,
      ...(notes.length ? { note: `${run.profile.name}: ${notes.join("; ")}` } : {}),
    },
  };
}
