// results.jsonl on disk: read (tolerating a last line cut by a kill), append one finished point per line,
// put a finished file in grid order, and merge shard files. A line is written with one write call as soon
// as its point is done, so killing the sweep loses at most the points in flight.

import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { SpikegridError } from "../common/errors.js";
import { formatResultLine, type PointResult, pointResultSchema } from "./result.js";

export interface ReadResults {
  results: PointResult[];
  /** Bytes of a final line without its newline (a write cut short); dropped. */
  truncatedBytes: number;
  /** Length of the file up to the last complete line. */
  validBytes: number;
}

/** Parses a results file. Only a final line without a newline may be broken; anything else is an error. */
export function readResults(file: string): ReadResults {
  if (!existsSync(file)) return { results: [], truncatedBytes: 0, validBytes: 0 };
  const buf = readFileSync(file);
  const end = buf.lastIndexOf(0x0a) + 1;
  const text = buf.subarray(0, end).toString("utf8");
  const results: PointResult[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SpikegridError("USAGE", `${file}:${i + 1}: not a JSON line`, {
        hint: "results files hold one JSON object per line, as `spikegrid explore -o` writes them",
      });
    }
    const r = pointResultSchema.safeParse(value);
    if (!r.success)
      throw new SpikegridError("USAGE", `${file}:${i + 1}: not an explore result`, {
        details: r.error.issues.map((x) => ({ where: x.path.join(".") || "(line)", message: x.message })),
      });
    results.push(r.data);
  });
  return { results, truncatedBytes: buf.length - end, validBytes: end };
}

/** Appends results to `file`, first cutting off a broken last line so the next line starts clean. */
export class ResultWriter {
  private fd: number;

  constructor(
    readonly file: string,
    validBytes?: number,
  ) {
    if (validBytes !== undefined && existsSync(file)) truncateSync(file, validBytes);
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, "a");
  }

  /** One write(2) per line: on a kill the line is either in the file or (at worst) cut, never interleaved. */
  append(r: PointResult): void {
    writeSync(this.fd, `${formatResultLine(r)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Sorted by grid index, one per key (the first seen wins). */
export function canonicalOrder(results: readonly PointResult[]): PointResult[] {
  const byKey = new Map<string, PointResult>();
  for (const r of results) if (!byKey.has(r.key)) byKey.set(r.key, r);
  return [...byKey.values()].sort((a, b) => a.index - b.index);
}

/** Rewrites `file` with `results` in grid order (write a sibling, then rename: never half a file). */
export function writeResultsFile(file: string, results: readonly PointResult[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(
      fd,
      canonicalOrder(results)
        .map((r) => `${formatResultLine(r)}\n`)
        .join(""),
    );
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Results of one sweep must share the grid fingerprint; a mix means files of different sweeps. */
export function checkSameGrid(results: readonly PointResult[], where: (r: PointResult) => string): string {
  const first = results[0];
  if (!first) return "";
  const other = results.find((r) => r.grid !== first.grid || r.gridSize !== first.gridSize);
  if (other) {
    throw new SpikegridError("USAGE", "results of different grids cannot be combined", {
      details: [
        { where: where(first), message: `grid ${first.grid} (${first.gridSize} points)` },
        { where: where(other), message: `grid ${other.grid} (${other.gridSize} points)` },
      ],
      hint: "merge only the shards of one sweep, or write a new sweep to a new -o file",
    });
  }
  return first.grid;
}

export interface MergeReport {
  results: PointResult[];
  grid: string;
  gridSize: number;
  /** Grid indices no file holds. */
  missing: number[];
  duplicates: number;
}

/** Joins shard files: same grid required, deduplicated by key, in the unsharded order. */
export function mergeResults(files: readonly string[]): MergeReport {
  if (files.length === 0) throw new SpikegridError("USAGE", "explore merge needs at least one results file");
  const all: { r: PointResult; file: string }[] = [];
  for (const f of files) {
    if (!existsSync(f)) throw new SpikegridError("FILE_NOT_FOUND", `${f}: no such results file`);
    for (const r of readResults(f).results) all.push({ r, file: f });
  }
  const fileOf = new Map(all.map((x) => [x.r, x.file]));
  const grid = checkSameGrid(
    all.map((x) => x.r),
    (r) => fileOf.get(r) ?? "?",
  );
  const results = canonicalOrder(all.map((x) => x.r));
  const gridSize = results[0]?.gridSize ?? 0;
  const have = new Set(results.map((r) => r.index));
  const missing: number[] = [];
  for (let i = 0; i < gridSize; i++) if (!have.has(i)) missing.push(i);
  return { results, grid, gridSize, missing, duplicates: all.length - results.length };
}
