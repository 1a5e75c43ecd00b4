// Simulated annealing from the cheaper of the greedy and sequential placements: seeded, moves swap a bin's core with another core (free or
// holding another bin), accept by Metropolis with geometric cooling, and keep the best assignment seen.
// It never returns anything worse than its start.

import { noProgress, type Progress } from "../../common/progress.js";
import { rng } from "./math.js";
import { binCost, type PlacementProblem, placementCost } from "./place-cost.js";
import { placeGreedy } from "./place-greedy.js";
import { placeSequential } from "./place-sequential.js";

export interface AnnealOptions {
  seed?: number;
  /** Moves tried (default 400 per bin, at least 20,000, at most 400,000). */
  iterations?: number;
  /** Told the greedy start's bins, then the moves tried (every 1024th). */
  progress?: Progress;
}

export function placeAnneal(pr: PlacementProblem, opts: AnnealOptions = {}): number[] {
  const progress = opts.progress ?? noProgress;
  const greedy = placeGreedy(pr, progress);
  const sequential = placeSequential(pr);
  const place = placementCost(pr, sequential) < placementCost(pr, greedy) ? sequential : greedy;
  const n = pr.bins.length;
  if (n < 2 && pr.cores < 2) return place;
  const rand = rng(opts.seed ?? 1);
  const occupant: number[] = new Array(pr.cores).fill(-1);
  place.forEach((c, b) => {
    occupant[c] = b;
  });
  let cost = placementCost(pr, place);
  let best = [...place];
  let bestCost = cost;
  const iters = opts.iterations ?? Math.min(400_000, Math.max(20_000, 400 * n));
  const meanW = pr.edges.reduce((a, e) => a + e.weight, 0) / Math.max(1, pr.edges.length);
  let t = Math.max(1e-9, meanW * 2);
  const cooling = (1e-3 / 2) ** (1 / iters);
  progress.stage("anneal", iters, "move");
  for (let it = 0; it < iters && cost > 0; it++, t *= cooling) {
    if ((it & 1023) === 0) progress.tick(it);
    const b = Math.floor(rand() * n);
    const to = Math.floor(rand() * pr.cores);
    const from = place[b] ?? 0;
    if (to === from || !pr.allowed(b, to)) continue;
    const other = occupant[to] ?? -1;
    if (other >= 0 && !pr.allowed(other, from)) continue;
    let before = binCost(pr, place, b, from);
    if (other >= 0) before += binCost(pr, place, other, to);
    place[b] = to;
    if (other >= 0) place[other] = from;
    let after = binCost(pr, place, b, to);
    if (other >= 0) after += binCost(pr, place, other, from);
    // An edge between b and other is counted twice on both sides; the difference is still exact.
    const delta = after - before;
    if (delta <= 0 || rand() < Math.exp(-delta / t)) {
      occupant[to] = b;
      occupant[from] = other;
      cost += delta;
      if (cost < bestCost - 1e-9) {
        bestCost = cost;
        best = [...place];
      }
    } else {
      place[b] = from;
      if (other >= 0) place[other] = to;
    }
  }
  return best;
}
