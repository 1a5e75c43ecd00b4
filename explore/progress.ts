// Sweep progress: a cli-progress bar with ETA on a terminal, one plain line per finished point otherwise
// (CI logs, Slurm output files), or nothing.

import cliProgress from "cli-progress";
import type { PointResult } from "./result.js";

export interface SweepProgress {
  /** `total` points to run in this invocation; `skipped` were already in the output file. */
  start(total: number, skipped: number): void;
  point(r: PointResult): void;
  stop(): void;
}

export const silentProgress: SweepProgress = { start() {}, point() {}, stop() {} };

/** One line summary of a finished point. */
export function describePoint(r: PointResult): string {
  if (!r.fits) return `${r.key}: does not fit (${r.stage}) — ${r.reason ?? ""}`;
  const acc =
    r.accuracy === null || r.accuracy === undefined ? "" : `, acc ${(r.accuracy * 100).toFixed(1)} %`;
  return `${r.key}: ${r.cores?.used ?? "?"} cores${acc}`;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Plain lines: `[3/16] key: … (ETA 12 s)`. */
export function lineProgress(write: (line: string) => void): SweepProgress {
  let total = 0;
  let done = 0;
  let t0 = 0;
  return {
    start(n, skipped) {
      total = n;
      t0 = performance.now();
      write(`explore: ${n} point(s) to run${skipped ? `, ${skipped} already in the output (resumed)` : ""}`);
    },
    point(r) {
      done++;
      const elapsed = (performance.now() - t0) / 1000;
      const eta = (elapsed / done) * (total - done);
      write(`[${done}/${total}] ${describePoint(r)} (ETA ${fmtSeconds(eta)})`);
    },
    stop() {},
  };
}

/** A bar with ETA on stderr (a terminal). */
export function barProgress(stream: NodeJS.WriteStream = process.stderr): SweepProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "explore [{bar}] {value}/{total} points | ETA {eta_formatted} | {last}",
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(n, skipped) {
      if (skipped) stream.write(`explore: ${skipped} point(s) already in the output (resumed)\n`);
      bar.start(n, 0, { last: "" });
    },
    point(r) {
      bar.increment(1, { last: describePoint(r).slice(0, 60) });
    },
    stop() {
      bar.stop();
    },
  };
}
