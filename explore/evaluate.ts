// Evaluates one grid point: compile (weight/state bits, the grid's fixed compile options, the profile's
// defaults) → map (core budget) → simulate every sample → metrics, with the pipeline's stages
// (pipeline/stages.ts, pipeline/simulate.ts); under the sanafe convention on the file's own mappings, with
// SANA-FE's view of the network for the point's profile. A point that does not compile or fit is a result
// (fits: false, reason), not a failure of the sweep. Pure given its inputs, so any worker computes the same result.

import { SpikegridError } from "../common/errors.js";
import { sanafeMapping } from "../compiler/importers/sanafe/index.js";
import { sanafePlacementOf } from "../compiler/importers/sanafe/to-mapping.js";
import { type FitReport, type Mapping, MappingError, type Misfit } from "../compiler/mapping/index.js";
import type { NmirModule } from "../compiler/nmir/index.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { quantizationReport } from "../compiler/passes/quantization-report.js";
import { graphWeights } from "../compiler/passes/weights-provenance.js";
import { type ChipProfile, loadProfile } from "../hw-profiles/index.js";
import { sanafeNetOf } from "../pipeline/convention.js";
import { graphOf, type PipelineData } from "../pipeline/data.js";
import { compileNetwork, mapModule, sequencesFor } from "../pipeline/stages.js";
import type { ConventionNet } from "../simulator/chip/sanafe/net.js";
import { type GridPoint, type GridSpec, gridCompileOptions, sweepsChips } from "./grid.js";
import type { PointResult } from "./result.js";
import { type SimulationJob, simulateJob } from "./simulate-job.js";

export { predict } from "../pipeline/chip-run.js";
export { sampleSequences } from "../pipeline/stages.js";

/** Chips used / needed / available on a multi-chip system profile (nothing on one chip). */
type ChipCounts = Pick<
  FitReport,
  "coresUsed" | "coresNeeded" | "coresAvailable" | "chipsUsed" | "chipsNeeded" | "chipsAvailable"
>;

function chipsOf(fit: ChipCounts): { chips?: { used?: number; needed?: number; available: number } } {
  if (fit.chipsAvailable === undefined) return {};
  return {
    chips: {
      ...(fit.chipsUsed === undefined ? {} : { used: fit.chipsUsed }),
      ...(fit.chipsNeeded === undefined ? {} : { needed: fit.chipsNeeded }),
      available: fit.chipsAvailable,
    },
  };
}

/**
 * One line per violated limit (a 16-bit sweep point can break the weight width of every projection; the
 * full list stays in `misfits`): the limit, the worst need, the populations (first three) and the fix.
 */
export function summarizeMisfits(misfits: readonly Misfit[]): string {
  const groups = new Map<string, Misfit[]>();
  for (const m of misfits) {
    const k = `${m.limit}\u0000${m.available}`;
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  return [...groups.values()]
    .map((g) => {
      const first = g[0]!;
      const pops = [...new Set(g.map((m) => (m.population === "*" ? "network" : m.population)))];
      const who =
        pops.length <= 3 ? pops.join(", ") : `${pops.slice(0, 3).join(", ")} and ${pops.length - 3} more`;
      const needed = Math.max(...g.map((m) => m.needed));
      const fix = first.suggestion.replace(/\s*\(projection [^)]*\)$/, "");
      return `${first.limit} needs ${needed}, available ${first.available} (${who}) — ${fix}`;
    })
    .join("; ");
}

const jsonDb = (x: number): number | "inf" => (x === Number.POSITIVE_INFINITY ? "inf" : x);

/** What a point reads of its mapping: the mapper's answer, or the file's own mapping (sanafe convention). */
interface PointMapping {
  mapping: Mapping;
  fit: ChipCounts & {
    perCore: { fraction: Record<string, number> }[];
    totals: Record<string, { used: number } | undefined>;
  };
}

/** What a point needs besides its coordinates: the grid, its fingerprint and size, the calibrated ranges. */
export interface SweepIdentity {
  grid: GridSpec;
  fingerprint: string;
  size: number;
  /** Observed max |value| by input / graded population id (calibrationRanges), shared by every point. */
  ranges: Record<string, number>;
}

/**
 * One grid point: compile and map here (`preparePoint`), then simulate (`simulateJob`). The pool splits the two:
 * its main thread prepares, its worker threads simulate, so the threads run only the simulator.
 */
export function evaluatePoint(id: SweepIdentity, point: GridPoint, data: PipelineData): PointResult {
  const prepared = preparePoint(id, point, data);
  return "job" in prepared ? simulateJob(prepared.job) : prepared.result;
}

/**
 * Compile (weight/state bits, the profile's defaults) and map (core budget): a point that does not compile or
 * fit is finished here (its result says why); one that fits becomes a simulation job.
 */
export function preparePoint(
  id: SweepIdentity,
  point: GridPoint,
  data: PipelineData,
): { result: PointResult } | { job: SimulationJob } {
  const profile = loadProfile(point.profile);
  const n = data.samples.shape[0]!;
  const steps = point.timesteps ?? data.samples.shape[1]!;
  const weights = graphWeights(graphOf(data, "an explore point"));
  const sanafe = id.grid.convention === "sanafe";
  const base = {
    grid: id.fingerprint,
    index: point.index,
    gridSize: id.size,
    key: point.key,
    profile: point.profile,
    maxCores: point.maxCores,
    ...(sweepsChips(id.grid) ? { maxChips: point.maxChips } : {}),
    weightBits: point.weightBits,
    stateBits: point.stateBits ?? Math.min(32, profile.core.stateBits ?? 16),
    timesteps: steps,
    samples: n,
    ...(weights ? { weights } : {}),
    ...(sanafe ? { convention: "sanafe" as const } : {}),
  };
  let ir: NmirModule;
  try {
    const options: QuantCompileOptions = {
      ...gridCompileOptions(id.grid, data),
      weightBits: point.weightBits,
      ...(point.stateBits === null ? {} : { stateBits: point.stateBits }),
      profile,
      ranges: id.ranges,
      dump: () => {},
    };
    ir = compileNetwork(data, options);
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    return { result: { ...base, fits: false, stage: "compile", reason: e.message } };
  }
  const q = quantizationReport(ir);
  base.stateBits = q.stateBits;
  let mapped: PointMapping;
  let net: ConventionNet | undefined;
  try {
    if (sanafe) {
      // the file's own placement and SANA-FE's view of the network on this chip: a placement or a unit name
      // the chip cannot take does not fit it
      const placed = fileMapped(id.grid.model, data, point.profile, ir, profile);
      if ("reason" in placed)
        return { result: { ...base, fits: false, stage: "map", reason: placed.reason } };
      mapped = placed;
      net = placed.net;
    } else
      mapped = mapModule(ir, profile, {
        ...(point.maxCores === null ? {} : { maxCores: point.maxCores }),
        ...(point.maxChips === null ? {} : { maxChips: point.maxChips }),
      });
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    return {
      result: {
        ...base,
        fits: false,
        stage: "map",
        reason: summarizeMisfits(e.fit.misfits),
        misfits: e.fit.misfits.map((m) => ({ ...m })),
        cores: { used: e.fit.coresUsed, needed: e.fit.coresNeeded, available: e.fit.coresAvailable },
        ...chipsOf(e.fit),
      },
    };
  }
  const { fit, mapping } = mapped;
  const maxUtilization: Record<string, number> = {};
  for (const c of fit.perCore)
    for (const [k, f] of Object.entries(c.fraction))
      if (Number.isFinite(f)) maxUtilization[k] = Math.max(maxUtilization[k] ?? 0, f);
  return {
    job: {
      head: {
        ...base,
        fits: true,
        cores: { used: fit.coresUsed, needed: fit.coresNeeded, available: fit.coresAvailable },
        ...chipsOf(fit),
        memory: {
          // absent when the profile's memory model counts something else (Speck: kernel entries)
          ...(fit.totals.synapseBits ? { synapseBits: fit.totals.synapseBits.used } : {}),
          ...(fit.totals.stateBits ? { stateBits: fit.totals.stateBits.used } : {}),
          maxUtilization,
        },
        quantization: {
          worstSqnrDb: jsonDb(q.totals.worstSqnrDb),
          clipped: q.totals.clipped,
          zeroed: q.totals.zeroed,
        },
      },
      ir,
      mapping,
      sequences: sequencesFor(ir, data, steps),
      inputId: data.inputId,
      ...(net ? { sanafe: net } : {}),
      mode: id.grid.mode,
      steps,
      ...(data.labels ? { labels: data.labels } : {}),
      readout: data.readout,
    },
  };
}

/** SANA-FE's view of the network per loaded data and profile: the same for every point of that profile. */
const sanafeNets = new WeakMap<PipelineData, Map<string, ConventionNet>>();

/** Keyed by the grid's profile entry (a name or a file), which two chip files of one name cannot share. */
function sanafeNetFor(model: string, data: PipelineData, key: string, profile: ChipProfile): ConventionNet {
  let byProfile = sanafeNets.get(data);
  if (!byProfile) {
    byProfile = new Map();
    sanafeNets.set(data, byProfile);
  }
  let net = byProfile.get(key);
  if (!net) {
    net = sanafeNetOf(model, data.graph, profile);
    byProfile.set(key, net);
  }
  return net;
}

/**
 * A sanafe-convention point's mapping: the file's `mappings:` on the chip (as `simulate` runs it by default),
 * its fit read from the cores it uses, and the ConventionNet; or why the chip cannot take the file.
 */
function fileMapped(
  model: string,
  data: PipelineData,
  key: string,
  ir: NmirModule,
  profile: ChipProfile,
): (PointMapping & { net: ConventionNet }) | { reason: string } {
  const placement = sanafePlacementOf(data.graph);
  if (!placement) return { reason: `${model} has no mappings: to place the network by` };
  let mapping: Mapping;
  let net: ConventionNet;
  try {
    mapping = sanafeMapping(placement, ir, profile, model);
    net = sanafeNetFor(model, data, key, profile);
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    return { reason: e.message };
  }
  const perCore = mapping.cores.map((c) => {
    const fraction: Record<string, number> = {};
    for (const [k, limit] of Object.entries(c.limits)) {
      const u = c.usage[k] ?? 0;
      fraction[k] = limit > 0 ? u / limit : u > 0 ? Number.POSITIVE_INFINITY : 0;
    }
    return { fraction };
  });
  const total = (k: string) =>
    mapping.cores.some((c) => c.usage[k] !== undefined)
      ? { used: mapping.cores.reduce((a, c) => a + (c.usage[k] ?? 0), 0) }
      : undefined;
  const used = mapping.cores.length;
  const totals: PointMapping["fit"]["totals"] = {};
  for (const k of ["synapseBits", "stateBits"]) {
    const t = total(k);
    if (t) totals[k] = t;
  }
  const fit = {
    coresUsed: used,
    coresNeeded: used,
    coresAvailable: profile.grid.coresPerChip,
    perCore,
    totals,
  };
  return { mapping, fit, net };
}
