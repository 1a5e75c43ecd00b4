// The Pareto front of a sweep: among points that fit, those no other point beats on every objective
// (energy ↓, latency ↓, accuracy ↑); a point whose accuracy is not above chance is a dead configuration, never
// on it. Objectives a sweep did not measure (no labels, no chip simulation) are left out and named.

import type { PointResult } from "./result.js";

export interface Objective<T> {
  name: string;
  sense: "min" | "max";
  value(x: T): number;
}

/** a dominates b: no worse on every objective and strictly better on one. */
export function dominates<T>(a: T, b: T, objectives: readonly Objective<T>[]): boolean {
  let better = false;
  for (const o of objectives) {
    const va = o.value(a);
    const vb = o.value(b);
    const d = o.sense === "min" ? vb - va : va - vb;
    if (d < 0) return false;
    if (d > 0) better = true;
  }
  return better;
}

/** Indices of the non-dominated items, in input order (O(n²): sweeps are hundreds of points, not millions). */
export function paretoIndices<T>(items: readonly T[], objectives: readonly Objective<T>[]): number[] {
  const front: number[] = [];
  items.forEach((a, i) => {
    if (!items.some((b, j) => j !== i && dominates(b, a, objectives))) front.push(i);
  });
  return front;
}

export interface SweepFront {
  /** Objectives used, e.g. ["energy (chip)", "latency", "accuracy"]. */
  objectives: string[];
  /** Objectives left out because no fitting point measured them. */
  unmeasured: string[];
  front: PointResult[];
  /** Points not on the front because they do not fit, with their reason. */
  excluded: { key: string; reason: string }[];
  /** Points that fit but whose accuracy is not above chance: a dead configuration is never a trade-off. */
  atChance: { key: string; reason: string }[];
}

/** One-sided z for "accuracy above chance" (1 % level): below it the point is not told apart from guessing. */
export const CHANCE_Z = 2.33;

/**
 * Why a point's accuracy is indistinguishable from chance (always answering the most frequent label), or
 * undefined when it is above it: accuracy − chance ≤ CHANCE_Z standard errors of a binomial at chance over the
 * samples run.
 */
export function atChanceReason(r: PointResult): string | undefined {
  const acc = r.accuracy;
  const chance = r.chanceAccuracy;
  if (!num(acc) || !num(chance) || r.samples <= 0) return undefined;
  const se = Math.sqrt((chance * (1 - chance)) / r.samples);
  if (acc - chance > CHANCE_Z * se) return undefined;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return `accuracy ${pct(acc)} is not above chance (${pct(chance)}, always the most frequent label; ${r.samples} samples, 1 % one-sided): a dead configuration, left off the front`;
}

const num = (x: number | null | undefined): x is number => typeof x === "number" && Number.isFinite(x);

/** The counting convention of a sweep's results: "sanafe" when they say so, else the default. */
export function sweepConvention(results: readonly PointResult[]): "neurobench" | "sanafe" {
  return results.length > 0 && results.every((r) => r.convention === "sanafe") ? "sanafe" : "neurobench";
}

/** What the sanafe convention changes in a sweep's figures, for the summary and the HTML page. */
export const SANAFE_SWEEP_NOTE =
  "convention sanafe: ops, chip energy and latency by SANA-FE's rules on the file's own mappings: (ACs = synaptic events, zero weights included; no MACs; spikes = neurons fired; its unit costs, no static power; its detailed timing); E theoretical stays 0.9 pJ·AC + 4.6 pJ·MAC of the datapath's own counts";

/**
 * The front of a sweep. Energy is the chip simulator's when every fitting point has it, else the theoretical
 * E_AC·AC + E_MAC·MAC (named as such); latency and accuracy only when every fitting point has them.
 */
export function sweepFront(results: readonly PointResult[]): SweepFront {
  const fit = results.filter((r) => r.fits);
  const excluded = results
    .filter((r) => !r.fits)
    .map((r) => ({ key: r.key, reason: r.reason ?? "does not fit" }));
  const objectives: Objective<PointResult>[] = [];
  const unmeasured: string[] = [];
  const all = (f: (r: PointResult) => number | null | undefined) =>
    fit.length > 0 && fit.every((r) => num(f(r)));
  // a sweep has one convention (it is part of the grid's fingerprint); SANA-FE's is named on its objectives
  const sanafe = sweepConvention(results) === "sanafe" ? ", convention sanafe" : "";
  if (all((r) => r.energy?.chipJ))
    objectives.push({ name: `energy (chip${sanafe})`, sense: "min", value: (r) => r.energy!.chipJ! });
  else if (all((r) => r.energy?.theoreticalJ)) {
    objectives.push({ name: "energy (theoretical)", sense: "min", value: (r) => r.energy!.theoreticalJ });
    unmeasured.push("energy (chip)");
  }
  if (all((r) => r.latency?.perSampleS))
    objectives.push({
      name: sanafe ? "latency (convention sanafe)" : "latency",
      sense: "min",
      value: (r) => r.latency!.perSampleS!,
    });
  else unmeasured.push("latency");
  const atChance: { key: string; reason: string }[] = [];
  let candidates = fit;
  if (all((r) => r.accuracy)) {
    objectives.push({ name: "accuracy", sense: "max", value: (r) => r.accuracy! });
    candidates = fit.filter((r) => {
      const reason = atChanceReason(r);
      if (reason) atChance.push({ key: r.key, reason });
      return !reason;
    });
  } else unmeasured.push("accuracy");
  const front = paretoIndices(candidates, objectives).map((i) => candidates[i]!);
  return { objectives: objectives.map((o) => o.name), unmeasured, front, excluded, atChance };
}
