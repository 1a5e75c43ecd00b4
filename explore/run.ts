// runSweep: the explore loop. Expands and shards the grid, skips points already in the output (resume),
// calibrates once, evaluates the rest in-process (1 worker) or on a pool of worker threads (this thread
// compiles and maps each point, the threads simulate), appends each result as it finishes, and when the shard
// is complete rewrites the file in grid order.

import { SpikegridError } from "../common/errors.js";
import { calibrationRanges, type Ranges } from "../pipeline/calibrate.js";
import { loadPipelineData, type PipelineData } from "../pipeline/data.js";
import type { SweepIdentity } from "./evaluate.js";
import {
  checkGridBudget,
  type GridPoint,
  type GridSpec,
  gridCompileOptions,
  gridDataSpec,
  gridFingerprint,
  gridPoints,
  gridSize,
  type Shard,
} from "./grid.js";
import { inProcessPool, type PointEvaluator, type SweepPool, threadPool } from "./pool.js";
import { type SweepProgress, silentProgress } from "./progress.js";
import type { PointResult } from "./result.js";
import { indexResults, orderResultsFile, ResultWriter, readResults } from "./results-file.js";

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
  /** Most grid points allowed (default GRID_POINT_BUDGET; `--max-points`). */
  maxPoints?: number;
}

export interface SweepResult {
  fingerprint: string;
  gridSize: number;
  /** This shard's points, in grid order (made when first asked for). */
  readonly points: GridPoint[];
  /**
   * Every result in the output file (this shard and any other of the same grid), in grid order: read from the
   * finished file when first asked for (a sweep itself holds only keys).
   */
  readonly results: PointResult[];
  ran: number;
  skipped: number;
  wallMs: number;
}

export async function runSweep(grid: GridSpec, opts: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1)
    throw new SpikegridError("USAGE", `--workers must be a positive integer, got ${workers}`);
  checkGridBudget(grid, opts.maxPoints);
  const size = gridSize(grid);
  const fingerprint = gridFingerprint(grid);
  // The output file's grid is checked before any work (only keys and offsets are kept), the samples against
  // the network just below.
  const previous = indexResults(opts.out);
  if (previous.grid !== undefined && (previous.grid !== fingerprint || previous.gridSize !== size)) {
    throw new SpikegridError("USAGE", `${opts.out} holds results of another grid (${previous.grid})`, {
      hint: "write this sweep to a new -o file, or rerun the grid that wrote it to resume it",
    });
  }
  const have = previous.entries;
  const todoPoints = () =>
    (function* () {
      for (const p of gridPoints(grid, opts.shard)) if (!have.has(p.key)) yield p;
    })();
  let shardSize = 0;
  let todoCount = 0;
  for (const p of gridPoints(grid, opts.shard)) {
    shardSize++;
    if (!have.has(p.key)) todoCount++;
  }
  // Threads start first: they load the library while this thread loads the network and samples and
  // calibrates. A load error here (bad samples) closes them again below.
  const own = opts.pool
    ? undefined
    : workers === 1 || todoCount <= 1
      ? inProcessPool(opts.evaluator)
      : threadPool(Math.min(workers, todoCount));
  const pool = opts.pool ?? own!;
  let data: PipelineData;
  try {
    data = opts.data ?? (await loadPipelineData(gridDataSpec(grid)));
    if (grid.convention === "sanafe") checkSanafeModel(grid, data);
  } catch (e) {
    await own?.close();
    throw e;
  }
  const progress = opts.progress ?? silentProgress;
  let ran = 0;
  const writer = new ResultWriter(opts.out, previous.validBytes);
  const done = (r: PointResult) => {
    writer.append(r);
    ran++;
    progress.point(r);
  };
  progress.start(todoCount, shardSize - todoCount);
  try {
    if (todoCount) {
      // calibrated on the module lowered with the sweep's compile options (they decide its population ids)
      const ranges =
        opts.ranges ?? (await calibrationRanges(gridDataSpec(grid), data, gridCompileOptions(grid, data)));
      const id: SweepIdentity = { grid, fingerprint, size, ranges };
      // in-process: one at a time, in grid order; on a pool: a bounded number queued, written as they finish
      if (pool.workers === 1) for (const p of todoPoints()) done(await pool.point(id, p, data));
      else await runBounded(todoPoints(), 8 * pool.workers + 64, (p) => pool.point(id, p, data).then(done));
    }
  } finally {
    progress.stop();
    writer.close();
    await own?.close();
  }
  // Completion order depends on the workers; grid order makes finished files comparable byte for byte.
  orderResultsFile(opts.out);
  let points: GridPoint[] | undefined;
  let results: PointResult[] | undefined;
  return {
    fingerprint,
    gridSize: size,
    get points() {
      points ??= [...gridPoints(grid, opts.shard)];
      return points;
    },
    get results() {
      results ??= readResults(opts.out).results;
      return results;
    },
    ran,
    skipped: shardSize - todoCount,
    wallMs: performance.now() - t0,
  };
}

/** The sanafe convention counts by a SANA-FE network file's own connections: refused before any point runs. */
function checkSanafeModel(grid: GridSpec, data: PipelineData): void {
  if (data.graph?.metadata.format === "sanafe") return;
  throw new SpikegridError(
    "USAGE",
    `--convention sanafe counts by a SANA-FE network file's own connections and mappings; ${grid.model} is not one`,
    { hint: "explore a SANA-FE SNN YAML (network: … mappings: …), or leave out --convention" },
  );
}

/**
 * Runs `task` on every item with at most `limit` running (the pool keeps its own smaller window of prepared
 * points), so a million-point sweep never holds a million pending promises. The first failure stops new
 * work; the running tasks finish, then it is thrown.
 */
async function runBounded<T>(
  items: Iterable<T>,
  limit: number,
  task: (t: T) => Promise<void>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    if (failure) break;
    const p: Promise<void> = task(item).then(
      () => {
        running.delete(p);
      },
      (error: unknown) => {
        running.delete(p);
        failure ??= { error };
      },
    );
    running.add(p);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}
