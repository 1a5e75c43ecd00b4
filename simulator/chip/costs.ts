// The profile's per-event costs as the chip simulator uses them: energy in joules and latency in cycles per
// event kind (indices into typed arrays), the clock, the barrier, static power and which numbers are estimates.

import type { ChipProfile } from "../../hw-profiles/index.js";
// the lookups alone: this runs on a direct run's start, which loads no profile schema (hw-profiles/lookups.ts)
import { barrierLatencyS, provenanceOf } from "../../hw-profiles/lookups.js";

/** Event kinds the simulator counts; one energy and one latency each (absent in the profile = not modelled). */
export const EVENT_KINDS = [
  "synopAC",
  "synopMAC",
  "neuronUpdateActive",
  "neuronUpdateIdle",
  "spikeOut",
  "hopEW",
  "hopNS",
  "axonIn",
  "axonOut",
  "memoryAccess",
  "chipLink",
  "hostIn",
  "hostOut",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const K = EVENT_KINDS.length;
export const AC = 0;
export const MAC = 1;
export const UPD_ACTIVE = 2;
export const UPD_IDLE = 3;
export const SPIKE_OUT = 4;
export const HOP_EW = 5;
export const HOP_NS = 6;
export const AXON_IN = 7;
export const AXON_OUT = 8;
export const MEM = 9;
/** A packet crossing a chip-to-chip link of a system (profile.system.link), instead of a mesh hop. */
export const CHIP_LINK = 10;
/** A packet from the host carrying an input event into a core (profile.system.host), charged to that core. */
export const HOST_IN = 11;
/** A packet to the host carrying an output value, charged to the core that emitted it. */
export const HOST_OUT = 12;
/** Event kinds that exist only on a system with a host link (left out of summaries otherwise). */
export const HOST_KINDS: readonly number[] = [HOST_IN, HOST_OUT];

/** Used when the profile has no clock (an asynchronous chip such as Loihi): 1 cycle = 1 ns. */
export const NOMINAL_CLOCK_HZ = 1e9;

export interface CostTable {
  clockHz: number;
  /** True when the profile gives no clock and `clockHz` is the nominal 1 GHz. */
  nominalClock: boolean;
  /** Joules per event, by kind index (0 when not modelled). */
  energyJ: Float64Array;
  /** Cycles per event, by kind index (0 when not modelled). */
  cycles: Float64Array;
  /** Whether the profile gives an energy for the kind. */
  modelled: boolean[];
  energyStatus: (string | undefined)[];
  latencyStatus: (string | undefined)[];
  /** Cycles one packet holds a chip-to-chip link: packetBits / bandwidth (0 when not modelled). */
  chipLinkOccupancy: number;
  /** The system's packet size and link bandwidth (0 when not a system / not modelled). */
  chipLinkPacketBits: number;
  chipLinkBitsPerS: number;
  /** Whether the profile declares a host link (system.host); hostIn / hostOut cost its energy and latency. */
  host: boolean;
  /** Cycles one packet holds the host link in one direction: packetBits / bandwidth (0 when not modelled). */
  hostOccupancy: number;
  /** The host link's packet size and bandwidth (0 when no host link / not modelled). */
  hostPacketBits: number;
  hostBitsPerS: number;
  hostBandwidthStatus: string | undefined;
  /** Static power while the chip runs, W: per chip × chips in use (a single chip: × grid.chips) + per core × cores in use. */
  staticPowerW: number;
  staticStatus: string | undefined;
  /** Barrier cycles for the tiles in use (table) or the tick period in cycles (`tick`: a step lasts at least this). */
  barrierCycles: number;
  barrierKind: "table" | "tick" | "none";
  /** The system's timestep synchronisation after the chips' barriers (more than one chip in use), cycles. */
  systemBarrierCycles: number;
  systemBarrierStatus: string | undefined;
  barrierStatus: string | undefined;
}

/** The provenance status of `costs.<kind>.<what>` (hopEW/hopNS may come from `hop`). */
function status(profile: ChipProfile, kind: EventKind, what: "energy" | "latency"): string | undefined {
  if (kind === "chipLink" || kind === "hostIn" || kind === "hostOut") {
    const at = kind === "chipLink" ? "system.link" : "system.host";
    const keys = what === "energy" ? [`${at}.energyPerPacket`, `${at}.energyPerBit`] : [`${at}.latency`];
    return keys.map((k) => provenanceOf(profile, k)?.status).find((x) => x !== undefined);
  }
  const e =
    provenanceOf(profile, `costs.${kind}.${what}`) ??
    (kind === "hopEW" || kind === "hopNS" ? provenanceOf(profile, `costs.hop.${what}`) : undefined);
  return e?.status;
}

/**
 * `tilesInUse`: on a system, the most tiles in use on one chip (each chip runs its own barrier); `chipsInUse`:
 * chips holding a core in use (static power per chip, and the system barrier when more than one).
 */
export function costTable(
  profile: ChipProfile,
  coresInUse: number,
  tilesInUse: number,
  chipsInUse = 1,
): CostTable {
  const clockHz = profile.clockHz ?? NOMINAL_CLOCK_HZ;
  const energyJ = new Float64Array(K);
  const cycles = new Float64Array(K);
  const modelled: boolean[] = [];
  const link = profile.system?.link;
  const host = profile.system?.host;
  EVENT_KINDS.forEach((kind, k) => {
    const c =
      kind === "chipLink"
        ? link && { energyJ: link.energyPerPacketJ, latencyS: link.latencyS }
        : kind === "hostIn" || kind === "hostOut"
          ? host && { energyJ: host.energyPerPacketJ, latencyS: host.latencyS }
          : profile.costs[kind];
    energyJ[k] = c?.energyJ ?? 0;
    cycles[k] = c?.latencyCycles ?? (c?.latencyS === undefined ? 0 : c.latencyS * clockHz);
    modelled.push(c?.energyJ !== undefined);
  });
  const sp = profile.staticPower;
  const sy = profile.system;
  const perChipW = sy?.staticPowerPerChipW ?? sp.perChipW ?? 0;
  const staticPowerW = perChipW * (sy ? chipsInUse : profile.grid.chips) + (sp.perCoreW ?? 0) * coresInUse;
  const staticStatus =
    (sy?.staticPowerPerChipW !== undefined
      ? provenanceOf(profile, "system.staticPowerPerChip")?.status
      : undefined) ??
    provenanceOf(profile, "staticPower.perChip")?.status ??
    provenanceOf(profile, "staticPower.perCore")?.status;
  const systemBarrierS = sy && chipsInUse > 1 ? (sy.barrierS ?? 0) : 0;
  const barrierS = barrierLatencyS(profile, tilesInUse) ?? 0;
  const occupancyS = sy?.link.bandwidthBitsPerS ? sy.packetBits / sy.link.bandwidthBitsPerS : 0;
  const hostOccupancyS = host?.bandwidthBitsPerS ? host.packetBits / host.bandwidthBitsPerS : 0;
  const b = profile.barrier;
  const barrierStatus = [...profile.provenance.values()].find((e) => e.keyPath.startsWith("barrier"))?.status;
  return {
    clockHz,
    nominalClock: profile.clockHz === undefined,
    energyJ,
    cycles,
    modelled,
    energyStatus: EVENT_KINDS.map((k) => status(profile, k, "energy")),
    latencyStatus: EVENT_KINDS.map((k) => status(profile, k, "latency")),
    chipLinkOccupancy: occupancyS * clockHz,
    chipLinkPacketBits: sy?.packetBits ?? 0,
    chipLinkBitsPerS: sy?.link.bandwidthBitsPerS ?? 0,
    host: host !== undefined,
    hostOccupancy: hostOccupancyS * clockHz,
    hostPacketBits: host?.packetBits ?? 0,
    hostBitsPerS: host?.bandwidthBitsPerS ?? 0,
    hostBandwidthStatus: provenanceOf(profile, "system.host.bandwidth")?.status,
    staticPowerW,
    staticStatus,
    barrierCycles: barrierS * clockHz,
    systemBarrierCycles: systemBarrierS * clockHz,
    systemBarrierStatus: provenanceOf(profile, "system.barrier")?.status,
    barrierKind: b?.kind ?? "none",
    barrierStatus,
  };
}
