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
import type { PipelineData } from "../pipeline/data.js";
import { Dispatcher, Gate } from "./dispatch.js";
import { evaluatePoint, preparePoint, type SweepIdentity } from "./evaluate.js";
import type { GridPoint } from "./grid.js";
import type { PointResult } from "./result.js";
import type { SimulationJob } from "./simulate-job.js";

export type PointEvaluator = (id: SweepIdentity, point: GridPoint, data: PipelineData) => PointResult;

export interface SweepPool {
  workers: number;
  point(id: SweepIdentity, point: GridPoint, data: PipelineData): Promise<PointResult>;
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

/** The pool's threads: all started at once and kept for the sweep. */
export function piscinaOptions(workers: number) {
  return {
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 1000,
    // Not "sync" (the default): a sync thread blocks in Atomics.wait as soon as it is up, which pauses its event
    // loop, so the library it starts importing (worker-entry.cts) would load only when the first job arrives —
    // after calibration, on the sweep's critical path — instead of while this thread calibrates. Jobs take
    // seconds; the message-port hand-off costs microseconds.
    atomics: "disabled" as const,
  };
}

/**
 * `workers` threads, started now (they load the library while this thread loads the data and calibrates).
 * `point` prepares the point here and queues its simulation: a sweep that asks for every point at once has the
 * first simulations running while this thread prepares the next points. One job waits beyond those running,
 * so a thread that finishes starts the next at once; jobs are handed out biggest first (dispatch.ts) among the
 * points prepared so far.
 */
export function threadPool(workers: number): SweepPool {
  const pool = new Piscina<SimulationJob, PointResult>({
    filename: workerFile(),
    ...piscinaOptions(workers),
  });
  const dispatch = new Dispatcher<SimulationJob, PointResult>((job) => pool.run(job), workers + 1);
  // Points prepared and not yet finished: enough to choose the biggest from (a grid lists a profile's points
  // together), few enough to hold (each job carries its module: a 100k-synapse network is ≈ 0.5 MB).
  const window = new Gate(Math.max(32, 4 * workers));
  // Preparations run one after another, each in its own turn of the event loop, so finished simulations are
  // collected (and the threads given their next job) between them.
  let previous: Promise<unknown> = Promise.resolve();
  return {
    workers,
    point: async (id, point, data) => {
      await window.acquire();
      try {
        const prepared = previous
          .then(() => new Promise((resolve) => setImmediate(resolve)))
          .then(() => preparePoint(id, point, data));
        previous = prepared.catch(() => {});
        const p = await prepared;
        return "job" in p ? await dispatch.submit(p.job, jobCost(p.job)) : p.result;
      } finally {
        window.release();
      }
    },
    close: () => pool.destroy(),
  };
}

/**
 * A job's relative simulation time, only to order the jobs: samples × steps × (populations + projections +
 * dynamic matmuls). For networks like the demo's the per-step work per unit dominates (loihi2's gated
 * lowering has 89 units against loihi's 68, and takes 1.6× longer).
 */
export function jobCost(job: SimulationJob): number {
  const { ir } = job;
  const units = ir.populations.length + ir.projections.length + ir.dynamicMatmuls.length;
  return job.sequences.length * job.steps * units;
}
