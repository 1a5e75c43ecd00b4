// runSweep: the explore loop. Expands and shards the grid, skips points already in the output (resume),
// calibrates once, evaluates the rest in-process (1 worker) or on a pool of worker threads (this thread
// compiles and maps each point, the threads simulate), appends each result as it finishes, and when the shard
// is complete rewrites the file in grid order.

import { SpikegridError } from "../common/errors.js";
import { calibrationRanges, type Ranges } from "../pipeline/calibrate.js";
import { loadPipelineData, type PipelineData } from "../pipeline/data.js";
import type { SweepIdentity } from "./evaluate.js";
import {
  expandGrid,
  type GridPoint,
  type GridSpec,
  gridFingerprint,
  type Shard,
  shardPoints,
} from "./grid.js";
import { inProcessPool, type PointEvaluator, type SweepPool, threadPool } from "./pool.js";
import { type SweepProgress, silentProgress } from "./progress.js";
import type { PointResult } from "./result.js";
import { canonicalOrder, ResultWriter, readResults, writeResultsFile } from "./results-file.js";

export type { PointEvaluator } from "./pool.js";

export interface SweepOptions {
  /** results.jsonl: appended to, resumed from, rewritten in grid order when the shard completes. */
  out: string;
  /** Worker threads (default 1: in-process, no pool). Ignored when `pool` is given. */
  workers?: number;
  /** A pool to run on (the demo shares one between its own work and the sweep); not closed here. */
  pool?: SweepPool;
  shard?: Shard;
  progress?: SweepProgress;
  /** The in-process evaluator (tests count its calls). */
  evaluator?: PointEvaluator;
  /** Data already loaded for this grid (the demo reuses what it loaded). */
  data?: PipelineData;
  /** Calibrated ranges already observed for this grid. */
  ranges?: Ranges;
}

export interface SweepResult {
  fingerprint: string;
  gridSize: number;
  /** This shard's points, in grid order. */
  points: GridPoint[];
  /** Every result in the output file (this shard and any other of the same grid), in grid order. */
  results: PointResult[];
  ran: number;
  skipped: number;
  wallMs: number;
}

export async function runSweep(grid: GridSpec, opts: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1)
    throw new SpikegridError("USAGE", `--workers must be a positive integer, got ${workers}`);
  const all = expandGrid(grid);
  const fingerprint = gridFingerprint(grid);
  const mine = shardPoints(all, opts.shard);
  // The output file's grid is checked before any work; the samples against the network just below.
  const previous = readResults(opts.out);
  const foreign = previous.results.find((r) => r.grid !== fingerprint || r.gridSize !== all.length);
  if (foreign) {
    throw new SpikegridError("USAGE", `${opts.out} holds results of another grid (${foreign.grid})`, {
      hint: "write this sweep to a new -o file, or rerun the grid that wrote it to resume it",
    });
  }
  const have = new Set(previous.results.map((r) => r.key));
  const todo = mine.filter((p) => !have.has(p.key));
  // Threads start first: they load the library while this thread loads the network and samples and
  // calibrates. A load error here (bad samples) closes them again below.
  const own = opts.pool
    ? undefined
    : workers === 1 || todo.length <= 1
      ? inProcessPool(opts.evaluator)
      : threadPool(Math.min(workers, todo.length));
  const pool = opts.pool ?? own!;
  let data: PipelineData;
  try {
    data = opts.data ?? (await loadPipelineData(grid));
  } catch (e) {
    await own?.close();
    throw e;
  }
  const progress = opts.progress ?? silentProgress;
  const fresh: PointResult[] = [];
  const writer = new ResultWriter(opts.out, previous.validBytes);
  const done = (r: PointResult) => {
    writer.append(r);
    fresh.push(r);
    progress.point(r);
  };
  progress.start(todo.length, mine.length - todo.length);
  try {
    if (todo.length) {
      const ranges = opts.ranges ?? (await calibrationRanges(grid, data));
      const id: SweepIdentity = { grid, fingerprint, size: all.length, ranges };
      // in-process: one at a time, in grid order; on a pool: all queued, written as they finish
      if (pool.workers === 1) for (const p of todo) done(await pool.point(id, p, data));
      else await Promise.all(todo.map((p) => pool.point(id, p, data).then(done)));
    }
  } finally {
    progress.stop();
    writer.close();
    await own?.close();
  }
  const results = canonicalOrder([...previous.results, ...fresh]);
  // Completion order depends on the workers; grid order makes finished files comparable byte for byte.
  writeResultsFile(opts.out, results);
  return {
    fingerprint,
    gridSize: all.length,
    points: mine,
    results,
    ran: fresh.length,
    skipped: mine.length - todo.length,
    wallMs: performance.now() - t0,
  };
}
