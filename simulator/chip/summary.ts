// Plain-data snapshot of what the chip model recorded: per core (counts, busy cycles, energy by event kind
// including its share of static energy, memory), per link, per step, totals, and the energy and latency views.

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { TimestepMode } from "../reference/schedule.js";
import {
  AC,
  CHIP_LINK,
  type CostTable,
  EVENT_KINDS,
  HOST_IN,
  HOST_KINDS,
  HOST_OUT,
  K,
  MAC,
} from "./costs.js";
import type { Layout } from "./layout.js";
import type { CoreMemory } from "./memory.js";
import type { Noc } from "./noc.js";
import type { ChipTally, StepSeries, Timing } from "./stats.js";

export interface CoreSummary {
  core: number;
  tile: [number, number];
  /** "pop[start:end]" per slice. */
  slices: string[];
  neurons: number;
  /** Synaptic ops on the core (dynamic-matmul products included). */
  ac: number;
  mac: number;
  neuronUpdates: number;
  activeNeuronUpdates: number;
  /** Events emitted: spikes and graded payloads. */
  spikes: number;
  packetsIn: number;
  packetsOut: number;
  busyCycles: number;
  /** Events per kind (hops: those of the packets this core sent). */
  events: Record<string, number>;
  /** Joules per event kind plus "static" (static energy shared equally over the cores in use). */
  byEvent: Record<string, number>;
  energyJ: number;
  memory: CoreMemory;
}

export interface LinkSummary {
  from: [number, number];
  to: [number, number];
  packets: number;
  busyCycles: number;
}

/** One directed chip-to-chip link of a system and what crossed it over the run. */
export interface ChipLinkSummary {
  fromChip: number;
  toChip: number;
  packets: number;
  energyJ: number;
  /** packets × packetBits / bandwidth, in cycles. */
  busyCycles: number;
}

/** The host link's traffic over the run, in and out (system.host). */
export interface HostSummary {
  packetsIn: number;
  packetsOut: number;
  bitsIn: number;
  bitsOut: number;
  energyInJ: number;
  energyOutJ: number;
  /** Cycles the link serialised packets: packets × packetBits / bandwidth (0 when no bandwidth is given). */
  busyInCycles: number;
  busyOutCycles: number;
  /** Steps whose end the host link set. */
  boundSteps: number;
}

/** The system level of a multi-chip run: chips in use, traffic per chip-to-chip link, energy split. */
export interface SystemSummary {
  chipsX: number;
  chipsY: number;
  coresPerChip: number;
  chipsInUse: number;
  /** Packets × chip-to-chip links crossed. */
  crossings: number;
  links: ChipLinkSummary[];
  /** onChipJ + interChipJ (+ hostJ) = dynamicJ; + staticJ = totalJ. hostJ only with a host link. */
  energy: { onChipJ: number; interChipJ: number; staticJ: number; hostJ?: number };
  /** A profile with `system.host` only. */
  host?: HostSummary;
}

export interface ChipSummary {
  profile: string;
  timing: Timing;
  mode: TimestepMode;
  clockHz: number;
  nominalClock: boolean;
  grid: { width: number; height: number };
  tilesInUse: number;
  steps: number;
  packets: number;
  hops: number;
  inputPackets: number;
  events: Record<string, number>;
  energy: {
    totalJ: number;
    dynamicJ: number;
    staticJ: number;
    staticPowerW: number;
    byEvent: Record<string, number>;
  };
  /** Simulated time: Σ step cycles / clock. */
  cycles: number;
  simulatedS: number;
  perStep: StepSeries;
  cores: CoreSummary[];
  links: LinkSummary[];
  costs: CostTable;
  /** The profile's memory model kind. */
  memoryModel: string;
  /** Neurons of every input, population and dynamic matmul. */
  sizes: Record<string, number>;
  /** Ids of the sources that emit binary spikes. */
  spiking: string[];
  /** Multi-chip systems only. */
  system?: SystemSummary;
}

export function summarize(
  profile: ChipProfile,
  layout: Layout,
  costs: CostTable,
  noc: Noc,
  tally: ChipTally,
  memory: CoreMemory[],
  timing: Timing,
  mode: TimestepMode,
  sources: { sizes: Record<string, number>; spiking: string[] },
): ChipSummary {
  const simulatedS = tally.cycles / costs.clockHz;
  const staticJ = costs.staticPowerW * simulatedS;
  const events: Record<string, number> = {};
  const byEvent: Record<string, number> = {};
  // the host kinds exist only on a system with a host link: a profile without one reports as before
  const counted = (k: number) => costs.host || !HOST_KINDS.includes(k);
  EVENT_KINDS.forEach((kind, k) => {
    if (!counted(k)) return;
    events[kind] = tally.total(k);
    if (costs.modelled[k]) byEvent[kind] = events[kind] * costs.energyJ[k]!;
  });
  const dynamicJ = Object.values(byEvent).reduce((a, b) => a + b, 0);
  const w = profile.grid.width * (profile.system?.chipsX ?? 1);
  const tileOf = (id: number): [number, number] => [id % w, Math.floor(id / w)];
  const cores: CoreSummary[] = layout.bySlot.map((slices, c) => {
    const ev: Record<string, number> = {};
    const by: Record<string, number> = {};
    EVENT_KINDS.forEach((kind, k) => {
      if (!counted(k)) return;
      ev[kind] = tally.events[c * K + k]!;
      if (costs.modelled[k]) by[kind] = ev[kind] * costs.energyJ[k]!;
    });
    by.static = staticJ / layout.slots;
    return {
      core: layout.coreIndex[c]!,
      tile: [layout.tileX[c]!, layout.tileY[c]!],
      slices: slices.map((s) => `${s.node}[${s.start}:${s.start + s.count}]`),
      neurons: slices.reduce((a, s) => a + s.count, 0),
      ac: tally.events[c * K + AC]!,
      mac: tally.events[c * K + MAC]!,
      neuronUpdates: tally.updates[c]!,
      activeNeuronUpdates: tally.activeUpdates[c]!,
      spikes: tally.emitted[c]!,
      packetsIn: tally.packetsIn[c]!,
      packetsOut: tally.packetsOut[c]!,
      busyCycles: tally.busy[c]!,
      events: ev,
      byEvent: by,
      energyJ: Object.values(by).reduce((a, b) => a + b, 0),
      memory: memory[c]!,
    };
  });
  const links: LinkSummary[] = [];
  const linkBusy = noc.linkBusy; // a getter that builds the array: read it once
  for (let l = 0; l < noc.linkFrom.length; l++) {
    if (noc.linkPackets[l] === 0) continue;
    links.push({
      from: tileOf(noc.linkFrom[l]!),
      to: tileOf(noc.linkTo[l]!),
      packets: noc.linkPackets[l]!,
      busyCycles: linkBusy[l]!,
    });
  }
  const s = tally.series;
  const copy = (x: number[]) => [...x];
  return {
    profile: profile.name,
    timing,
    mode,
    clockHz: costs.clockHz,
    nominalClock: costs.nominalClock,
    grid: { width: w, height: profile.grid.height * (profile.system?.chipsY ?? 1) },
    tilesInUse: layout.tilesInUse,
    steps: tally.steps,
    packets: tally.packets,
    hops: tally.hops,
    inputPackets: tally.inputPackets,
    events,
    energy: { totalJ: dynamicJ + staticJ, dynamicJ, staticJ, staticPowerW: costs.staticPowerW, byEvent },
    cycles: tally.cycles,
    simulatedS,
    perStep: {
      cycles: copy(s.cycles),
      compute: copy(s.compute),
      noc: copy(s.noc),
      barrier: copy(s.barrier),
      spikes: copy(s.spikes),
      synapticOps: copy(s.synapticOps),
      packets: copy(s.packets),
      hops: copy(s.hops),
      energyJ: copy(s.energyJ),
    },
    cores,
    links,
    costs,
    memoryModel: profile.core.memoryModel.kind,
    ...sources,
    ...(profile.system
      ? { system: systemSummary(profile, layout, costs, noc, tally, dynamicJ, staticJ) }
      : {}),
  };
}

function systemSummary(
  profile: ChipProfile,
  layout: Layout,
  costs: CostTable,
  noc: Noc,
  tally: ChipTally,
  dynamicJ: number,
  staticJ: number,
): SystemSummary {
  const sy = profile.system!;
  const g = profile.grid;
  const busy = noc.linkBusy;
  const links: ChipLinkSummary[] = [];
  for (const l of noc.chipLinks) {
    const packets = noc.linkPackets[l]!;
    if (packets === 0) continue;
    links.push({
      fromChip: noc.chipOfTile(noc.linkFrom[l]!),
      toChip: noc.chipOfTile(noc.linkTo[l]!),
      packets,
      energyJ: packets * costs.energyJ[CHIP_LINK]!,
      busyCycles: busy[l]!,
    });
  }
  links.sort((a, b) => b.packets - a.packets || a.fromChip - b.fromChip || a.toChip - b.toChip);
  const interChipJ = costs.modelled[CHIP_LINK] ? tally.total(CHIP_LINK) * costs.energyJ[CHIP_LINK]! : 0;
  const energyOf = (k: number) => (costs.modelled[k] ? tally.total(k) * costs.energyJ[k]! : 0);
  const host: HostSummary | undefined = costs.host
    ? {
        packetsIn: tally.hostInPackets,
        packetsOut: tally.hostOutPackets,
        bitsIn: tally.hostInPackets * costs.hostPacketBits,
        bitsOut: tally.hostOutPackets * costs.hostPacketBits,
        energyInJ: energyOf(HOST_IN),
        energyOutJ: energyOf(HOST_OUT),
        busyInCycles: tally.hostInBusy,
        busyOutCycles: tally.hostOutBusy,
        boundSteps: tally.hostBoundSteps,
      }
    : undefined;
  const hostJ = host ? host.energyInJ + host.energyOutJ : 0;
  return {
    chipsX: sy.chipsX,
    chipsY: sy.chipsY,
    coresPerChip: g.coresPerChip,
    chipsInUse: layout.chipsInUse,
    crossings: tally.chipLinkCrossings,
    links,
    energy: host
      ? { onChipJ: dynamicJ - interChipJ - hostJ, interChipJ, staticJ, hostJ }
      : { onChipJ: dynamicJ - interChipJ, interChipJ, staticJ },
    ...(host ? { host } : {}),
  };
}
