// Hostile run JSON sizes: an absurd mesh or section is refused (exit 2, naming the budget) before rendering;
// a long per-step series within budget renders with min/max decimation instead of overflowing the stack; big
// sparse meshes draw only the tiles in use. Bounded generously in time: the fixed code takes well under 1 s.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../cli/io.js";
import { runCli } from "../cli/main.js";
import { loadProfile } from "../hw-profiles/index.js";
import { errorOf } from "../test/cli-run.js";
import { chipRun } from "../test/reports/run-fixture.js";
import { gridHeatmap, gridView } from "./html/heatmap.js";
import { decimateMinMax, extent, niceTicks } from "./html/series.js";
import { renderReport } from "./renderers/index.js";
import { checkRunBudgets, checkRunFileSize, RUN_BUDGETS } from "./run-budgets.js";
import type { RunJson } from "./run-json.js";
import { readRunJsonFile } from "./run-read.js";

const dir = mkdtempSync(join(tmpdir(), "sg-run-budgets-"));

/** `n` steps of activity: a sawtooth with one spike peak in the middle (decimation must keep it). */
function longPerStep(n: number) {
  const spikes = new Array<number>(n);
  const synapticOps = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    spikes[i] = i % 7;
    synapticOps[i] = 1000 * (i % 11);
  }
  spikes[n >> 1] = 5000;
  return { spikes, synapticOps };
}

describe("run JSON size budgets", () => {
  it("refuses a 1e5 × 1e5 mesh with exit 2 naming the budget, fast", async () => {
    const run = { ...chipRun(), grid: { width: 100_000, height: 100_000 } };
    const file = join(dir, "mesh.json");
    writeFileSync(file, JSON.stringify(run));
    const t0 = performance.now();
    const e = errorOf(() => readRunJsonFile(file));
    expect(e.code).toBe("USAGE");
    expect(e.describe()).toMatch(/grid: 10,000,000,000 grid cells \(100000 × 100000\) exceed .*gridCells/);
    const io = bufferIo();
    const out = join(dir, "mesh.html");
    expect(await runCli(["report", file, "--format", "html", "-o", out], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/too large to report/);
    expect(performance.now() - t0).toBeLessThan(15_000);
  }, 30_000);

  it("names every section over its budget (cores, links, layers, per-step entries, raster spikes)", () => {
    const small = { ...RUN_BUDGETS, cores: 2, layers: 1, perStepEntries: 3, rasterSpikes: 1 };
    const text = errorOf(() => checkRunBudgets(chipRun(), "run.json", small)).describe();
    for (const k of ["cores:", "perLayer:", "perStep.spikes:", "raster:", "quantization.projections:"])
      expect(text).toContain(k);
    expect(text).toMatch(/\(perStepEntries\)/);
    expect(() => checkRunBudgets(chipRun())).not.toThrow();
  });

  it("bounds a multi-chip run's chip-to-chip link rows like mesh links (4 × cores)", () => {
    const link = { fromChip: 0, toChip: 1, packets: 1, energyJ: 0, busyCycles: 0 };
    const run = { ...chipRun(), system: { links: Array.from({ length: 9 }, () => link) } };
    const text = errorOf(() => checkRunBudgets(run, "run.json", { ...RUN_BUDGETS, cores: 2 })).describe();
    expect(text).toMatch(/system\.links: 9 chip-to-chip links exceed the report budget of 8 \(cores\)/);
  });

  it("takes a run of every core of the largest shipped systems (one core row each)", () => {
    for (const name of ["loihi2-hala-point", "spinnaker2-sandia"]) {
      const p = loadProfile(name);
      const cores = p.grid.coresPerChip * p.grid.chips;
      const run = { ...chipRun(), cores: new Array(cores).fill({}), links: new Array(4 * cores).fill({}) };
      expect(() => checkRunBudgets(run, name)).not.toThrow();
    }
  });

  it("refuses a run JSON file over the byte budget before reading it", () => {
    const file = join(dir, "big.json");
    writeFileSync(file, " ".repeat(2000));
    // the default budget is 64 MiB; a smaller one shows the check runs on the size alone
    expect(() => checkRunFileSize(file, { ...RUN_BUDGETS, fileBytes: 1000 })).toThrow(
      /2,000 bytes exceed the run JSON budget of 1,000 bytes \(fileBytes\)/,
    );
    expect(() => readRunJsonFile(file)).toThrow(/not JSON/);
  });

  it("renders 2 M per-step entries as an HTML page with decimated lines (no stack overflow)", () => {
    const n = 2_000_000;
    const run: RunJson = { ...chipRun(), perStep: longPerStep(n) };
    const t0 = performance.now();
    const html = renderReport(run, "html");
    expect(performance.now() - t0).toBeLessThan(20_000);
    const activity = html.slice(html.indexOf('data-plot="activity"'));
    const polylines = [...activity.matchAll(/<polyline class="series" points="([^"]*)"/g)].slice(0, 2);
    expect(polylines).toHaveLength(2);
    for (const [, pts] of polylines) expect(pts!.split(" ").length).toBeLessThanOrEqual(2 * 520);
    // the peak (5000 spikes in one step) survives decimation: the spikes axis ends at 6000
    expect(activity).toMatch(/>6000</);
    expect(activity).toContain("2,000,000 steps");
  }, 60_000);

  it("every format renders a run with 200 k steps", () => {
    const run: RunJson = { ...chipRun(), perStep: longPerStep(200_000) };
    for (const f of ["terminal", "md", "csv", "json", "html"])
      expect(renderReport(run, f).length).toBeGreaterThan(0);
  });
});

describe("plot helpers", () => {
  it("extent and decimation handle long series and keep the extremes of each bucket", () => {
    const v = Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i / 1000));
    expect(extent(v)![1]).toBeCloseTo(1, 5);
    const d = decimateMinMax(v, 100);
    expect(d.length).toBeLessThanOrEqual(200);
    expect(Math.max(...d.map((p) => p.v))).toBe(extent(v)![1]);
    expect(d.map((p) => p.i)).toEqual([...d.map((p) => p.i)].sort((a, b) => a - b));
    expect(decimateMinMax([3, 1, 2], 10)).toEqual([
      { i: 0, v: 3 },
      { i: 1, v: 1 },
      { i: 2, v: 2 },
    ]);
    expect(niceTicks(0, 391_612, 4)).toEqual([0, 100_000, 200_000, 300_000]);
    expect(niceTicks(1, 28, 8)).toEqual([5, 10, 15, 20, 25]);
  });

  it("a heat map zooms to the tiles in use and bins a big sparse mesh", () => {
    const base = chipRun().cores!;
    // 5 cores on tiles (0..2, 0..1) of a 64 × 64 mesh: the map shows them and one tile around (4 × 3)
    expect(gridView(64, 64, base, [])).toMatchObject({
      x0: 0,
      y0: 0,
      cols: 4,
      rows: 3,
      bin: 1,
      zoomed: true,
    });
    expect(gridView(3, 2, base, [])).toMatchObject({ cols: 3, rows: 2, zoomed: false });
    // cores at opposite corners of a 4096 × 4096 mesh: binned, a bounded number of cells drawn
    const far = [
      { ...base[0]!, tile: [0, 0] as [number, number] },
      { ...base[1]!, tile: [4095, 4095] as [number, number] },
    ];
    const v = gridView(4096, 4096, far, []);
    expect(v.bin).toBe(32);
    expect(v.cols).toBe(128);
    const svg = gridHeatmap({ metric: "energy", width: 4096, height: 4096, cores: far, links: [] });
    expect((svg.match(/<rect/g) ?? []).length).toBeLessThan(100);
    expect(svg).toContain("32 × 32 tiles per cell");
  });

  it("hostile tile coordinates (far outside the mesh, negative, 1e300) still draw a bounded map", () => {
    const base = chipRun().cores!;
    const far = [0, -5, 1e9, 1e300].map((x, i) => ({ ...base[i]!, tile: [x, -x] as [number, number] }));
    for (const metric of ["utilization", "energy", "traffic"] as const) {
      const svg = gridHeatmap({
        metric,
        width: 4,
        height: 3,
        cores: far,
        links: [{ from: [0, 0], to: [1e300, 0], packets: 5, busyCycles: 1 }],
      });
      expect((svg.match(/<rect|<line/g) ?? []).length).toBeLessThan(200);
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
  });
});
