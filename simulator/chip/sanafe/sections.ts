// The run-JSON chip sections under the sanafe convention: SANA-FE's counts, its energy split (synapse /
// dendrite / soma / network, no static power) and its detailed timing replace the default convention's
// figures; per-core and per-link rows stay the chip model's own (reports/README.md, the conventions table).

import type { ChipSections } from "../sections.js";
import type { SanafeTotals } from "./account.js";

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

export const SANAFE_ENERGY_CONVENTION =
  "convention sanafe (SANA-FE's rules): synapse = Σ look-ups × their synapse unit's process_spike energy (zero weights included, charged in the step a message is sent); dendrite = look-ups × the target's dendrite unit; soma = every neuron every step × access + updated neurons × update + fired × spike_out, by each neuron's soma unit; network = messages × (message_out + message_in) + hops × the hop energy of their direction; no static power";

export const SANAFE_LATENCY_CONVENTION =
  "convention sanafe: SANA-FE's detailed timing — per core, neurons in mapping order (access, update, spike-out latencies) then one message per destination core after message_out; messages handled in send order, network delay max(hop latencies, congestion of messages in flight on the XY route), blocking past (hops + 1) × link buffer, each destination core processes messages one after another (message_in + look-ups); step = last processed message + the sync latency for the tiles in use";

/** What the counts mean under the sanafe convention (they replace the default convention's texts). */
export const SANAFE_COUNT_CONVENTIONS: Record<string, string> = {
  "counts.ac":
    "convention sanafe: SANA-FE's synaptic events — one look-up per (message, connection on its destination core), zero weights included, counted in the step the message is sent",
  "counts.mac": "convention sanafe: 0 (SANA-FE counts every synaptic event in counts.ac)",
  "counts.synapticOps": "convention sanafe: = counts.ac (SANA-FE's synaptic events)",
  "counts.neuronUpdates":
    "convention sanafe: SANA-FE's neurons updated — a neuron whose potential was nonzero before the step, that a message reached the step before, that has a bias, or (an input) that fired",
  "counts.spikes": "convention sanafe: SANA-FE's fired count, every group's neurons (input groups included)",
  "counts.packets":
    "convention sanafe: SANA-FE's messages — one per (firing neuron, destination core holding any of its connections)",
  "counts.hops": "convention sanafe: mesh hops of those messages (XY routes, |dx| + |dy|)",
  perStep:
    "per timestep index t, summed over the samples of the batch; convention sanafe: packets = SANA-FE's messages, synapticOps = its synaptic events, cycles and energyJ its detailed timing and energy of the step",
};

/** Sections of a chip run with SANA-FE's figures (one totals per sample) in place of the default convention's. */
export function sanafeSections(s: ChipSections, totals: readonly SanafeTotals[]): ChipSections {
  const samples = totals.length || 1;
  const add = (f: (t: SanafeTotals) => number) => sum(totals.map(f));
  const synapseJ = add((t) => t.energy.synapseJ);
  const dendriteJ = add((t) => t.energy.dendriteJ);
  const somaJ = add((t) => t.energy.somaJ);
  const networkJ = add((t) => t.energy.networkJ);
  const totalJ = synapseJ + dendriteJ + somaJ + networkJ;
  const simulatedS = add((t) => t.simulatedS);
  const steps = add((t) => t.steps);
  const stepS = totals.flatMap((t) => t.perStepS);
  const hz = s.latency.clockHz;
  const bySteps = (key: "perStepS" | "perStepJ" | "perStepMessages" | "perStepSynapticEvents") => {
    const n = Math.max(0, ...totals.map((t) => t[key].length));
    return Array.from({ length: n }, (_, i) => sum(totals.map((t) => t[key][i] ?? 0)));
  };
  const synapticEvents = add((t) => t.synapticEvents);
  const meanStep = simulatedS / (steps || 1);
  const sync = totals[0]?.syncS ?? 0;
  return {
    ...s,
    counts: {
      ...s.counts,
      packets: add((t) => t.messages),
      hops: add((t) => t.hops),
      ac: synapticEvents,
      mac: 0,
      synapticOps: synapticEvents,
      neuronUpdates: add((t) => t.neuronsUpdated),
      spikes: add((t) => t.fired),
    },
    energyChip: {
      ...s.energyChip,
      totalJ,
      dynamicJ: totalJ,
      staticJ: 0,
      byEvent: { synapse: synapseJ, dendrite: dendriteJ, soma: somaJ, network: networkJ },
      events: {
        synapticEvents,
        neuronsUpdated: add((t) => t.neuronsUpdated),
        fired: add((t) => t.fired),
        messages: add((t) => t.messages),
        hops: add((t) => t.hops),
      },
      staticPowerW: 0,
      simulatedS,
      convention: SANAFE_ENERGY_CONVENTION,
      sanafe: { synapseJ, dendriteJ, somaJ, networkJ },
    } as ChipSections["energyChip"],
    latency: {
      ...s.latency,
      timing: "detailed",
      cycles: {
        total: simulatedS * hz,
        perTimestepMean: meanStep * hz,
        perTimestepMax: Math.max(0, ...stepS) * hz,
      },
      perTimestepS: {
        mean: meanStep,
        min: stepS.length ? Math.min(...stepS) : 0,
        max: stepS.length ? Math.max(...stepS) : 0,
      },
      perSampleS: simulatedS / samples,
      throughputSamplesPerS: simulatedS > 0 ? samples / simulatedS : 0,
      breakdown: { compute: Math.max(0, meanStep - sync), noc: 0, barrier: sync },
      convention: SANAFE_LATENCY_CONVENTION,
    },
    perStep: {
      ...s.perStep,
      cycles: bySteps("perStepS").map((x) => x * hz),
      energyJ: bySteps("perStepJ"),
      packets: bySteps("perStepMessages"),
      synapticOps: bySteps("perStepSynapticEvents"),
    },
    run: { ...s.run, timing: "detailed", convention: "sanafe" },
  };
}
