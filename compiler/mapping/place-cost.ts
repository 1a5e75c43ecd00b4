// The placement problem shared by the placers: bins to place, the cores they may go on, traffic between
// bins, and the cost Σ traffic × hops of an assignment (bin → core number).

import type { ChipProfile } from "../../hw-profiles/index.js";
import { type CorePosition, chipCorePositions, hops } from "./grid.js";
import { limitsOf, overLimit } from "./memory-models.js";
import type { Bin } from "./pack.js";
import type { TrafficEdge } from "./traffic.js";

export interface PlacementProblem {
  profile: ChipProfile;
  bins: Bin[];
  /** Candidate cores 0 .. cores − 1. */
  cores: number;
  positions: CorePosition[];
  /** Per bin, its traffic partners (both directions), weight summed. */
  neighbours: { bin: number; weight: number }[][];
  edges: TrafficEdge[];
  /** Whether bin b fits core c's limits (cores can differ, e.g. Speck). */
  allowed: (b: number, c: number) => boolean;
}

export function placementProblem(
  profile: ChipProfile,
  bins: Bin[],
  cores: number,
  edges: TrafficEdge[],
  neuronsPerCore?: number,
): PlacementProblem {
  // placement is within one chip (a system's chips are placed one by one, chip-partition.ts)
  const positions = chipCorePositions(profile);
  const uniform = profile.coreOverrides.length === 0 && profile.core.memoryModel.kind !== "speck";
  const limits = uniform ? [] : Array.from({ length: cores }, (_, c) => limitsOf(profile, c, neuronsPerCore));
  const allowed = (b: number, c: number) => {
    if (uniform) return true;
    const bin = bins[b];
    const l = limits[c];
    return bin !== undefined && l !== undefined && overLimit(bin.usage, l) === undefined;
  };
  const neighbours: { bin: number; weight: number }[][] = bins.map(() => []);
  for (const e of edges) {
    neighbours[e.from]?.push({ bin: e.to, weight: e.weight });
    neighbours[e.to]?.push({ bin: e.from, weight: e.weight });
  }
  return { profile, bins, cores, positions, neighbours, edges, allowed };
}

export function hopsBetween(pr: PlacementProblem, a: number, b: number): number {
  const pa = pr.positions[a];
  const pb = pr.positions[b];
  return pa && pb ? hops(pr.profile, pa, pb) : 0;
}

/** Σ traffic × hops of `place` (bin → core). */
export function placementCost(pr: PlacementProblem, place: readonly number[]): number {
  let c = 0;
  for (const e of pr.edges) c += e.weight * hopsBetween(pr, place[e.from] ?? 0, place[e.to] ?? 0);
  return c;
}

/** Cost of bin b's edges if it sat on core `core` (others as in `place`). */
export function binCost(pr: PlacementProblem, place: readonly number[], b: number, core: number): number {
  let c = 0;
  for (const n of pr.neighbours[b] ?? [])
    if (n.bin !== b) c += n.weight * hopsBetween(pr, core, place[n.bin] ?? 0);
  return c;
}
