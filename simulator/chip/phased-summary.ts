// The chip summaries of a phased run's phases as one (phased.ts): counts and dynamic energy summed core by core
// onto the whole mapping's cores, per-step series one phase after the other, static power over the total time.

import type { Layout } from "./layout.js";
import type { coreMemory } from "./memory.js";
import { mergeLinkRows } from "./sections.js";
import type { ChipLinkSummary, ChipSummary, CoreSummary, HostSummary, SystemSummary } from "./summary.js";

/** T steps with no work: a phase with nothing on cores (its outputs read module inputs only). */
export function idleSummary(
  T: number,
): Pick<
  ChipSummary,
  | "steps"
  | "packets"
  | "hops"
  | "inputPackets"
  | "events"
  | "energy"
  | "cycles"
  | "simulatedS"
  | "perStep"
  | "cores"
  | "links"
> &
  Pick<Partial<ChipSummary>, "system"> {
  const zeros = () => new Array<number>(T).fill(0);
  return {
    steps: T,
    packets: 0,
    hops: 0,
    inputPackets: 0,
    events: {},
    energy: { totalJ: 0, dynamicJ: 0, staticJ: 0, staticPowerW: 0, byEvent: {} },
    cycles: 0,
    simulatedS: 0,
    perStep: {
      cycles: zeros(),
      compute: zeros(),
      noc: zeros(),
      barrier: zeros(),
      spikes: zeros(),
      synapticOps: zeros(),
      packets: zeros(),
      hops: zeros(),
      energyJ: zeros(),
    },
    cores: [],
    links: [],
  };
}

export type PhaseSummary = ReturnType<typeof idleSummary>;

/**
 * The system level of a phased run: every phase's chip-to-chip and host traffic summed link by link, chips in
 * use of the whole mapping, and the energy split of the merged totals (on-chip = dynamic − inter-chip − host).
 */
export function mergeSystems(
  first: SystemSummary,
  phases: PhaseSummary[],
  layout: Layout,
  energy: { dynamicJ: number; staticJ: number },
): SystemSummary {
  const systems = phases.flatMap((p) => (p.system ? [p.system] : []));
  const links = new Map<string, ChipLinkSummary>();
  for (const l of systems.flatMap((x) => x.links)) {
    const key = `${l.fromChip}>${l.toChip}`;
    const had = links.get(key);
    links.set(
      key,
      had
        ? {
            ...had,
            packets: had.packets + l.packets,
            energyJ: had.energyJ + l.energyJ,
            busyCycles: had.busyCycles + l.busyCycles,
          }
        : { ...l },
    );
  }
  const sum = (f: (x: SystemSummary) => number) => systems.reduce((a, x) => a + f(x), 0);
  const interChipJ = sum((x) => x.energy.interChipJ);
  let host: HostSummary | undefined;
  if (first.host) {
    const hs = systems.flatMap((x) => (x.host ? [x.host] : []));
    const total = (k: keyof HostSummary) => hs.reduce((a, h) => a + h[k], 0);
    host = {
      packetsIn: total("packetsIn"),
      packetsOut: total("packetsOut"),
      bitsIn: total("bitsIn"),
      bitsOut: total("bitsOut"),
      energyInJ: total("energyInJ"),
      energyOutJ: total("energyOutJ"),
      busyInCycles: total("busyInCycles"),
      busyOutCycles: total("busyOutCycles"),
      boundSteps: total("boundSteps"),
    };
  }
  const hostJ = host ? host.energyInJ + host.energyOutJ : 0;
  const onChipJ = energy.dynamicJ - interChipJ - hostJ;
  return {
    ...first,
    chipsInUse: layout.chipsInUse,
    crossings: sum((x) => x.crossings),
    links: [...links.values()].sort(
      (a, b) => b.packets - a.packets || a.fromChip - b.fromChip || a.toChip - b.toChip,
    ),
    energy: host
      ? { onChipJ, interChipJ, staticJ: energy.staticJ, hostJ }
      : { onChipJ, interChipJ, staticJ: energy.staticJ },
    ...(host ? { host } : {}),
  };
}

/** Sums phase summaries core by core onto the whole module's cores; static energy over the total time. */
export function mergeSummaries(
  first: ChipSummary,
  phases: PhaseSummary[],
  layout: Layout,
  staticPowerW: number,
  memory: ReturnType<typeof coreMemory>,
  sources: { sizes: Record<string, number>; spiking: string[] },
): ChipSummary {
  const sum = (f: (c: PhaseSummary) => number) => phases.reduce((a, c) => a + f(c), 0);
  const addInto = (into: Record<string, number>, x: Record<string, number>) => {
    for (const [k, v] of Object.entries(x)) if (k !== "static") into[k] = (into[k] ?? 0) + v;
  };
  const simulatedS = sum((c) => c.simulatedS);
  const staticJ = staticPowerW * simulatedS;
  const events: Record<string, number> = {};
  const byEvent: Record<string, number> = {};
  for (const c of phases) {
    addInto(events, c.events);
    addInto(byEvent, c.energy.byEvent);
  }
  const dynamicJ = Object.values(byEvent).reduce((a, b) => a + b, 0);
  const rows = new Map<number, CoreSummary[]>();
  for (const c of phases) for (const r of c.cores) rows.set(r.core, [...(rows.get(r.core) ?? []), r]);
  const cores: CoreSummary[] = layout.bySlot.map((slices, s) => {
    const core = layout.coreIndex[s]!;
    const all = rows.get(core) ?? [];
    const total = (f: (r: CoreSummary) => number) => all.reduce((a, r) => a + f(r), 0);
    const ev: Record<string, number> = {};
    const by: Record<string, number> = {};
    for (const r of all) {
      addInto(ev, r.events);
      addInto(by, r.byEvent);
    }
    by.static = staticJ / layout.slots;
    return {
      core,
      tile: [layout.tileX[s]!, layout.tileY[s]!],
      slices: slices.map((x) => `${x.node}[${x.start}:${x.start + x.count}]`),
      neurons: slices.reduce((a, x) => a + x.count, 0),
      ac: total((r) => r.ac),
      mac: total((r) => r.mac),
      neuronUpdates: total((r) => r.neuronUpdates),
      activeNeuronUpdates: total((r) => r.activeNeuronUpdates),
      spikes: total((r) => r.spikes),
      packetsIn: total((r) => r.packetsIn),
      packetsOut: total((r) => r.packetsOut),
      busyCycles: total((r) => r.busyCycles),
      events: ev,
      byEvent: by,
      energyJ: Object.values(by).reduce((a, b) => a + b, 0),
      memory: memory[s]!,
    };
  });
  const links = mergeLinkRows<ChipSummary["links"][number]>(phases.map((c) => c.links));
  const series = (k: keyof ChipSummary["perStep"]) => phases.flatMap((c) => c.perStep[k]);
  return {
    ...first,
    tilesInUse: new Set(layout.tileId).size,
    steps: sum((c) => c.steps),
    packets: sum((c) => c.packets),
    hops: sum((c) => c.hops),
    inputPackets: sum((c) => c.inputPackets),
    events,
    energy: { totalJ: dynamicJ + staticJ, dynamicJ, staticJ, staticPowerW, byEvent },
    cycles: sum((c) => c.cycles),
    simulatedS,
    perStep: {
      cycles: series("cycles"),
      compute: series("compute"),
      noc: series("noc"),
      barrier: series("barrier"),
      spikes: series("spikes"),
      synapticOps: series("synapticOps"),
      packets: series("packets"),
      hops: series("hops"),
      energyJ: series("energyJ"),
    },
    cores,
    links: [...links.values()],
    ...sources,
    ...(first.system ? { system: mergeSystems(first.system, phases, layout, { dynamicJ, staticJ }) } : {}),
  };
}
