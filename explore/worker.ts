// The worker thread's task: one grid point. It loads the network and samples once per sweep (memoised by grid
// fingerprint, started as the thread starts when the pool names the grid) and runs the same evaluatePoint as
// the in-process path.

import { loadProfile } from "../hw-profiles/index.js";
import { exploreDataFor } from "./data.js";
import { evaluatePoint, type SweepIdentity } from "./evaluate.js";
import type { GridPoint, GridSpec } from "./grid.js";
import type { PointResult } from "./result.js";

export interface PointTask {
  id: SweepIdentity;
  point: GridPoint;
}

/** What a pool tells its threads up front, so they load the network and samples while the main thread works. */
export interface WarmUp {
  grid: GridSpec;
}

export function warmUp(w: WarmUp | undefined): void {
  if (!w) return;
  exploreDataFor(w.grid).catch(() => {});
  // profiles are parsed and cached per thread; a bad one was reported by the main thread's grid check
  for (const p of w.grid.profiles) {
    try {
      loadProfile(p);
    } catch {}
  }
}

export default async function runTask(task: PointTask): Promise<PointResult> {
  const data = await exploreDataFor(task.id.grid);
  return evaluatePoint(task.id, task.point, data);
}
