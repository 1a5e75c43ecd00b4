// mapNetwork: NMIR + chip profile → a placed, routed mapping and its fit report. Partition each node into
// slices that fit a core, pack them onto cores, place the cores (sequential, greedy or annealed) and route
// XY. When it does not fit it throws a MappingError carrying the fit report with every explained misfit.

import { SpikegridError } from "../../common/errors.js";
import { noProgress, type Progress } from "../../common/progress.js";
import { BUILTIN_PROFILES, type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { type NmirModule, verify } from "../nmir/index.js";
import { assignChips, chipMisfit, placeOnSystem } from "./chip-partition.js";
import { encodingsOf } from "./encoding.js";
import { buildFitReport, describeMisfitLimit } from "./fit-report.js";
import type { FitReport } from "./fit-types.js";
import { type CorePosition, chipOfCore, corePositions, systemChips } from "./grid.js";
import { coreLowerBound } from "./lower-bound.js";
import { limitsOf } from "./memory-models.js";
import { type MapNode, mapNodes } from "./nodes.js";
import { type Bin, type PackResult, pack } from "./pack.js";
import { capabilityMisfits, type PartitionResult, partition } from "./partition.js";
import { placeAnneal } from "./place-anneal.js";
import { placementProblem } from "./place-cost.js";
import { placeGreedy } from "./place-greedy.js";
import { placeSequential } from "./place-sequential.js";
import { routeXY } from "./route-xy.js";
import { type SpikeCounts, trafficEdges } from "./traffic.js";
import { MAPPING_SCHEMA_VERSION, type Mapping, type Placement } from "./types.js";
import { markMapped } from "./validate.js";

export interface MapOptions {
  /** Use at most this many cores (default: the chip's, or the whole system's). */
  maxCores?: number;
  /** On a multi-chip system: use at most this many chips (default: all of them). */
  maxChips?: number;
  /** Put at most this many neurons on a core. */
  neuronsPerCore?: number;
  /** Default "greedy". */
  placement?: Placement;
  /** Recorded spikes per neuron by population id; without it traffic comes from fan-out. */
  traffic?: SpikeCounts;
  /** Seed of the annealer (default 1). */
  seed?: number;
  /** On a misfit, try the built-in profiles and list those that fit (default true). */
  suggestProfiles?: boolean;
  /** Told each phase (partition, pack, place, route, other profiles) and the nodes / bins done in it. */
  progress?: Progress;
}

export interface MapResult {
  mapping: Mapping;
  fit: FitReport;
}

/** A misfit: the SpikegridError (UNSUPPORTED, or USAGE when --max-cores is the only cause) with the report. */
export class MappingError extends SpikegridError {
  readonly fit: FitReport;
  constructor(code: "UNSUPPORTED" | "USAGE", message: string, fit: FitReport, hint?: string) {
    super(code, message, {
      details: fit.misfits.map((m) => ({
        where: m.population === "*" ? "network" : m.population,
        message: describeMisfitLimit(m),
      })),
      ...(hint ? { hint } : {}),
    });
    this.fit = fit;
  }
}

function intOption(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1))
    throw new SpikegridError("USAGE", `${name} must be a positive integer, got ${v}`);
}

interface Analysis {
  bins: Bin[];
  fit: FitReport;
  cores: number;
  /** The demand lower bound on cores (coreLowerBound). */
  atLeast: number;
  /** Chip of each bin (all 0 on a single chip). */
  chipOf: number[];
  packing: Packing;
}

/**
 * The partition and packing of a module for one core design. They read only the profile's core, its per-core
 * overrides, the cores on a chip and the neuron cap (partition.ts, pack.ts), so every profile that shares those
 * (a system of the same chip) has the same slices and bins; only misfit texts name the profile.
 */
interface Packing {
  key: string;
  partitioned: PartitionResult;
  packed: PackResult;
}

function packingKey(profile: ChipProfile, onChip: number, neuronsPerCore: number | undefined): string {
  return JSON.stringify([profile.core, profile.coreOverrides, onChip, neuronsPerCore ?? null]);
}

/**
 * What every mapping entry point checks first: a valid module (verify: shapes, ids, widths, and the size
 * budgets that keep partitioning bounded) that has something to map.
 */
export function checkMappable(ir: NmirModule): void {
  verify(ir);
  if (ir.populations.length === 0 && ir.dynamicMatmuls.length === 0)
    throw new SpikegridError(
      "UNSUPPORTED",
      `module "${ir.name}" has no populations: there is nothing to place on a chip's cores`,
      {
        hint: "the network's outputs read its inputs directly; compile a network with at least one neuron layer (spikegrid inspect shows what the file holds)",
      },
    );
}

/** Partition and pack only: whether and how the network fits (no placement). */
export function analyseFit(ir: NmirModule, profile: ChipProfile, opts: MapOptions = {}): Analysis {
  checkMappable(ir);
  return analyse(ir, profile, opts);
}

/** `packings`: packings of the same module by key, taken instead of partitioning again (and added to). */
function analyse(
  ir: NmirModule,
  profile: ChipProfile,
  opts: MapOptions,
  packings?: Map<string, Packing>,
): Analysis {
  intOption("maxCores", opts.maxCores);
  intOption("neuronsPerCore", opts.neuronsPerCore);
  intOption("maxChips", opts.maxChips);
  const chip = profile.grid.coresPerChip;
  const chips = Math.min(opts.maxChips ?? systemChips(profile), systemChips(profile));
  const cores = Math.min(opts.maxCores ?? chip * chips, chip * chips);
  // per-core limits are those of a core on one chip (every chip of a system is the same)
  const onChip = Math.min(cores, chip);
  const progress = opts.progress ?? noProgress;
  const key = packingKey(profile, onChip, opts.neuronsPerCore);
  let packing = packings?.get(key);
  if (!packing) {
    const partitioned = partition(ir, profile, {
      cores: onChip,
      ...(opts.neuronsPerCore ? { neuronsPerCore: opts.neuronsPerCore } : {}),
      progress,
    });
    progress.stage("pack", partitioned.slices.length, "slice");
    const packed = pack(partitioned.slices, profile, {
      cores: onChip,
      ...(opts.neuronsPerCore ? { neuronsPerCore: opts.neuronsPerCore } : {}),
    });
    packing = { key, partitioned, packed };
    packings?.set(key, packing);
  }
  const { partitioned: p, packed } = packing;
  const misfits = [...p.misfits];
  for (const s of packed.unplaced)
    misfits.push({
      population: s.population,
      limit: "cores",
      needed: p.slices.length,
      available: cores,
      suggestion: `Speck holds one layer per core: ${p.slices.length} layers need ${p.slices.length} fitting cores; no free core is left that holds this layer`,
    });
  const encodings = encodingsOf(ir, profile);
  const atLeast = coreLowerBound(ir, p.nodes, profile, onChip, opts.neuronsPerCore);
  const fit = buildFitReport(profile, packed.bins, cores, misfits, undefined, encodings, atLeast);
  const { chipOf, used } = assignChips(packed.bins, chip, chips);
  if (profile.system) {
    // on a system the core count follows from the chips: say how many chips are needed
    const needed = Math.max(fit.coresNeeded, (used - 1) * chip + 1);
    const m =
      chipMisfit(profile, needed, chips) ??
      (used > chips ? chipMisfit(profile, used * chip, chips) : undefined);
    if (m) {
      fit.misfits = [...fit.misfits.filter((x) => !(x.population === "*" && x.limit === "cores")), m];
      fit.fits = false;
    }
    fit.chipsUsed = Math.min(used, chips);
    fit.chipsAvailable = chips;
    fit.chipsNeeded = Math.max(used, Math.ceil(fit.coresNeeded / chip));
  }
  return { bins: packed.bins, fit, cores, atLeast, chipOf, packing };
}

/** Whether `profile` surely cannot hold the module: some node lacks a capability, or the demand exceeds its cores. */
function cannotFit(ir: NmirModule, nodes: readonly MapNode[], profile: ChipProfile): boolean {
  if (nodes.some((n) => capabilityMisfits(n, profile).length > 0)) return true;
  const cores = profile.grid.coresPerChip;
  return coreLowerBound(ir, nodes, profile, cores) > cores * systemChips(profile);
}

export function mapNetwork(ir: NmirModule, profile: ChipProfile, opts: MapOptions = {}): MapResult {
  const { bins, fit, cores, atLeast, chipOf, packing } = analyseFit(ir, profile, opts);
  // (analyseFit verified the module; the other profiles below reuse that)
  if (!fit.fits) {
    if (opts.suggestProfiles !== false) {
      const progress = opts.progress ?? noProgress;
      progress.stage("other profiles", BUILTIN_PROFILES.length, "profile");
      const nodes = mapNodes(ir);
      // profiles of the same chip (systems, this one) share a packing; only whether each fits is read here
      const packings = new Map([[packing.key, packing]]);
      fit.profilesThatFit = BUILTIN_PROFILES.filter((name, i) => {
        progress.tick(i);
        if (name === profile.name) return false;
        try {
          const other = loadProfile(name);
          // a missing capability or a demand above the whole chip rules a profile out before partitioning
          if (cannotFit(ir, nodes, other)) return false;
          const others = { ...opts, maxCores: undefined, maxChips: undefined, progress: noProgress };
          return analyse(ir, other, others, packings).fit.fits;
        } catch {
          return false;
        }
      });
    }
    const onlyCores = fit.misfits.every(
      (m) => (m.limit === "cores" || m.limit === "chips") && m.population === "*",
    );
    const allCores = profile.grid.coresPerChip * systemChips(profile);
    const limited = opts.maxCores !== undefined || opts.maxChips !== undefined;
    const usage = onlyCores && limited && fit.coresNeeded <= allCores;
    const flag =
      opts.maxChips !== undefined && fit.misfits.some((m) => m.limit === "chips")
        ? `--max-chips ${opts.maxChips}`
        : `--max-cores ${opts.maxCores}`;
    const need = fit.misfits.some((m) => m.limit === "chips")
      ? `${fit.chipsNeeded} chips (${fit.coresNeeded} cores)`
      : `${fit.coresNeeded} cores`;
    throw new MappingError(
      usage ? "USAGE" : "UNSUPPORTED",
      usage
        ? `${flag} is too small: ${ir.name} needs ${need} on ${profile.name}`
        : `${ir.name} does not fit on ${profile.name}${profile.system ? ` (needs ${need}, it has ${fit.chipsAvailable} chips)` : ""}`,
      fit,
      fit.profilesThatFit?.length ? `it fits on: ${fit.profilesThatFit.join(", ")}` : undefined,
    );
  }
  const progress = opts.progress ?? noProgress;
  const edges = trafficEdges(ir, bins, opts.traffic);
  const placement = opts.placement ?? "greedy";
  progress.stage("place", bins.length, "core");
  let place: number[];
  let positions: CorePosition[];
  if (profile.system) {
    place = placeOnSystem(profile, bins, edges, chipOf, {
      placement,
      seed: opts.seed ?? 1,
      progress,
      ...(opts.neuronsPerCore ? { neuronsPerCore: opts.neuronsPerCore } : {}),
    });
    positions = corePositions(profile);
  } else {
    const pr = placementProblem(profile, bins, cores, edges, opts.neuronsPerCore);
    place =
      placement === "sequential"
        ? placeSequential(pr)
        : placement === "greedy"
          ? placeGreedy(pr, progress)
          : placeAnneal(pr, { seed: opts.seed ?? 1, progress });
    positions = pr.positions;
  }
  progress.stage("route");
  const routing = routeXY(profile, edges, place, positions);
  const encodings = encodingsOf(ir, profile);
  const mapping: Mapping = {
    schemaVersion: MAPPING_SCHEMA_VERSION,
    profile: profile.name,
    cores: bins
      .map((b, i) => {
        const index = place[i] ?? b.core;
        const pos = positions[index] ?? { tile: 0, x: 0, y: 0 };
        return {
          index,
          ...(profile.system ? { chip: chipOfCore(profile, index) } : {}),
          x: pos.x,
          y: pos.y,
          tile: pos.tile,
          slices: b.slices.map((s) => ({ population: s.population, start: s.start, count: s.count })),
          usage: b.usage,
          limits: limitsOf(profile, index % profile.grid.coresPerChip, opts.neuronsPerCore),
        };
      })
      .sort((a, b) => a.index - b.index),
    routes: routing.routes,
    routingTables: routing.tables,
    ...(routing.chipTables ? { chipTables: routing.chipTables } : {}),
    placement,
    cost: { trafficHops: routing.trafficHops, trafficSource: opts.traffic ? "profiled" : "fan-out" },
    ...(Object.keys(encodings).length > 0 ? { encodings } : {}),
  };
  const done = buildFitReport(profile, bins, cores, [], place, encodings, atLeast);
  if (profile.system) {
    done.chipsUsed = new Set(chipOf).size;
    done.chipsAvailable = fit.chipsAvailable;
    done.chipsNeeded = fit.chipsNeeded;
  }
  // built here from this module and profile: the simulator loading it does not check it again (validate.ts)
  markMapped(mapping, ir, profile);
  return { mapping, fit: done };
}
