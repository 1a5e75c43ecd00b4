// The simulation half of a grid point (evaluate.ts prepares it: compile, map): every sample through the chip
// simulator, then accuracy, op counts, theoretical and chip energy, latency. A job is plain data (the module,
// the mapping, the integer input sequences, under the sanafe convention SANA-FE's view of the network), so it
// runs the same in this thread or in a worker thread that never loads the network or the samples itself.

import type { Mapping } from "../compiler/mapping/index.js";
import type { NmirModule } from "../compiler/nmir/index.js";
import { loadProfile } from "../hw-profiles/index.js";
import { predict } from "../pipeline/chip-run.js";
import type { ConventionNet } from "../simulator/chip/sanafe/net.js";
import { theoreticalEnergy } from "../simulator/reference/index.js";
import { simulatePoint } from "./chip-metrics.js";
import type { PointResult } from "./result.js";

export interface SimulationJob {
  /** The result's fields known before simulating (coordinates, cores, memory, quantization). */
  head: PointResult;
  ir: NmirModule;
  mapping: Mapping;
  /** Integer input sequences, [steps, ...inputShape] each. */
  sequences: { shape: number[]; data: Float64Array }[];
  inputId: string;
  /** The sanafe convention's network (typed arrays and plain objects: it structured-clones to a worker). */
  sanafe?: ConventionNet;
  mode: "layer-sync" | "pipelined";
  steps: number;
  labels?: Int32Array;
  readout: "mean" | "last";
}

export function simulateJob(job: SimulationJob): PointResult {
  const n = job.sequences.length;
  const sim = simulatePoint({
    ir: job.ir,
    mapping: job.mapping,
    profile: loadProfile(job.head.profile),
    samples: job.sequences,
    inputId: job.inputId,
    ...(job.sanafe ? { sanafe: job.sanafe } : {}),
    mode: job.mode,
    steps: job.steps,
  });
  const totals = { ac: 0, mac: 0, dense: 0, spikes: 0, saturations: 0, theoreticalJ: 0 };
  let correct = 0;
  sim.counts.forEach((c, s) => {
    const t = c.totals;
    totals.ac += t.ac;
    totals.mac += t.mac;
    totals.dense += t.dense;
    totals.spikes += t.spikes;
    totals.saturations += t.saturations;
    totals.theoreticalJ += theoreticalEnergy(c).totalJ;
    if (job.labels && predict(sim.outputs[s]!, job.readout) === job.labels[s]) correct++;
  });
  const chip = sim.chip;
  const chance = job.labels && n > 0 ? mostFrequentShare(job.labels.subarray(0, n)) : undefined;
  const per = (x: number) => (n > 0 ? x / n : 0);
  // sanafe convention: SANA-FE's synaptic events (zero weights included) and fired neurons, no MACs; the
  // theoretical energy stays the datapath's ACs and MACs, as in `simulate --convention sanafe`'s run JSON
  if (sim.sanafe) {
    totals.ac = sim.sanafe.synapticEvents;
    totals.mac = 0;
    totals.spikes = sim.sanafe.fired;
  }
  return {
    ...job.head,
    accuracy: job.labels && n > 0 ? correct / n : null,
    ...(job.labels ? { correct } : {}),
    ...(chance !== undefined ? { chanceAccuracy: chance } : {}),
    ops: {
      ac: per(totals.ac),
      mac: per(totals.mac),
      dense: per(totals.dense),
      spikes: per(totals.spikes),
      saturations: per(totals.saturations),
    },
    energy: { theoreticalJ: per(totals.theoreticalJ), chipJ: chip.energyJ },
    latency: { perSampleS: chip.perSampleS, perTimestepS: chip.perTimestepS },
    chip: { simulated: chip.simulated, ...(chip.note ? { note: chip.note } : {}) },
  };
}

/** The share of the most frequent label: the accuracy of a network that always gives the same answer. */
export function mostFrequentShare(labels: Int32Array): number {
  const counts = new Map<number, number>();
  let best = 0;
  for (const l of labels) {
    const c = (counts.get(l) ?? 0) + 1;
    counts.set(l, c);
    if (c > best) best = c;
  }
  return labels.length > 0 ? best / labels.length : 0;
}
