// The chip columns of a paper-table row: the compiled module mapped onto the profile (default mapping options)
// and run on the chip simulator over the same quantized samples as the reference run. A module that does not
// fit says why instead of getting a number.

import { isSpikegridError } from "../../common/errors.js";
import { mapNetwork } from "../../compiler/mapping/index.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import { simulateChip } from "../../simulator/chip/index.js";

/** Chip energy and latency per sample, and whether either rests on an estimate-status profile value. */
export interface ChipFigures {
  energyJ: number;
  /** Absent when the profile models no latency at all (no per-event latencies, no barrier). */
  latencyS?: number;
  estimate: boolean;
  cores?: number;
}

type Feed = Record<string, { shape: number[]; data: ArrayLike<number> }>;

export function measureChip(
  ir: NmirModule,
  profile: ChipProfile,
  feeds: readonly Feed[],
  steps: number,
): { chip?: ChipFigures; chipNote?: string } {
  let mapping: ReturnType<typeof mapNetwork>["mapping"];
  try {
    mapping = mapNetwork(ir, profile, { suggestProfiles: false }).mapping;
  } catch (e) {
    if (!isSpikegridError(e)) throw e;
    return { chipNote: `does not fit ${profile.name}: ${e.message}` };
  }
  const { sections } = simulateChip(ir, mapping, profile, feeds, { timesteps: steps });
  const energy = sections.energyChip;
  const timed = sections.latency.cycles.total > 0;
  const chip: ChipFigures = {
    energyJ: energy.totalJ / Math.max(1, feeds.length),
    estimate: energy.estimates.length > 0 || (timed && sections.latency.estimate === true),
    cores: mapping.cores.length,
    ...(timed ? { latencyS: sections.latency.perSampleS } : {}),
  };
  return timed
    ? { chip }
    : { chip, chipNote: `${profile.name} models no latency (no per-event latency, no barrier): left out` };
}
