// The run-JSON sections of the chip engine (reports/run-json-sections.ts) from one ChipRunResult per sample of
// a batch: totals summed over samples, cores and links summed by position, per-step series summed by step index.

import type {
  RunChipEnergy,
  RunCore,
  RunJson,
  RunLatency,
  RunLink,
  RunMemory,
  RunPerStep,
  RunPhases,
  RunRaster,
  RunSystem,
} from "../../reports/run-json.js";
import type { ChipRunResult } from "./chip.js";
import { type CostTable, EVENT_KINDS } from "./costs.js";
import { SANAFE_COUNT_CONVENTIONS } from "./sanafe/sections.js";

export interface ChipSections {
  /** Under the sanafe convention, also its ac / mac / synapticOps / neuronUpdates / spikes. */
  counts: { packets: number; hops: number; inputPackets: number } & Partial<Record<string, number>>;
  energyChip: RunChipEnergy;
  latency: RunLatency;
  memory: RunMemory;
  grid: { width: number; height: number };
  cores: RunCore[];
  links: RunLink[];
  perStep: RunPerStep;
  raster?: RunRaster[];
  /** Multi-chip systems only. */
  system?: RunSystem;
  /** A module with sequence buffers: its phases, stored sequences and the time they add (phased.ts). */
  phases?: RunPhases;
  run: { profile: string; timing: "simple" | "detailed"; mapping: string; convention?: "sanafe" };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const add = (into: Record<string, number>, x: Record<string, number>) => {
  for (const [k, v] of Object.entries(x)) into[k] = (into[k] ?? 0) + v;
};
/** Per step index t, summed over samples. */
const bySteps = (series: number[][]) => {
  const n = Math.max(0, ...series.map((s) => s.length));
  return Array.from({ length: n }, (_, t) => sum(series.map((s) => s[t] ?? 0)));
};

/** The run JSON's energy.chip.costs: each modelled event kind's energy, latency and status; the estimate kinds. */
export function costRowsOf(costs: CostTable): { costRows: RunChipEnergy["costs"]; estimates: string[] } {
  const costRows: RunChipEnergy["costs"] = {};
  const estimates: string[] = [];
  EVENT_KINDS.forEach((kind, k) => {
    if (!costs.modelled[k]) return;
    const status = costs.energyStatus[k] ?? "unknown";
    const row: RunChipEnergy["costs"][string] = { energyJ: costs.energyJ[k]!, status };
    if (costs.cycles[k]! > 0) row.latencyS = costs.cycles[k]! / costs.clockHz;
    costRows[kind] = row;
    if (status === "estimate") estimates.push(kind);
  });
  return { costRows, estimates };
}

/** `mapping`: where the mapping came from (a file path, or "auto" when mapped here). */
export function chipRunSections(results: readonly ChipRunResult[], mapping = "auto"): ChipSections {
  const first = results[0];
  if (!first) throw new Error("chipRunSections needs at least one run");
  const c0 = first.chip;
  const costs = c0.costs;
  const chips = results.map((r) => r.chip);
  const steps = sum(chips.map((c) => c.steps));
  const byEvent: Record<string, number> = {};
  const events: Record<string, number> = {};
  for (const c of chips) {
    add(byEvent, c.energy.byEvent);
    add(events, c.events);
  }
  const dynamicJ = sum(chips.map((c) => c.energy.dynamicJ));
  const staticJ = sum(chips.map((c) => c.energy.staticJ));
  const simulatedS = sum(chips.map((c) => c.simulatedS));
  const { costRows, estimates } = costRowsOf(costs);
  let latencyEstimate = false;
  EVENT_KINDS.forEach((_, k) => {
    if (costs.cycles[k]! > 0 && (events[EVENT_KINDS[k]!] ?? 0) > 0 && costs.latencyStatus[k] === "estimate")
      latencyEstimate = true;
  });
  if (costs.barrierStatus === "estimate" && costs.barrierCycles > 0) latencyEstimate = true;
  if (costs.systemBarrierStatus === "estimate" && costs.systemBarrierCycles > 0) latencyEstimate = true;
  const hostPackets = sum(
    chips.map((c) => (c.system?.host ? c.system.host.packetsIn + c.system.host.packetsOut : 0)),
  );
  if (costs.hostBandwidthStatus === "estimate" && costs.hostOccupancy > 0 && hostPackets > 0)
    latencyEstimate = true;
  if (costs.staticStatus === "estimate" && staticJ > 0) estimates.push("static");

  const stepCycles = chips.flatMap((c) => c.perStep.cycles);
  const totalCycles = sum(stepCycles);
  const hz = costs.clockHz;
  const perSampleS = simulatedS / results.length;
  const mean = (key: "compute" | "noc" | "barrier") =>
    sum(chips.flatMap((c) => c.perStep[key])) / (steps || 1);
  const clockNote = c0.nominalClock
    ? `; the profile gives no clock, so cycles are counted at a nominal ${hz / 1e9} GHz (1 cycle = 1 ns)`
    : "";

  const cores: RunCore[] = c0.cores.map((row, i) => {
    const all = chips.map((c) => c.cores[i]!);
    const by: Record<string, number> = {};
    for (const r of all) add(by, r.byEvent);
    const s = (f: (r: (typeof all)[number]) => number) => sum(all.map(f));
    const m = row.memory;
    return {
      core: row.core,
      tile: row.tile,
      slices: row.slices,
      neurons: row.neurons,
      ac: s((r) => r.ac),
      mac: s((r) => r.mac),
      neuronUpdates: s((r) => r.neuronUpdates),
      activeNeuronUpdates: s((r) => r.activeNeuronUpdates),
      spikes: s((r) => r.spikes),
      packetsIn: s((r) => r.packetsIn),
      packetsOut: s((r) => r.packetsOut),
      busyCycles: s((r) => r.busyCycles),
      energyJ: s((r) => r.energyJ),
      byEvent: by,
      memory: {
        synapseBits: m.synapseBits,
        neuronBits: m.neuronBits,
        routingEntries: m.routingEntries,
        utilization: m.utilization,
      },
    };
  });
  const links = mergeLinkRows(chips.map((c) => c.links));
  const maxUtilization: Record<string, number> = {};
  for (const r of c0.cores)
    for (const [k, v] of Object.entries(r.memory.utilization))
      maxUtilization[k] = Math.max(maxUtilization[k] ?? 0, v);

  const stepS = stepCycles.map((x) => x / hz);
  const out: ChipSections = {
    counts: {
      packets: sum(chips.map((c) => c.packets)),
      hops: sum(chips.map((c) => c.hops)),
      inputPackets: sum(chips.map((c) => c.inputPackets)),
    },
    energyChip: {
      totalJ: dynamicJ + staticJ,
      dynamicJ,
      staticJ,
      byEvent,
      events,
      costs: costRows,
      estimates,
      staticPowerW: costs.staticPowerW,
      simulatedS,
      convention:
        "Σ events × the profile's energy per event (byEvent; kinds the profile does not model are left out) + static power × simulated time; synopAC/synopMAC count synaptic ops and dynamic-matmul products; memoryAccess and axonIn one per packet received, axonOut one per packet sent, hops on the sending core; a bit-plane encoded graded event (binary-spike chip, mapping encodings) is popcount(payload) spikeOut, popcount × fan-out synopAC and its own packets per bit spike (counts keep the reference's one MAC per graded event × synapse)",
    },
    latency: {
      timing: c0.timing,
      clockHz: hz,
      cycles: {
        total: totalCycles,
        perTimestepMean: totalCycles / (steps || 1),
        perTimestepMax: Math.max(0, ...stepCycles),
      },
      perTimestepS: {
        mean: totalCycles / (steps || 1) / hz,
        min: stepS.length ? Math.min(...stepS) : 0,
        max: stepS.length ? Math.max(...stepS) : 0,
      },
      perSampleS,
      throughputSamplesPerS: perSampleS > 0 ? 1 / perSampleS : 0,
      breakdown: { compute: mean("compute"), noc: mean("noc"), barrier: mean("barrier") },
      estimate: latencyEstimate,
      modelled: costs.cycles.some((c) => c > 0) || costs.barrierCycles > 0 || costs.systemBarrierCycles > 0,
      convention: `timing '${c0.timing}' (${c0.timing === "simple" ? "busiest core's work + longest uncontended packet route + barrier" : "event-driven: cores process packets as they arrive, links serialize packets (one per hop latency), layer-sync units wait for their inputs"}), ${c0.mode} semantics${clockNote}`,
    },
    memory: {
      model: c0.memoryModel,
      synapseBits: sum(c0.cores.map((r) => r.memory.synapseBits)),
      neuronBits: sum(c0.cores.map((r) => r.memory.neuronBits)),
      routingEntries: sum(c0.cores.map((r) => r.memory.routingEntries)),
      coresUsed: c0.cores.length,
      maxUtilization,
      convention:
        "per core under the profile's memory model (the mapper's accounting recomputed from the slices); neuronBits = Σ declared state widths; routingEntries = output axons (neurons × destination nodes)",
    },
    grid: c0.grid,
    cores,
    links: [...links.values()].map((l) => ({ ...l })), // plain rows (RunLink)
    perStep: {
      spikes: bySteps(chips.map((c) => c.perStep.spikes)),
      synapticOps: bySteps(chips.map((c) => c.perStep.synapticOps)),
      cycles: bySteps(chips.map((c) => c.perStep.cycles)),
      packets: bySteps(chips.map((c) => c.perStep.packets)),
      energyJ: bySteps(chips.map((c) => c.perStep.energyJ)),
    },
    run: { profile: c0.profile, timing: c0.timing, mapping },
  };
  const raster = rasters(first);
  if (raster.length) out.raster = raster;
  const system = systemSection(results);
  if (system) out.system = system;
  return out;
}

/** The system level summed over samples: links merged by (from, to), energies summed. */
function systemSection(results: readonly ChipRunResult[]): RunSystem | undefined {
  const s0 = results[0]?.chip.system;
  if (!s0) return undefined;
  const costs = results[0]!.chip.costs;
  const links = new Map<string, RunSystem["links"][number]>();
  const energy: RunSystem["energy"] = { onChipJ: 0, interChipJ: 0, staticJ: 0 };
  if (s0.host) energy.hostJ = 0;
  let crossings = 0;
  let chipsUsed = 0;
  for (const r of results) {
    const sy = r.chip.system!;
    chipsUsed = Math.max(chipsUsed, sy.chipsInUse);
    crossings += sy.crossings;
    energy.onChipJ += sy.energy.onChipJ;
    energy.interChipJ += sy.energy.interChipJ;
    energy.staticJ += sy.energy.staticJ;
    if (energy.hostJ !== undefined) energy.hostJ += sy.energy.hostJ ?? 0;
    for (const l of sy.links) {
      const key = `${l.fromChip}>${l.toChip}`;
      const had = links.get(key);
      if (had) {
        had.packets += l.packets;
        had.energyJ += l.energyJ;
        had.busyCycles += l.busyCycles;
      } else links.set(key, { ...l });
    }
  }
  const k = EVENT_KINDS.indexOf("chipLink");
  const host = s0.host ? hostSection(results, costs) : undefined;
  return {
    chips: { x: s0.chipsX, y: s0.chipsY },
    coresPerChip: s0.coresPerChip,
    chipsUsed,
    crossings,
    links: [...links.values()].sort((a, b) => b.packets - a.packets || a.fromChip - b.fromChip),
    energy,
    link: {
      packetBits: costs.chipLinkPacketBits,
      ...(costs.modelled[k] ? { energyPerPacketJ: costs.energyJ[k]! } : {}),
      ...(costs.cycles[k]! > 0 ? { latencyS: costs.cycles[k]! / costs.clockHz } : {}),
      ...(costs.chipLinkBitsPerS > 0 ? { bandwidthBitsPerS: costs.chipLinkBitsPerS } : {}),
    },
    convention:
      "a route crossing a chip boundary uses the chip-to-chip link for that step instead of a mesh hop: energy per packet (or per bit × packetBits) × hops, its latency, and the link held packetBits / bandwidth per packet (detailed timing: FIFO serialisation; simple timing: a step lasts at least the busiest link's packets × packetBits / bandwidth); static power per chip × chips in use; the system barrier is added to every step when more than one chip is in use. onChipJ = the other events' energy",
    ...(host ? { host } : {}),
  };
}

/** The host link summed over samples (system.host). */
function hostSection(results: readonly ChipRunResult[], costs: CostTable): NonNullable<RunSystem["host"]> {
  const h = { packetsIn: 0, packetsOut: 0, energyInJ: 0, energyOutJ: 0, busyIn: 0, busyOut: 0, bound: 0 };
  for (const r of results) {
    const x = r.chip.system?.host;
    if (!x) continue;
    h.packetsIn += x.packetsIn;
    h.packetsOut += x.packetsOut;
    h.energyInJ += x.energyInJ;
    h.energyOutJ += x.energyOutJ;
    h.busyIn += x.busyInCycles;
    h.busyOut += x.busyOutCycles;
    h.bound += x.boundSteps;
  }
  const k = EVENT_KINDS.indexOf("hostIn");
  return {
    packetsIn: h.packetsIn,
    packetsOut: h.packetsOut,
    bitsIn: h.packetsIn * costs.hostPacketBits,
    bitsOut: h.packetsOut * costs.hostPacketBits,
    energyInJ: h.energyInJ,
    energyOutJ: h.energyOutJ,
    busyInS: h.busyIn / costs.clockHz,
    busyOutS: h.busyOut / costs.clockHz,
    boundSteps: h.bound,
    packetBits: costs.hostPacketBits,
    ...(costs.modelled[k] ? { energyPerPacketJ: costs.energyJ[k]! } : {}),
    ...(costs.cycles[k]! > 0 ? { latencyS: costs.cycles[k]! / costs.clockHz } : {}),
    ...(costs.hostBitsPerS > 0 ? { bandwidthBitsPerS: costs.hostBitsPerS } : {}),
    convention:
      "one host packet per input packet (input event × destination core) and per output event (spike or nonzero value) × output port; each pays the host link's energy per packet (or per bit × packetBits, hostIn / hostOut in byEvent, charged to the receiving / emitting core) and holds the link packetBits / bandwidth per direction; inputs arrive at their cores directly (the route from where the host attaches is not modelled). Detailed timing: inputs depart in order from the step's start and reach their cores latency + axonIn later, outputs depart when they left their core, FIFO; the step lasts until the last host packet arrived. Simple timing: the host latency (in, out) lengthens the longest route, and a step lasts at least each direction's packets × packetBits / bandwidth. hostJ = energyInJ + energyOutJ",
  };
}

/** Rasters of the recorded spiking sources of the first sample (≤ 64 neurons, ≤ 256 steps each). */
function rasters(r: ChipRunResult): RunRaster[] {
  const out: RunRaster[] = [];
  for (const [id, steps] of r.records) {
    if (!r.chip.spiking.includes(id)) continue;
    const neurons = r.chip.sizes[id] ?? 0;
    const spikes: [number, number][] = [];
    steps.slice(0, 256).forEach((ev, t) => {
      for (const j of ev.index) if (j < 64) spikes.push([t, j]);
    });
    const shown = Math.min(64, neurons);
    out.push({ id, neurons, shownNeurons: shown, steps: Math.min(256, steps.length), sample: 0, spikes });
  }
  return out;
}

/** Puts the sections into a run JSON built by `buildRunJson` (engine "chip"). */
export function applyChipSections(run: RunJson, s: ChipSections): RunJson {
  run.run = { ...run.run, ...s.run };
  run.counts = { ...run.counts, ...s.counts };
  if (s.run.convention === "sanafe") run.conventions = { ...run.conventions, ...SANAFE_COUNT_CONVENTIONS };
  run.energy = { ...run.energy, chip: s.energyChip };
  run.latency = s.latency;
  run.memory = s.memory;
  run.grid = s.grid;
  run.cores = s.cores;
  run.links = s.links;
  run.perStep = s.perStep;
  if (s.raster) run.raster = s.raster;
  if (s.system) run.system = s.system;
  if (s.phases) run.phases = s.phases;
  return run;
}

/** Link rows of several runs (batch samples, phases) added per (from, to): packets and busy cycles summed. */
export function mergeLinkRows<L extends { from: unknown; to: unknown; packets: number; busyCycles: number }>(
  lists: readonly (readonly L[])[],
): Map<string, L> {
  const links = new Map<string, L>();
  for (const list of lists)
    for (const l of list) {
      const key = `${l.from}>${l.to}`;
      const had = links.get(key);
      if (had) {
        had.packets += l.packets;
        had.busyCycles += l.busyCycles;
      } else links.set(key, { ...l });
    }
  return links;
}
