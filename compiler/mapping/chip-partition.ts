// Hierarchical mapping on a multi-chip system (profile.system): packed bins are split across chips in layer
// order, chip by chip, keeping each node's cores on as few chips as possible; then each chip's bins are placed
// on that chip as on a single chip. Routes later run XY over the system's global grid (grid.ts).

import type { Progress } from "../../common/progress.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { Misfit } from "./fit-types.js";
import type { Bin } from "./pack.js";
import { placeAnneal } from "./place-anneal.js";
import { placementProblem } from "./place-cost.js";
import { placeGreedy } from "./place-greedy.js";
import { placeSequential } from "./place-sequential.js";
import type { TrafficEdge } from "./traffic.js";
import type { Placement } from "./types.js";

/**
 * Chip of each bin. Bins come in layer order; a run of bins whose first slice belongs to the same node is a
 * group. A group that would straddle a chip boundary but fits one chip starts on the next chip instead —
 * when the chips left still hold every remaining bin — so a layer's traffic stays on one chip. Otherwise bins
 * fill chips in order. Returns the chip count used (may exceed `chips` only when the bins do not fit).
 */
export function assignChips(
  bins: readonly Bin[],
  perChip: number,
  chips: number,
): { chipOf: number[]; used: number } {
  const chipOf: number[] = new Array(bins.length).fill(0);
  let chip = 0;
  let filled = 0;
  let i = 0;
  while (i < bins.length) {
    const node = bins[i]?.slices[0]?.population;
    let j = i + 1;
    while (j < bins.length && bins[j]?.slices[0]?.population === node) j++;
    const size = j - i;
    const remaining = bins.length - i;
    const spare = (chips - chip - 1) * perChip >= remaining;
    if (filled > 0 && filled + size > perChip && size <= perChip && spare) {
      chip++;
      filled = 0;
    }
    for (let b = i; b < j; b++) {
      if (filled === perChip) {
        chip++;
        filled = 0;
      }
      chipOf[b] = chip;
      filled++;
    }
    i = j;
  }
  return { chipOf, used: bins.length === 0 ? 0 : chip + 1 };
}

/** The "chips" misfit of a system that needs more chips than it (or --max-chips) allows. */
export function chipMisfit(
  profile: ChipProfile,
  coresNeeded: number,
  chipsAvailable: number,
): Misfit | undefined {
  const sy = profile.system;
  if (!sy) return undefined;
  const perChip = profile.grid.coresPerChip;
  const needed = Math.ceil(coresNeeded / perChip);
  if (needed <= chipsAvailable) return undefined;
  const total = sy.chipsX * sy.chipsY;
  return {
    population: "*",
    limit: "chips",
    needed,
    available: chipsAvailable,
    suggestion:
      chipsAvailable < total && needed <= total
        ? `needs ${needed} chips of ${perChip} cores (${coresNeeded} cores): raise --max-chips to ${needed}`
        : `needs ${needed} chips of ${perChip} cores (${coresNeeded} cores), ${needed - chipsAvailable} more than the ${chipsAvailable} of ${profile.name}: use a larger system, fewer weight bits or a smaller network`,
  };
}

/**
 * The physical chip of the k-th chip in fill order: a snake over the chip grid (left to right, then right to
 * left on the next row), so consecutive chips — which carry consecutive layers — are always neighbours.
 */
export function snakeChip(k: number, chipsX: number): number {
  const y = Math.floor(k / chipsX);
  const i = k % chipsX;
  return y * chipsX + (y % 2 === 0 ? i : chipsX - 1 - i);
}

/**
 * Global core of each bin: chips assigned (`chipOf`, in fill order, laid out as a snake), then each chip
 * placed on its own mesh (edges within the chip).
 */
export function placeOnSystem(
  profile: ChipProfile,
  bins: Bin[],
  edges: TrafficEdge[],
  chipOf: readonly number[],
  opts: { placement: Placement; seed: number; neuronsPerCore?: number; progress: Progress },
): number[] {
  const perChip = profile.grid.coresPerChip;
  const chipsX = profile.system?.chipsX ?? 1;
  const byChip = new Map<number, number[]>();
  chipOf.forEach((c, b) => {
    const list = byChip.get(c);
    if (list) list.push(b);
    else byChip.set(c, [b]);
  });
  const local = new Map<number, number>();
  const edgesOf = new Map<number, TrafficEdge[]>();
  for (const [, members] of byChip)
    members.forEach((b, k) => {
      local.set(b, k);
    });
  for (const e of edges) {
    const c = chipOf[e.from];
    if (c === undefined || c !== chipOf[e.to]) continue;
    const list = edgesOf.get(c) ?? [];
    list.push({ ...e, from: local.get(e.from) ?? 0, to: local.get(e.to) ?? 0 });
    edgesOf.set(c, list);
  }
  const place: number[] = new Array(bins.length).fill(0);
  for (const [chip, members] of byChip) {
    const sub = members.map((b, k) => ({ ...(bins[b] as Bin), core: k }));
    const pr = placementProblem(profile, sub, perChip, edgesOf.get(chip) ?? [], opts.neuronsPerCore);
    const at =
      opts.placement === "sequential"
        ? placeSequential(pr)
        : opts.placement === "greedy"
          ? placeGreedy(pr, opts.progress)
          : placeAnneal(pr, { seed: opts.seed, progress: opts.progress });
    const physical = snakeChip(chip, chipsX);
    members.forEach((b, k) => {
      place[b] = physical * perChip + (at[k] ?? k);
    });
  }
  return place;
}
