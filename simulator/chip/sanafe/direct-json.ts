// The run JSON of a direct run (direct-run.ts): the same counts, SANA-FE energy and timing sections, per-step
// series and per-group rows the compiled chip's run writes under the sanafe convention, from the file itself. No
// quantization, memory, per-core or per-link sections: nothing was compiled or mapped by spikegrid.

import { readFileSync } from "node:fs";
import { packagePath } from "../../../common/package-root.js";
import type { ChipProfile } from "../../../hw-profiles/index.js";
import { theoreticalEnergy } from "../../reference/counts.js";
import { costTable } from "../costs.js";
import { type ChipSections, costRowsOf } from "../sections.js";
import type { DirectRunResult, DirectSomas } from "./direct-run.js";
import type { ConventionNet } from "./net.js";
import { SANAFE_COUNT_CONVENTIONS, sanafeSections } from "./sections.js";

/** The chip clock the compiled chip's sections would state (costs.ts NOMINAL_CLOCK_HZ without one). */
const clockOf = (p: ChipProfile) => p.clockHz ?? 1e9;

export interface DirectRunInfo {
  file: string;
  networkName: string;
  profile: ChipProfile;
  net: ConventionNet & { weight64: Int32Array };
  somas: DirectSomas;
  steps: number;
  /** Edges into each group (ConventionNet group order), by their `src -> dst` text. */
  edgesInto: string[][];
  /** Weights the file stores (Σ of every edge's list). */
  storedWeights: number;
  /** Groups that take their biases as an input (no input reaches them: to-graph.ts), as the compiled graph. */
  biasInputs: Set<string>;
}

export const DIRECT_RUN_CONVENTION =
  "direct run: SANA-FE's own neuron model (leaky_integrate_fire in doubles, 1/64 truncation of a leaking potential) on the file's mappings:, taken only where the compiled chip fires the same spikes (integer-exact network, neuron-count limits only); --no-direct runs the compiled chip";

/** The run JSON object (schema: reports/run-json.ts) of a direct run. */
export function directRunJson(info: DirectRunInfo, r: DirectRunResult): Record<string, unknown> {
  const { net, somas, steps } = info;
  const lif = net.groups.filter((g) => !g.input);
  const sum = (xs: ArrayLike<number>, from = 0, to = xs.length) => {
    let s = 0;
    for (let i = from; i < to; i++) s += xs[i]!;
    return s;
  };
  // a bias-input group takes its biases as a graded input: one event (and one MAC) per nonzero bias and step
  const biasEvents = (g: ConventionNet["groups"][number]) =>
    info.biasInputs.has(g.id) ? countNonzero(somas.bias, g.start, g.start + g.size) * steps : 0;
  const biasSynapses = (g: ConventionNet["groups"][number]) => (info.biasInputs.has(g.id) ? g.size : 0);
  const groupIndex = new Map(net.groups.map((g, i) => [g.id, i]));
  const layers = lif.map((g) => {
    const i = groupIndex.get(g.id)!;
    const ac = r.nonzeroOpsInto[i]!;
    const mac = biasEvents(g);
    const dense = (g.connectionsIn + biasSynapses(g)) * steps;
    return {
      id: g.id,
      kind: somas.leakDecay[g.start] === 1 ? "if" : "lif",
      neurons: g.size,
      projections: [...(info.biasInputs.has(g.id) ? [`${g.id}.bias->${g.id}`] : []), ...info.edgesInto[i]!],
      ac,
      mac,
      dense,
      spikes: sum(r.firedPerNeuron, g.start, g.start + g.size),
      gradedEvents: 0,
      neuronUpdates: g.size * steps,
      activeNeuronUpdates: sum(r.activePerNeuron, g.start, g.start + g.size),
      saturations: 0,
      theoreticalJ: 0,
    };
  });
  const ac = layers.reduce((a, l) => a + l.ac, 0);
  const mac = layers.reduce((a, l) => a + l.mac, 0);
  const {
    ac: _ac,
    mac: _mac,
    ...energy
  } = theoreticalEnergy({
    totals: { ac, mac, matmulAc: 0, matmulMac: 0 },
  } as Parameters<typeof theoreticalEnergy>[0]);
  for (const l of layers) l.theoreticalJ = energy.eAC * l.ac + energy.eMAC * l.mac;
  const inputSpikes = net.groups
    .filter((g) => g.input)
    .reduce((a, g) => a + sum(r.firedPerNeuron, g.start, g.start + g.size), 0);
  const skeleton = skeletonSections(info, r);
  const s = sanafeSections(skeleton, [r.totals]);
  const connections = net.post.length + lif.reduce((a, g) => a + biasSynapses(g), 0);
  const inputEvents = inputSpikes + mac;
  return {
    schemaVersion: 1,
    tool: { name: "spikegrid", version: packageVersion() },
    model: {
      file: info.file,
      name: info.networkName,
      stage: "file",
      inputs: net.groups.length - lif.length + info.biasInputs.size,
      populations: lif.length,
      projections: info.edgesInto.reduce((a, e) => a + e.length, 0) + info.biasInputs.size,
      dynamicMatmuls: 0,
      neurons: lif.reduce((a, g) => a + g.size, 0),
      synapses: connections,
      params: info.storedWeights,
      ranges: "exact",
    },
    run: {
      engine: "chip",
      mode: "layer-sync",
      timesteps: steps,
      batch: 1,
      input: `${info.file} (its recorded inputs)`,
      rawInput: false,
      ...s.run,
      path: "direct",
    },
    counts: {
      ac,
      mac,
      dense: connections * steps,
      neuronUpdates: lif.reduce((a, g) => a + g.size, 0) * steps,
      activeNeuronUpdates: sum(r.activePerNeuron),
      spikes: 0,
      gradedEvents: 0,
      saturations: 0,
      synapticOps: ac + mac,
      inputEvents,
      matmulAc: 0,
      matmulMac: 0,
      matmulDense: 0,
      ...s.counts,
      inputPackets: inputEvents,
    },
    perLayer: layers,
    energy: { theoretical: energy, chip: s.energyChip },
    conventions: {
      ...SANAFE_COUNT_CONVENTIONS,
      "counts.dense": "every connection of the file (zero weights included) once per step",
      "counts.activeNeuronUpdates": "neurons whose input (current, or a bias) was nonzero in a step",
      "counts.inputEvents":
        "input spikes, and one graded event per nonzero bias of a group no input reaches (its biases are its input), per step",
      "counts.inputPackets": "= counts.inputEvents: each reaches the chip as one packet from the host",
      perLayer:
        "one row per leaky_integrate_fire group; ac/mac the default convention's (nonzero weights, delivered within the run; the biases of a group no input reaches as MACs)",
      "energy.theoretical": "E_AC·AC + E_MAC·MAC in joules (DESIGN §7; 0.9/4.6 pJ Horowitz 45 nm by default)",
      "energy.chip": s.energyChip.convention,
      latency: s.latency.convention,
      "model.synapses": "connections SANA-FE makes from the file (zero weights included)",
      "model.params": "weights the file stores",
      "run.path": DIRECT_RUN_CONVENTION,
      perStep: "per timestep index t (one sample)",
    },
    latency: s.latency,
    perStep: { ...s.perStep, spikes: [...r.spikesPerStep] },
  };
}

function countNonzero(xs: Float64Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (xs[i] !== 0) n++;
  return n;
}

/** What sanafeSections needs of the chip's own sections (it replaces every figure it reports). */
function skeletonSections(info: DirectRunInfo, r: DirectRunResult): ChipSections {
  const cores = info.net.cores.length;
  const tiles = new Set(info.net.cores.map((c) => c.tile)).size;
  const { costRows, estimates } = costRowsOf(costTable(info.profile, cores, tiles));
  return {
    counts: { packets: 0, hops: 0, inputPackets: 0 },
    energyChip: {
      totalJ: 0,
      dynamicJ: 0,
      staticJ: 0,
      byEvent: {},
      events: {},
      costs: costRows,
      estimates,
      staticPowerW: 0,
      simulatedS: 0,
      convention: "",
    },
    latency: {
      timing: "detailed",
      clockHz: clockOf(info.profile),
      cycles: { total: 0, perTimestepMean: 0, perTimestepMax: 0 },
      perTimestepS: { mean: 0, min: 0, max: 0 },
      perSampleS: 0,
      throughputSamplesPerS: 0,
      estimate: false,
      modelled: true,
      convention: "",
    },
    memory: undefined as never,
    grid: { width: info.profile.grid.width, height: info.profile.grid.height },
    cores: [],
    links: [],
    perStep: { spikes: [...r.spikesPerStep] },
    run: { profile: info.profile.name, timing: "detailed", mapping: info.file },
  };
}

let version: string | undefined;
function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath("package.json"), "utf8")) as { version: string }).version;
  return version;
}
