// Where a sweep's points run: in this thread, or on a piscina pool of worker threads running the compiled
// library (dist/explore/worker-entry.cjs → worker.js). On a pool this thread prepares each point (compile, map:
// tens of milliseconds) and a worker simulates it (the bulk of the time); in-process evaluatePoint does both in
// turn. The same preparePoint and simulateJob run either way, so a sweep's results do not depend on where it
// ran. Calibration runs in this thread either way (split over cold threads it took longer than here).

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { SpikegridError } from "../common/errors.js";
import { packagePath } from "../common/package-root.js";
import type { ExploreData } from "./data.js";
import { evaluatePoint, preparePoint, type SweepIdentity } from "./evaluate.js";
import type { GridPoint } from "./grid.js";
import type { PointResult } from "./result.js";
import type { SimulationJob } from "./simulate-job.js";

export type PointEvaluator = (id: SweepIdentity, point: GridPoint, data: ExploreData) => PointResult;

export interface SweepPool {
  workers: number;
  point(id: SweepIdentity, point: GridPoint, data: ExploreData): Promise<PointResult>;
  close(): Promise<void>;
}

/** This thread, one point at a time (`--workers 1`). */
export function inProcessPool(evaluate: PointEvaluator = evaluatePoint): SweepPool {
  return {
    workers: 1,
    point: async (id, p, data) => evaluate(id, p, data),
    close: async () => {},
  };
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
 * `workers` threads, started now (they load the library while this thread loads the data and calibrates).
 * `point` prepares the point here and queues its simulation: a sweep that asks for every point at once has the
 * first simulations running while this thread prepares the next points.
 */
export function threadPool(workers: number): SweepPool {
  const pool = new Piscina<SimulationJob, PointResult>({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
  });
  // Jobs prepared ahead: one per thread plus one queued, so a thread that finishes finds its next job while
  // this thread prepares another. Preparing every point up front would keep this thread busy (and the
  // finished threads waiting for it to collect their results) until all were compiled.
  const ahead = workers + 1;
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  // taken at once when free (the count rises before the caller's next await), else handed over on release
  const acquire = (): Promise<void> => {
    if (inFlight < ahead) {
      inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  return {
    workers,
    point: async (id, point, data) => {
      await acquire();
      try {
        // one preparation per turn of the event loop: finished simulations are collected between them
        await new Promise((resolve) => setImmediate(resolve));
        const prepared = preparePoint(id, point, data);
        return "job" in prepared ? await pool.run(prepared.job) : prepared.result;
      } finally {
        release();
      }
    },
    close: () => pool.destroy(),
  };
}
