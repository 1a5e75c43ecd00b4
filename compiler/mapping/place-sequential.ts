// The baseline placement: each bin on the core it was packed for (cores in index order).

import type { PlacementProblem } from "./place-cost.js";

export function placeSequential(pr: PlacementProblem): number[] {
  return pr.bins.map((b) => b.core);
}
