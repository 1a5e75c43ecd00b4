// Turns a schema-valid profile file into the runtime ChipProfile: SI numbers, explicit absences,
// per-core lookups. Provenance is kept beside the numbers (provenance.ts).

import { assertNever } from "../common/errors.js";
import { coresPerChip } from "./checks.js";
import { buildProvenance } from "./provenance.js";
import type {
  CostFile,
  CostName,
  MemoryModelFile,
  ProfileFile,
  Quantity,
  SystemFile,
  UnitsFile,
} from "./schema.js";
import type {
  Barrier,
  ChipProfile,
  CoreLimits,
  Cost,
  Costs,
  MemoryModel,
  System,
  SystemHost,
  Units,
} from "./types.js";
import { CYCLES, dimensionOfUnit, toSI } from "./units.js";

export { barrierLatencyS } from "./lookups.js";

/** A quantity's value in SI (counts unchanged); undefined for an absent quantity or cycles without a clock. */
function si(q: Quantity | undefined, clockHz?: number): number | undefined {
  if (!q) return undefined;
  if (!("unit" in q)) return q.value;
  const dim = dimensionOfUnit(q.unit);
  return dim === undefined ? undefined : toSI(dim, q.value, q.unit, clockHz);
}

// Optional fields are left out entirely when absent, so `"energyJ" in cost` is a faithful test.
function withDefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function cost(c: CostFile, clockHz: number | undefined): Cost {
  const lat = c.latency;
  return withDefined({
    energyJ: si(c.energy),
    latencyS: si(lat, clockHz),
    latencyCycles: lat?.unit === CYCLES ? lat.value : undefined,
  });
}

function memoryModel(m: MemoryModelFile, coreCount: number): MemoryModel {
  switch (m.kind) {
    case "dense":
      return withDefined({ kind: "dense" as const, sharedWeights: m.sharedWeights?.value });
    case "conv-shared":
      return { kind: m.kind };
    case "csr":
      return withDefined({
        kind: "csr" as const,
        wordBits: si(m.wordBits),
        indexBits: si(m.indexBits),
        sharedWeights: m.sharedWeights?.value,
      });
    case "loihi":
      return {
        kind: "loihi",
        // a required memory quantity: si gives its value in bits
        wordBits: si(m.wordBits)!,
        blockSynapses: m.blockSynapses.value,
        blockHeaderBits: m.blockHeaderBits.value,
        compartmentBase: m.compartmentBase.value,
      };
    case "speck": {
      const cores = Array.from({ length: coreCount }, () => ({
        kernelEntries: 0,
        neuronEntries: 0,
        biasEntries: 0,
      }));
      for (const row of m.coreTable) {
        for (const c of row.cores) {
          cores[c] = {
            kernelEntries: row.kernelEntries.value,
            neuronEntries: row.neuronEntries.value,
            biasEntries: row.biasEntries.value,
          };
        }
      }
      return {
        kind: "speck",
        cores,
        maxKernelSize: m.maxKernelSize.value,
        maxStride: m.maxStride.value,
        maxPadding: m.maxPadding.value,
        maxChannels: m.maxChannels.value,
        maxInputSize: m.maxInputSize.value,
        maxOutputSize: m.maxOutputSize.value,
        maxPool: m.maxPool.value,
        maxDestinations: m.maxDestinations.value,
      };
    }
    case "truenorth-crossbar":
      return {
        kind: m.kind,
        axons: m.axons.value,
        neurons: m.neurons.value,
        axonTypes: m.axonTypes.value,
        typeWeightBits: m.typeWeightBits.value,
        targetsPerNeuron: m.targetsPerNeuron.value,
      };
    case "xylo":
      return withDefined({
        kind: m.kind,
        inputChannels: m.inputChannels.value,
        hiddenNeurons: m.hiddenNeurons.value,
        outputNeurons: m.outputNeurons.value,
        synapsesPerNeuron: m.synapsesPerNeuron.value,
        maxFanOut: m.maxFanOut.value,
        maxInputSpikesPerStep: si(m.maxInputSpikesPerStep),
        maxHiddenSpikesPerStep: si(m.maxHiddenSpikesPerStep),
      });
    default:
      return assertNever(m, "memory model");
  }
}

/** Products of SI numbers without binary noise (10 pJ × 40 = 4e-10, not 3.9999999999999996e-10). */
const clean = (x: number) => Number(x.toPrecision(12));

function system(sy: SystemFile | undefined, clockHz: number | undefined): System | undefined {
  if (!sy) return undefined;
  const hops = sy.link.hops?.value ?? 1;
  const packetBits = sy.packetBits.value;
  const perBit = si(sy.link.energyPerBit);
  const perPacket = si(sy.link.energyPerPacket) ?? (perBit === undefined ? undefined : perBit * packetBits);
  const latency = si(sy.link.latency, clockHz);
  return withDefined({
    chipsX: sy.chips.x.value,
    chipsY: sy.chips.y.value,
    packetBits,
    link: withDefined({
      energyPerPacketJ: perPacket === undefined ? undefined : clean(perPacket * hops),
      latencyS: latency === undefined ? undefined : clean(latency * hops),
      bandwidthBitsPerS: si(sy.link.bandwidth),
      hops,
    }),
    host: host(sy.host, packetBits, clockHz),
    staticPowerPerChipW: si(sy.staticPowerPerChip),
    barrierS: si(sy.barrier),
  });
}

function host(
  h: SystemFile["host"],
  systemPacketBits: number,
  clockHz: number | undefined,
): SystemHost | undefined {
  if (!h) return undefined;
  const packetBits = h.packetBits?.value ?? systemPacketBits;
  const perBit = si(h.energyPerBit);
  const perPacket = si(h.energyPerPacket) ?? (perBit === undefined ? undefined : clean(perBit * packetBits));
  return withDefined({
    energyPerPacketJ: perPacket,
    latencyS: si(h.latency, clockHz),
    bandwidthBitsPerS: si(h.bandwidth),
    packetBits,
  });
}

function barrier(b: ProfileFile["barrier"]): Barrier | undefined {
  if (!b) return undefined;
  switch (b.kind) {
    case "table":
      return { kind: "table", points: b.points.map((p) => ({ tiles: p.tiles, latencyS: si(p.latency)! })) };
    case "tick":
      return { kind: "tick", periodS: si(b.period)! };
    case "none":
      return { kind: "none" };
    default:
      return assertNever(b, "barrier");
  }
}

function units(u: UnitsFile | undefined, clockHz: number | undefined): Units | undefined {
  if (!u) return undefined;
  const named = (m: Record<string, CostFile> | undefined) =>
    Object.entries(m ?? {}).map(([name, c]) => ({ name, cost: cost(c, clockHz) }));
  return {
    synapse: named(u.synapse),
    dendrite: named(u.dendrite),
    soma: Object.entries(u.soma ?? {}).map(([name, s]) => ({
      name,
      model: s.model ?? "lif",
      access: s.access ? cost(s.access, clockHz) : {},
      update: s.update ? cost(s.update, clockHz) : {},
      spikeOut: s.spikeOut ? cost(s.spikeOut, clockHz) : {},
    })),
    ...(u.hops
      ? {
          hops: {
            north: cost(u.hops.north, clockHz),
            south: cost(u.hops.south, clockHz),
            east: cost(u.hops.east, clockHz),
            west: cost(u.hops.west, clockHz),
          },
        }
      : {}),
  };
}

/** The runtime profile of a file that passed the schema and the consistency checks. */
export function normalizeProfile(p: ProfileFile, file: string): ChipProfile {
  const clockHz = si(p.clock);
  const costs: Costs = {};
  for (const [name, c] of Object.entries(p.costs) as [CostName, CostFile | undefined][]) {
    if (c) costs[name] = cost(c, clockHz);
  }
  if (costs.hop) {
    costs.hopEW ??= costs.hop;
    costs.hopNS ??= costs.hop;
  }
  const n = coresPerChip(p);
  const g = p.grid;
  return {
    name: p.name,
    description: p.description,
    file,
    grid: withDefined({
      width: g.width.value,
      height: g.height.value,
      coresPerTile: g.coresPerTile.value,
      unavailableTiles: g.unavailableTiles ?? [],
      coresPerChip: n,
      routing: g.routing,
      multicast: g.multicast,
      chips: p.system ? p.system.chips.x.value * p.system.chips.y.value : g.chips.value,
      chipLink: g.chipLink && cost(g.chipLink, clockHz),
      routingEntriesPerChip: si(g.routingEntriesPerChip),
      linkBuffer: si(g.linkBuffer),
    }),
    core: withDefined({
      neurons: p.core.neurons.value,
      synapseMemoryBits: si(p.core.synapseMemory),
      inputAxons: si(p.core.inputAxons),
      outputRoutes: si(p.core.outputRoutes),
      memoryModel: memoryModel(p.core.memoryModel, n),
      weightBits: p.core.weightBits.value,
      weightFormat: p.core.weightFormat,
      stateBits: si(p.core.stateBits),
      capabilities: withDefined({
        ...p.core.capabilities,
        payloadBits: si(p.core.capabilities.payloadBits),
        maxDelay: si(p.core.capabilities.maxDelay),
      }),
    }),
    coreOverrides: (p.coreOverrides ?? []).map((o) => ({
      cores: o.cores,
      limits: withDefined({
        neurons: si(o.neurons),
        synapseMemoryBits: si(o.synapseMemory),
        inputAxons: si(o.inputAxons),
        outputRoutes: si(o.outputRoutes),
      }),
    })),
    costs,
    ...withDefined({
      units: units(p.units, clockHz),
      barrier: barrier(p.barrier),
      clockHz,
      system: system(p.system, clockHz),
      notes: p.notes && [...p.notes],
    }),
    staticPower: withDefined({ perCoreW: si(p.staticPower?.perCore), perChipW: si(p.staticPower?.perChip) }),
    timestep: { ...p.timestep },
    sources: { ...p.sources },
    provenance: buildProvenance(p, clockHz),
  };
}

/** The limits of one core (index on its chip): the profile's core limits with any overrides applied. */
export function coreLimits(profile: ChipProfile, coreIndex: number): CoreLimits {
  const { neurons, synapseMemoryBits, inputAxons, outputRoutes } = profile.core;
  let limits: CoreLimits = withDefined({ neurons, synapseMemoryBits, inputAxons, outputRoutes });
  for (const o of profile.coreOverrides) if (o.cores.includes(coreIndex)) limits = { ...limits, ...o.limits };
  return limits;
}
