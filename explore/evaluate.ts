// Evaluates one grid point: compile (weight/state bits, the profile's defaults) → map (core budget) →
// simulate every sample → metrics. A point that does not compile or fit is a result (fits: false, reason),
// not a failure of the sweep. Pure given its inputs, so any worker computes the same result.

import { SpikegridError } from "../common/errors.js";
import { MappingError, type Misfit, mapNetwork } from "../compiler/mapping/index.js";
import type { NmirModule } from "../compiler/nmir/index.js";
import { compile } from "../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { quantizationReport } from "../compiler/passes/quantization-report.js";
import { quantizeInputs } from "../compiler/passes/quantize-inputs.js";
import { loadProfile } from "../hw-profiles/index.js";
import { theoreticalEnergy } from "../simulator/reference/index.js";
import { simulatePoint } from "./chip-metrics.js";
import type { ExploreData } from "./data.js";
import type { GridPoint, GridSpec } from "./grid.js";
import type { PointResult } from "./result.js";

/** Integer input sequences per sample, each cut or zero-padded to `steps`. */
export function sampleSequences(ir: NmirModule, data: ExploreData, steps: number) {
  const [n, tIn] = data.samples.shape as [number, number];
  const per = data.inputShape.reduce((a, b) => a * b, 1);
  const q = quantizeInputs(ir, { [data.inputId]: data.samples }).get(data.inputId)!;
  const out: { shape: number[]; data: Float64Array }[] = [];
  for (let s = 0; s < n; s++) {
    const seq = new Float64Array(steps * per);
    const keep = Math.min(steps, tIn) * per;
    for (let i = 0; i < keep; i++) seq[i] = q.data[s * tIn * per + i]!;
    out.push({ shape: [steps, ...data.inputShape], data: seq });
  }
  return out;
}

/** argmax of the readout over steps: the mean (sum) of every step, or the last step. */
export function predict(steps: Float64Array[], readout: "mean" | "last"): number {
  const used = readout === "last" ? steps.slice(-1) : steps;
  const sum = new Float64Array(used[0]?.length ?? 0);
  for (const v of used) for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  let best = 0;
  for (let i = 1; i < sum.length; i++) if (sum[i]! > sum[best]!) best = i;
  return best;
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

/** What a point needs besides its coordinates: the grid, its fingerprint and size, the calibrated ranges. */
export interface SweepIdentity {
  grid: GridSpec;
  fingerprint: string;
  size: number;
  /** Observed max |value| by input / graded population id (calibrationRanges), shared by every point. */
  ranges: Record<string, number>;
}

export function evaluatePoint(id: SweepIdentity, point: GridPoint, data: ExploreData): PointResult {
  const grid = id.grid;
  const profile = loadProfile(point.profile);
  const n = data.samples.shape[0]!;
  const steps = point.timesteps ?? data.samples.shape[1]!;
  const base = {
    grid: id.fingerprint,
    index: point.index,
    gridSize: id.size,
    key: point.key,
    profile: point.profile,
    maxCores: point.maxCores,
    weightBits: point.weightBits,
    stateBits: point.stateBits ?? Math.min(32, profile.core.stateBits ?? 16),
    timesteps: steps,
    samples: n,
  };
  let ir: NmirModule;
  try {
    const options: QuantCompileOptions = {
      weightBits: point.weightBits,
      ...(point.stateBits === null ? {} : { stateBits: point.stateBits }),
      profile,
      ranges: id.ranges,
      dump: () => {},
    };
    ir = compile(data.graph, options).ir;
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    return { ...base, fits: false, stage: "compile", reason: e.message } satisfies PointResult;
  }
  const q = quantizationReport(ir);
  base.stateBits = q.stateBits;
  let mapped: ReturnType<typeof mapNetwork>;
  try {
    mapped = mapNetwork(ir, profile, {
      ...(point.maxCores === null ? {} : { maxCores: point.maxCores }),
      suggestProfiles: false,
    });
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    return {
      ...base,
      fits: false,
      stage: "map",
      reason: summarizeMisfits(e.fit.misfits),
      misfits: e.fit.misfits.map((m) => ({ ...m })),
      cores: { used: e.fit.coresUsed, needed: e.fit.coresNeeded, available: e.fit.coresAvailable },
    } satisfies PointResult;
  }
  const { fit, mapping } = mapped;
  const maxUtilization: Record<string, number> = {};
  for (const c of fit.perCore)
    for (const [k, f] of Object.entries(c.fraction))
      if (Number.isFinite(f)) maxUtilization[k] = Math.max(maxUtilization[k] ?? 0, f);

  const sequences = sampleSequences(ir, data, steps);
  const sim = simulatePoint({
    ir,
    mapping,
    profile,
    samples: sequences,
    inputId: data.inputId,
    mode: grid.mode,
    steps,
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
    if (data.labels && predict(sim.outputs[s]!, data.readout) === data.labels[s]) correct++;
  });
  const chip = sim.chip;
  const per = (x: number) => (n > 0 ? x / n : 0);
  const result: PointResult = {
    ...base,
    fits: true,
    cores: { used: fit.coresUsed, needed: fit.coresNeeded, available: fit.coresAvailable },
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
    accuracy: data.labels && n > 0 ? correct / n : null,
    ...(data.labels ? { correct } : {}),
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
  return result;
}
