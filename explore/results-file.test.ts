// results.jsonl at scale: read line by line in chunks (tiny chunks cross every boundary), resumed and put in
// grid order holding only keys and offsets, merged by copying lines; a grid over the point budget is refused
// before anything runs, and a million-point grid is enumerated lazily when the budget is raised.

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Ranges } from "../pipeline/calibrate.js";
import type { PipelineData } from "../pipeline/data.js";
import { checkGridSpec, GRID_POINT_BUDGET, type GridPoint, gridPoints, gridSize, pointAt } from "./grid.js";
import type { PointResult } from "./result.js";
import { formatResultLine } from "./result.js";
import { indexResults, mergeResults, orderResultsFile, readResults, scanLines } from "./results-file.js";
import { runSweep } from "./run.js";
import { tempDir } from "./test-helpers.js";

/** A plausible result line of `point` (about 2 KB: misfits carry text, as real misfit points do). */
function fakeResult(grid: string, size: number, p: GridPoint): PointResult {
  return {
    grid,
    gridSize: size,
    index: p.index,
    key: p.key,
    profile: p.profile,
    maxCores: p.maxCores,
    weightBits: p.weightBits,
    stateBits: p.stateBits ?? 8,
    timesteps: p.timesteps ?? 28,
    samples: 4,
    fits: false,
    stage: "map",
    reason: `point ${p.index} does not fit`,
    misfits: Array.from({ length: 8 }, (_, k) => ({
      population: `layers.${k}.attention.projection`,
      limit: "synapseMemoryBits",
      needed: 1000 + k + p.index,
      available: 1000,
      suggestion:
        "raise --max-cores or lower --weight-bits so that the synapses of this population fit".repeat(2),
    })),
  };
}

const lineOf = (r: PointResult) => `${formatResultLine(r)}\n`;

const grid = checkGridSpec({
  model: "m.nir",
  profiles: ["loihi", "loihi2"],
  maxCores: [1, 2, 4, 8, 16, 32, 64, 128],
  weightBits: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
  timesteps: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
  input: "x.npy",
});
const size = gridSize(grid); // 2400 points, ≈ 5 MB of lines

describe("results files, streamed", () => {
  it("a multi-MB file read with 61-byte and 4 KB chunks gives every line, offset and the cut tail", () => {
    const dir = tempDir();
    const f = join(dir, "big.jsonl");
    const lines = [...gridPoints(grid)].map((p) => lineOf(fakeResult("g1", size, p)));
    const cut = lines[5]!.slice(0, 100);
    writeFileSync(f, lines.join("") + cut);
    expect(statSync(f).size).toBeGreaterThan(4_000_000);
    for (const chunkBytes of [61, 4096]) {
      let n = 0;
      let offset = 0;
      const scan = scanLines(
        f,
        (l) => {
          expect(l.offset).toBe(offset);
          expect(`${l.text}\n`).toBe(lines[n]);
          offset += Buffer.byteLength(lines[n]!);
          n++;
        },
        { chunkBytes },
      );
      expect(n).toBe(size);
      expect(scan.truncatedBytes).toBe(100);
      expect(scan.validBytes).toBe(offset);
    }
    const idx = indexResults(f, { chunkBytes: 4096 });
    expect(idx.entries.size).toBe(size);
    expect(idx.grid).toBe("g1");
    expect(readResults(f, { chunkBytes: 4096 }).results.map((r) => r.index)).toEqual([...Array(size).keys()]);
  }, 60_000);

  it("puts a shuffled file in grid order, first of each key kept, reading in small chunks", () => {
    const dir = tempDir();
    const f = join(dir, "shuffled.jsonl");
    const points = [...gridPoints(grid)].slice(0, 300);
    const ordered = points.map((p) => lineOf(fakeResult("g1", size, p)));
    const shuffled = points.map((_, i) => ordered[(i * 7) % 300]!);
    const dup = lineOf({ ...fakeResult("g1", size, points[3]!), reason: "a later duplicate" });
    writeFileSync(f, shuffled.join("") + dup);
    const idx = orderResultsFile(f, { chunkBytes: 333 });
    expect(idx.lines).toBe(301);
    expect(readFileSync(f, "utf8")).toBe(ordered.join(""));
  });

  it("refuses an over-long line or a file with no newline instead of reading it whole (and leaves it alone)", () => {
    const dir = tempDir();
    const f = join(dir, "blob.jsonl");
    const text = "x".repeat(50_000);
    writeFileSync(f, text);
    expect(() => indexResults(f, { chunkBytes: 1024, maxLineBytes: 10_000 })).toThrow(
      /blob\.jsonl:1: a line longer than 10,000 bytes/,
    );
    expect(readFileSync(f, "utf8")).toBe(text);
  });

  it("merge streams into -o, lists what is missing, and refuses -o equal to an input", () => {
    const dir = tempDir();
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    const pts = [...gridPoints(grid)];
    writeFileSync(
      a,
      pts
        .filter((p) => p.index % 2 === 0 && p.index !== 10)
        .map((p) => lineOf(fakeResult("g1", size, p)))
        .join(""),
    );
    writeFileSync(
      b,
      pts
        .filter((p) => p.index % 2 === 1)
        .map((p) => lineOf(fakeResult("g1", size, p)))
        .join(""),
    );
    const out = join(dir, "all.jsonl");
    const m = mergeResults([b, a], out, { chunkBytes: 1000 });
    expect(m).toMatchObject({ points: size - 1, missing: [10], missingCount: 1, duplicates: 0 });
    expect(readResults(out).results.map((r) => r.index)).toEqual(
      [...Array(size).keys()].filter((i) => i !== 10),
    );
    const before = readFileSync(a, "utf8");
    expect(() => mergeResults([a, b], a)).toThrow(/-o .*a\.jsonl is one of the files being merged/);
    expect(readFileSync(a, "utf8")).toBe(before);
  });
});

describe("grid point budget and lazy points", () => {
  const million = checkGridSpec({
    model: "m.nir",
    profiles: ["loihi"],
    maxCores: Array.from({ length: 1050 }, (_, i) => i + 1),
    weightBits: Array.from({ length: 15 }, (_, i) => i + 2),
    timesteps: Array.from({ length: 64 }, (_, i) => i + 1),
    input: "x.npy",
  });

  it("refuses a 1,008,000-point grid before any work, naming the budget and --max-points", async () => {
    expect(gridSize(million)).toBe(1_008_000);
    const out = join(tempDir(), "r.jsonl");
    await expect(runSweep(million, { out })).rejects.toThrow(
      new RegExp(
        `1,008,000 points .* over the budget of ${GRID_POINT_BUDGET.toLocaleString("en-US")} grid points`,
      ),
    );
    await expect(runSweep(million, { out })).rejects.toMatchObject({
      hint: expect.stringMatching(/--max-points/),
    });
    expect(existsSync(out)).toBe(false);
  });

  it("enumerates points by index without materialising the grid", () => {
    const p = pointAt(million, 1_007_999);
    expect(p.key).toBe("loihi|cores=1050|w=16|s=auto|T=64");
    const it = gridPoints(million, { index: 3, count: 500_000 });
    expect([...it].map((q) => q.index)).toEqual([2, 500_002, 1_000_002]);
  });

  it("with the budget raised, one shard of a million-point grid runs and resumes holding only its keys", async () => {
    const out = join(tempDir(), "shard.jsonl");
    const heap0 = process.memoryUsage().heapUsed;
    let peak = 0;
    let calls = 0;
    const opts = {
      out,
      maxPoints: 2_000_000,
      shard: { index: 1, count: 200_000 },
      data: {} as PipelineData,
      ranges: {} as Ranges,
      evaluator: (id: { fingerprint: string; size: number }, p: GridPoint) => {
        calls++;
        peak = Math.max(peak, process.memoryUsage().heapUsed - heap0);
        return fakeResult(id.fingerprint, id.size, p);
      },
    };
    const t0 = performance.now();
    const s = await runSweep(million, opts);
    expect(s.ran).toBe(6);
    expect(calls).toBe(6);
    const again = await runSweep(million, opts);
    expect(again.ran).toBe(0);
    expect(again.skipped).toBe(6);
    expect(calls).toBe(6);
    // a materialised grid is ≈ 200 bytes × 10⁶ points; the lazy sweep keeps a handful of keys
    expect(peak).toBeLessThan(120 * 1024 * 1024);
    expect(performance.now() - t0).toBeLessThan(30_000);
  }, 60_000);
});
