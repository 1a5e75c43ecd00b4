// Greedy placement: bins by decreasing total traffic; the first goes to the core nearest the grid's centre,
// each next one to the free core (that can hold it) with the least traffic × hops to the bins already placed.

import { noProgress, type Progress } from "../../common/progress.js";
import { hopsBetween, type PlacementProblem } from "./place-cost.js";
import { placeSequential } from "./place-sequential.js";

/** `progress` is told each bin placed (bins of the current stage). */
export function placeGreedy(pr: PlacementProblem, progress: Progress = noProgress): number[] {
  const n = pr.bins.length;
  const total = pr.neighbours.map((ns) => ns.reduce((a, x) => a + x.weight, 0));
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (total[b] ?? 0) - (total[a] ?? 0) || a - b,
  );
  const place: number[] = new Array(n).fill(-1);
  const free = new Set(Array.from({ length: pr.cores }, (_, c) => c));
  const g = pr.profile.grid;
  const cx = (g.width - 1) / 2;
  const cy = (g.height - 1) / 2;
  for (const [i, b] of order.entries()) {
    progress.tick(i);
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    const placedNeighbours = (pr.neighbours[b] ?? []).some((x) => (place[x.bin] ?? -1) >= 0);
    for (const c of free) {
      if (!pr.allowed(b, c)) continue;
      const p = pr.positions[c];
      const cost = placedNeighbours
        ? binCostPlaced(pr, place, b, c)
        : p
          ? Math.abs(p.x - cx) + Math.abs(p.y - cy)
          : 0;
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
      }
    }
    if (best < 0) return placeSequential(pr);
    place[b] = best;
    free.delete(best);
  }
  progress.tick(n);
  return place;
}

function binCostPlaced(pr: PlacementProblem, place: readonly number[], b: number, core: number): number {
  let c = 0;
  for (const n of pr.neighbours[b] ?? []) {
    const at = place[n.bin] ?? -1;
    if (at >= 0 && n.bin !== b) c += n.weight * hopsBetween(pr, core, at);
  }
  return c;
}
