// One paper-table row assembled from a run JSON (what the pipeline simulated) and the float network's facts
// (Params, dense MACs, sparsity, weights status): no simulation here — `spikegrid table` and the demo run the
// pipeline (pipeline/) and render its runs.

import type { NetworkFacts } from "../../pipeline/network-facts.js";
import type { RunJson } from "../run-json.js";

/** Chip energy and latency per sample, and whether either rests on an estimate-status profile value. */
export interface ChipFigures {
  energyJ: number;
  /** Absent when the profile models no latency at all (no per-event latencies, no barrier). */
  latencyS?: number;
  estimate: boolean;
  cores?: number;
}

export interface TableRow extends NetworkFacts {
  model: string;
  steps: number;
  batch: number;
  /** The run of the compiled module (absent when the compiler refused the network). */
  run?: RunJson;
  /** Why the network was not compiled (then ops follow the ANN convention). */
  notCompiled?: string;
  accuracy?: number;
  /** Chip energy and latency per sample (a chip run), or why there are none. */
  chip?: ChipFigures;
  /** What the chip columns leave out of a chip run (a profile that models no latency). */
  chipNote?: string;
  /** The dataset the row ran on (absent: `--input` or a synthetic sample). */
  dataset?: string;
  /** The chip profile the row was compiled (and, when it fits, mapped and run) for. */
  profile?: string;
  /** Why the compiled module does not fit `profile`: the named limits (then no chip figures). */
  misfit?: string;
}

/** The row of a run: ops and theoretical energy from its counts, chip figures from its chip sections. */
export function tableRow(model: string, run: RunJson, network: NetworkFacts): TableRow {
  const row: TableRow = {
    ...network,
    model,
    steps: run.run.timesteps,
    batch: run.run.batch,
    run,
    ...(run.accuracy ? { accuracy: run.accuracy.fraction } : {}),
  };
  const chip = run.energy.chip;
  if (chip) {
    const timed = (run.latency?.cycles.total ?? 0) > 0;
    row.chip = {
      energyJ: chip.totalJ / Math.max(1, run.run.batch),
      estimate: chip.estimates.length > 0 || (timed && run.latency?.estimate === true),
      ...(run.cores ? { cores: run.cores.length } : {}),
      ...(timed ? { latencyS: run.latency!.perSampleS } : {}),
    };
    if (!timed)
      row.chipNote = `${run.run.profile ?? "the profile"} models no latency (no per-event latency, no barrier): left out`;
  }
  return row;
}

/** The row of a network the compiler refused: the ANN convention over the float network, said so. */
export function notCompiledRow(
  model: string,
  network: NetworkFacts,
  steps: number,
  batch: number,
  why: string,
): TableRow {
  return { ...network, model, steps, batch, notCompiled: why };
}
