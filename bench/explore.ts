// Benchmark: the same 16-point explore sweep (2 profiles × 2 core budgets × 4 weight bits, the trained demo
// model on held-out MNIST rows) with 1 worker (in-process) and with 2 worker threads, alternated `--repeat`
// times. Every run is a fresh process, as a user's `spikegrid explore` is: both start cold (module loading, JIT),
// so neither benefits from code the other warmed. Prints one JSON line per run and a summary {speedup (median
// of runSweep wall times), speedupOfBest (fastest of each), identical}; fails when results differ. cpuMs is the
// CPU time of all the run's threads: on a busy machine it shows whether a second core was free. Before the first
// run and after the last a probe measures the parallel capacity the host gives (host-capacity.ts: 2 on two free
// cores), so a low speedup on a crowded host can be told from a slow sweep.
//
//   npm run bench            # or: npx tsc -p . && node dist/bench/explore.js [--samples N] [--repeat N]

import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkGridSpec } from "../explore/grid.js";
import { runSweep } from "../explore/run.js";
import { hostCapacity } from "./host-capacity.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) {
    console.error(`explore bench: ${name} must be a positive integer, got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  return v;
};
const samples = arg("--samples", 256);
const repeat = arg("--repeat", 3);

const grid = checkGridSpec({
  model: "zoo:spiking-lmuformer-smnist",
  profiles: ["loihi", "loihi2"],
  maxCores: [4, null],
  weightBits: [2, 4, 6, 8],
  dataset: "mnist-rows",
  samples,
});

interface ChildRun {
  wallMs: number;
  cpuMs: number;
  points: number;
}

/** In the child: one sweep from a cold start, its figures as one JSON line on stdout. */
async function child(workers: number, out: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const s = await runSweep(grid, { out, workers });
  const cpu = process.cpuUsage(cpu0);
  const run: ChildRun = {
    wallMs: s.wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    points: s.ran,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const texts = new Set<string>();
  const wall: Record<number, number[]> = { 1: [], 2: [] };
  const capacityBefore = await hostCapacity();
  for (let r = 0; r < repeat; r++) {
    for (const workers of [1, 2]) {
      const out = join(tmpdir(), `spikegrid-bench-explore-${process.pid}-w${workers}.jsonl`);
      rmSync(out, { force: true });
      const load1Before = loadavg()[0]!;
      const t0 = performance.now();
      const args = [self, "--child", String(workers), "--out", out, "--samples", String(samples)];
      const text = execFileSync(process.execPath, args, { encoding: "utf8" });
      const processMs = performance.now() - t0;
      const run = JSON.parse(text.trim().split("\n").pop()!) as ChildRun;
      wall[workers]!.push(run.wallMs);
      texts.add(readFileSync(out, "utf8"));
      rmSync(out, { force: true });
      console.log(
        JSON.stringify({
          bench: "explore-16-points",
          run: r + 1,
          workers,
          points: run.points,
          samples,
          wallMs: Math.round(run.wallMs),
          processMs: Math.round(processMs),
          cpuMs: Math.round(run.cpuMs),
          load1Before: +load1Before.toFixed(2),
          load1After: +loadavg()[0]!.toFixed(2),
          cpus: availableParallelism(),
        }),
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const speedups = wall[1]!.map((w, i) => +(w / wall[2]![i]!).toFixed(2));
  const capacityAfter = await hostCapacity();
  const identical = texts.size === 1;
  console.log(
    JSON.stringify({
      bench: "explore-16-points",
      speedup: +(median(wall[1]!) / median(wall[2]!)).toFixed(2),
      // fastest run of each mode: on a shared host, the runs the other tenants slowed least
      speedupOfBest: +(Math.min(...wall[1]!) / Math.min(...wall[2]!)).toFixed(2),
      speedups,
      hostCapacity: [capacityBefore.capacity, capacityAfter.capacity],
      identical,
    }),
  );
  if (!identical) {
    console.error("explore bench: results with 1 and 2 workers differ");
    process.exitCode = 1;
  }
}

const asChild = process.argv.indexOf("--child");
if (asChild >= 0) {
  const out = process.argv[process.argv.indexOf("--out") + 1]!;
  await child(Number(process.argv[asChild + 1]), out);
} else await parent();
