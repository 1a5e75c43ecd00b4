import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packagePath } from "../common/package-root.js";
import { loadPipelineData } from "../pipeline/data.js";
import { evaluatePoint } from "./evaluate.js";
import { parseShard } from "./grid.js";
import { mergeResults, readResults } from "./results-file.js";
import { type PointEvaluator, runSweep } from "./run.js";
import { smallGrid, tempDir } from "./test-helpers.js";

describe("runSweep", async () => {
  const grid = smallGrid();
  const data = await loadPipelineData(grid);
  const dir = tempDir();
  const full = join(dir, "full.jsonl");
  const unsharded = await runSweep(grid, { out: full, data });

  it("evaluates every point, in grid order, with metrics or a reason", () => {
    expect(unsharded.ran).toBe(6);
    expect(unsharded.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const r of unsharded.results) {
      expect(r.fits).toBe(true);
      expect(r.samples).toBe(4);
      expect(r.timesteps).toBe(28);
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.cores?.used).toBeGreaterThan(0);
      expect(r.memory?.synapseBits).toBeGreaterThan(0);
    }
    // more weight bits take more synapse memory on the same chip
    const bits = unsharded.results.filter((r) => r.profile === "loihi2").map((r) => r.memory!.synapseBits);
    expect(bits[0]!).toBeLessThan(bits[2]!);
  });

  it("shards 1/3 + 2/3 + 3/3 merged equal the unsharded results, byte for byte", async () => {
    const files = [];
    for (const i of [1, 2, 3]) {
      const f = join(dir, `shard-${i}.jsonl`);
      const s = await runSweep(grid, { out: f, data, shard: parseShard(`${i}/3`) });
      expect(s.ran).toBe(2);
      files.push(f);
    }
    const merged = join(dir, "merged.jsonl");
    const m = mergeResults(files.reverse(), merged);
    expect(m.missing).toEqual([]);
    expect(m.missingCount).toBe(0);
    expect(m.points).toBe(6);
    expect(readFileSync(merged, "utf8")).toBe(readFileSync(full, "utf8"));
  });

  it("resumes a killed sweep: only the missing points run, a cut last line is dropped", async () => {
    const text = readFileSync(full, "utf8");
    const lines = text.split("\n");
    const f = join(dir, "killed.jsonl");
    // two whole lines, then half of the third (what a kill during a write can leave)
    writeFileSync(f, `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 40)}`);
    expect(readResults(f).truncatedBytes).toBe(40);
    let calls = 0;
    const counting: PointEvaluator = (id, p, d) => {
      calls++;
      return evaluatePoint(id, p, d);
    };
    const s = await runSweep(grid, { out: f, data, evaluator: counting });
    expect(calls).toBe(4);
    expect(s.skipped).toBe(2);
    expect(readFileSync(f, "utf8")).toBe(text);
    // nothing left to do
    const again = await runSweep(grid, { out: f, data, evaluator: counting });
    expect(again.ran).toBe(0);
    expect(calls).toBe(4);
  });

  it("refuses an output file of another grid and merging different grids", async () => {
    const other = smallGrid({ samples: 3 });
    await expect(runSweep(other, { out: full })).rejects.toThrow(/holds results of another grid/);
    const f = join(dir, "other.jsonl");
    await runSweep(other, { out: f, shard: parseShard("1/6") });
    expect(() => mergeResults([full, f], join(dir, "mixed.jsonl"))).toThrow(/different grids/);
  });

  it.skipIf(!existsSync(packagePath("dist", "explore", "worker-entry.cjs")))(
    "gives the same results on 2 worker threads",
    async () => {
      const f = join(dir, "pool.jsonl");
      const s = await runSweep(grid, { out: f, workers: 2 });
      expect(s.ran).toBe(6);
      expect(readFileSync(f, "utf8")).toBe(readFileSync(full, "utf8"));
    },
  );
});
