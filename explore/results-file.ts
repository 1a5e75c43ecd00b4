// results.jsonl on disk: read line by line in fixed-size chunks (a file of any size, never one string),
// tolerating a last line cut by a kill; append one finished point per line; put a finished file in grid order
// and merge shard files by copying lines by byte offset, so only keys and offsets are held, never the records.

import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { renameTarget } from "../common/atomic-write.js";
import { SpikegridError } from "../common/errors.js";
import { formatResultLine, type PointResult, pointResultSchema } from "./result.js";

/** Longest line accepted: a point's result is a few KB; a longer line is not one spikegrid wrote. */
export const RESULT_LINE_BYTES = 16 * 1024 * 1024;

export interface LineReadOptions {
  /** Bytes read per call (default 1 MiB); tests use tiny chunks to cross every boundary. */
  chunkBytes?: number;
  /** Longest line accepted (default RESULT_LINE_BYTES). */
  maxLineBytes?: number;
}

/** One complete line of a file: its text (no newline), 1-based number, byte offset and byte length. */
export interface FileLine {
  text: string;
  line: number;
  offset: number;
  length: number;
}

export interface LineScan {
  /** Length of the file up to the last complete line. */
  validBytes: number;
  /** Bytes of a final line without its newline (a write cut short). */
  truncatedBytes: number;
}

/** Calls `visit` for every complete line of `file`, reading `chunkBytes` at a time. */
export function scanLines(file: string, visit: (l: FileLine) => void, o: LineReadOptions = {}): LineScan {
  const chunk = Math.max(1, o.chunkBytes ?? 1024 * 1024);
  const maxLine = o.maxLineBytes ?? RESULT_LINE_BYTES;
  const tooLong = (line: number) =>
    new SpikegridError(
      "USAGE",
      `${file}:${line}: a line longer than ${maxLine.toLocaleString("en-US")} bytes`,
      {
        hint: "results files hold one JSON object of a few KB per line, as `spikegrid explore -o` writes them",
      },
    );
  const fd = openSync(file, "r");
  const buf = Buffer.allocUnsafe(chunk);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let read = 0;
  let lineStart = 0;
  let line = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunk, read);
      if (n === 0) break;
      const view = buf.subarray(0, n);
      let from = 0;
      for (let nl = view.indexOf(0x0a, from); nl >= 0; nl = view.indexOf(0x0a, from)) {
        const piece = view.subarray(from, nl);
        if (pendingBytes + piece.length > maxLine) throw tooLong(line + 1);
        const whole = pending.length ? Buffer.concat([...pending, piece]) : piece;
        line++;
        visit({ text: whole.toString("utf8"), line, offset: lineStart, length: whole.length });
        lineStart += whole.length + 1;
        pending = [];
        pendingBytes = 0;
        from = nl + 1;
      }
      if (from < n) {
        pendingBytes += n - from;
        if (pendingBytes > maxLine) throw tooLong(line + 1);
        pending.push(Buffer.from(view.subarray(from)));
      }
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return { validBytes: lineStart, truncatedBytes: read - lineStart };
}

/** A line as a checked result; anything else names the file and line. */
function parseResultLine(file: string, l: FileLine): PointResult {
  let value: unknown;
  try {
    value = JSON.parse(l.text);
  } catch {
    throw new SpikegridError("USAGE", `${file}:${l.line}: not a JSON line`, {
      hint: "results files hold one JSON object per line, as `spikegrid explore -o` writes them",
    });
  }
  const r = pointResultSchema.safeParse(value);
  if (!r.success)
    throw new SpikegridError("USAGE", `${file}:${l.line}: not an explore result`, {
      details: r.error.issues.map((x) => ({ where: x.path.join(".") || "(line)", message: x.message })),
    });
  if (r.data.index >= r.data.gridSize)
    throw new SpikegridError(
      "USAGE",
      `${file}:${l.line}: index ${r.data.index} is outside its grid of ${r.data.gridSize} points`,
    );
  return r.data;
}

export interface ReadResults extends LineScan {
  results: PointResult[];
}

/** Every result of a file, parsed (for a finished sweep's summary). Only a final line without a newline may be broken. */
export function readResults(file: string, o: LineReadOptions = {}): ReadResults {
  if (!existsSync(file)) return { results: [], truncatedBytes: 0, validBytes: 0 };
  const results: PointResult[] = [];
  const scan = scanLines(
    file,
    (l) => {
      if (l.text.trim() !== "") results.push(parseResultLine(file, l));
    },
    o,
  );
  return { results, ...scan };
}

/** Where one result's line is: enough to resume (the key) and to copy the line (file, offset, length). */
export interface ResultEntry {
  key: string;
  index: number;
  file: string;
  line: number;
  offset: number;
  length: number;
}

export interface ResultIndex extends LineScan {
  /** The grid fingerprint and size every line shares (undefined for an empty file). */
  grid?: string;
  gridSize: number;
  /** The first line of each key, in file order. */
  entries: Map<string, ResultEntry>;
  /** Non-blank lines, duplicates included. */
  lines: number;
}

function differentGrids(a: { where: string; grid: string; size: number }, b: typeof a): SpikegridError {
  return new SpikegridError("USAGE", "results of different grids cannot be combined", {
    details: [
      { where: a.where, message: `grid ${a.grid} (${a.size} points)` },
      { where: b.where, message: `grid ${b.grid} (${b.size} points)` },
    ],
    hint: "merge only the shards of one sweep, or write a new sweep to a new -o file",
  });
}

/** Keys and line offsets of a results file, every line checked, without holding any record. */
export function indexResults(file: string, o: LineReadOptions = {}): ResultIndex {
  const index: ResultIndex = { gridSize: 0, entries: new Map(), lines: 0, validBytes: 0, truncatedBytes: 0 };
  if (!existsSync(file)) return index;
  let first: { where: string; grid: string; size: number } | undefined;
  const scan = scanLines(
    file,
    (l) => {
      if (l.text.trim() === "") return;
      const r = parseResultLine(file, l);
      const here = { where: `${file}:${l.line}`, grid: r.grid, size: r.gridSize };
      first ??= here;
      if (r.grid !== first.grid || r.gridSize !== first.size) throw differentGrids(first, here);
      index.lines++;
      if (!index.entries.has(r.key))
        index.entries.set(r.key, {
          key: r.key,
          index: r.index,
          file,
          line: l.line,
          offset: l.offset,
          length: l.length,
        });
    },
    o,
  );
  return { ...index, ...scan, ...(first ? { grid: first.grid, gridSize: first.size } : {}) };
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

/** Writes `file` through a sibling temp file and a rename: never half a file, even on a kill. */
function writeAtomically(file: string, fill: (write: (text: string | Buffer) => void) => void): void {
  mkdirSync(dirname(file), { recursive: true });
  const target = renameTarget(file);
  // a device or pipe is written in place (a rename would replace it); a symlink's target gets the rename
  const tmp = target === undefined ? file : `${target}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    fill((t) => {
      if (typeof t === "string") writeSync(fd, t);
      else writeSync(fd, t);
    });
  } catch (e) {
    closeSync(fd);
    if (target !== undefined) rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  if (target !== undefined) renameSync(tmp, target);
}

/** Rewrites `file` with `results` in grid order. */
export function writeResultsFile(file: string, results: readonly PointResult[]): void {
  writeAtomically(file, (write) => {
    for (const r of canonicalOrder(results)) write(`${formatResultLine(r)}\n`);
  });
}

/** Writes the lines `entries` point at, in grid order, copying bytes (sources may include `file` itself). */
export function writeOrderedLines(file: string, entries: Iterable<ResultEntry>): number {
  const sorted = [...entries].sort((a, b) => a.index - b.index);
  const fds = new Map<string, number>();
  try {
    writeAtomically(file, (write) => {
      const out = Buffer.allocUnsafe(1024 * 1024);
      let used = 0;
      for (const e of sorted) {
        let fd = fds.get(e.file);
        if (fd === undefined) {
          fd = openSync(e.file, "r");
          fds.set(e.file, fd);
        }
        const need = e.length + 1;
        if (used + need > out.length) {
          write(out.subarray(0, used));
          used = 0;
        }
        const dst = need <= out.length ? out : Buffer.allocUnsafe(need);
        const at = dst === out ? used : 0;
        if (readSync(fd, dst, at, e.length, e.offset) !== e.length)
          throw new SpikegridError("FILE_READ", `${e.file}:${e.line}: the file changed while it was read`);
        dst[at + e.length] = 0x0a;
        if (dst === out) used += need;
        else write(dst);
      }
      if (used) write(out.subarray(0, used));
    });
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  return sorted.length;
}

/** Puts a results file in grid order, one line per key (first wins), reading it line by line. */
export function orderResultsFile(file: string, o: LineReadOptions = {}): ResultIndex {
  const index = indexResults(file, o);
  writeOrderedLines(file, index.entries.values());
  return index;
}

export interface MergeReport {
  grid: string;
  gridSize: number;
  /** Points written. */
  points: number;
  /** Grid indices no file holds: the first 1000 of them (`missingCount` counts all). */
  missing: number[];
  missingCount: number;
  duplicates: number;
}

const samePath = (a: string, b: string) => {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  return real(a) === real(b);
};

/** Joins shard files into `out`: same grid required, deduplicated by key, in the unsharded order, streamed. */
export function mergeResults(files: readonly string[], out: string, o: LineReadOptions = {}): MergeReport {
  if (files.length === 0) throw new SpikegridError("USAGE", "explore merge needs at least one results file");
  const clash = files.find((f) => samePath(f, out));
  if (clash)
    throw new SpikegridError("USAGE", `-o ${out} is one of the files being merged (${clash})`, {
      hint: "write the merged results to a new file",
    });
  const entries = new Map<string, ResultEntry>();
  let first: { where: string; grid: string; size: number } | undefined;
  let lines = 0;
  for (const f of files) {
    if (!existsSync(f)) throw new SpikegridError("FILE_NOT_FOUND", `${f}: no such results file`);
    const idx = indexResults(f, o);
    if (idx.grid === undefined) continue;
    const here = { where: f, grid: idx.grid, size: idx.gridSize };
    first ??= here;
    if (here.grid !== first.grid || here.size !== first.size) throw differentGrids(first, here);
    lines += idx.lines;
    for (const [k, e] of idx.entries) if (!entries.has(k)) entries.set(k, e);
  }
  const points = writeOrderedLines(out, entries.values());
  const gridSize = first?.size ?? 0;
  const indices = [...entries.values()].map((e) => e.index).sort((a, b) => a - b);
  const missing: number[] = [];
  let next = 0;
  for (const i of [...indices, gridSize]) {
    for (let m = next; m < i && missing.length < 1000; m++) missing.push(m);
    next = i + 1;
  }
  return {
    grid: first?.grid ?? "",
    gridSize,
    points,
    missing,
    missingCount: Math.max(0, gridSize - new Set(indices).size),
    duplicates: lines - points,
  };
}
