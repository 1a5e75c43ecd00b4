// Where a sweep's points run: in this thread, or on a piscina pool of worker threads running the compiled
// library (dist/explore/worker-entry.cjs → worker.js). Both evaluate with the same evaluatePoint, so a sweep's
// results do not depend on which one ran it. Calibration runs in the main thread either way.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { SpikegridError } from "../common/errors.js";
import { packagePath } from "../common/package-root.js";
import type { ExploreData } from "./data.js";
import { evaluatePoint, type SweepIdentity } from "./evaluate.js";
import type { GridPoint } from "./grid.js";
import type { PointResult } from "./result.js";
import type { PointTask, WarmUp } from "./worker.js";

export type PointEvaluator = (id: SweepIdentity, point: GridPoint, data: ExploreData) => PointResult;

export interface SweepPool {
  workers: number;
  point(id: SweepIdentity, point: GridPoint, data: ExploreData): Promise<PointResult>;
  close(): Promise<void>;
}

/** This thread, one point at a time (`--workers 1`). */
export function inProcessPool(evaluate: PointEvaluator = evaluatePoint): SweepPool {
  return { workers: 1, point: async (id, p, data) => evaluate(id, p, data), close: async () => {} };
}

/** The compiled worker entry: beside this file when running from dist/, else the built copy. */
export function workerFile(): string {
  const beside = fileURLToPath(new URL("./worker-entry.cjs", import.meta.url));
  if (existsSync(beside)) return beside;
  const built = packagePath("dist", "explore", "worker-entry.cjs");
  if (existsSync(built)) return built;
  throw new SpikegridError("USAGE", "--workers > 1 needs the compiled worker dist/explore/worker-entry.cjs", {
    hint: "run `npm run build` first",
  });
}

/**
 * `workers` threads, started now; with `warm` each loads that grid's network and samples as it starts, while the
 * main thread loads its own copy and calibrates.
 */
export function threadPool(workers: number, warm?: WarmUp): SweepPool {
  const pool = new Piscina<PointTask, PointResult>({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
    workerData: { warm },
  });
  return { workers, point: (id, point) => pool.run({ id, point }), close: () => pool.destroy() };
}
