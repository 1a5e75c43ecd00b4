// `spikegrid report`: a real run JSON (compile → simulate --engine reference --json) rendered in every format,
// with per-step activity and rasters in it; the same numbers in markdown, CSV, JSON and HTML; malformed runs
// are refused with key paths.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { randomInput, rng } from "../../compiler/passes/testing.js";
import { checkRunJson, type RunJson } from "../../reports/run-json.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const dir = mkdtempSync(join(tmpdir(), "sg-report-"));
const json = join(dir, "run.json");
let run: RunJson;

beforeAll(async () => {
  const nmir = join(dir, "cnn.nmir");
  const c = await cli(
    "compile",
    CNN,
    "--reset-mode",
    "subtract",
    "--dt",
    "1",
    "--input-event",
    "spike",
    "-o",
    nmir,
  );
  expect(c.err).toBe("");
  expect(c.code).toBe(0);
  const x = join(dir, "x.npy");
  const T = 12;
  const data = new Float64Array(2 * T * 2 * 34 * 34);
  for (let b = 0; b < 2; b++)
    data.set(randomInput(rng(7 + b), T, [2, 34, 34], { spikes: 0.1 }).data, b * T * 2312);
  writeNpyFile(x, { dtype: "float64", shape: [2, T, 2, 34, 34], data });
  const s = await cli("simulate", nmir, "--engine", "reference", "--input", x, "--json", json);
  expect(s.code).toBe(0);
  run = checkRunJson(JSON.parse(readFileSync(json, "utf8")));
}, 60_000);

describe("spikegrid report", () => {
  it("the reference run JSON has per-step activity and rasters of the first sample", () => {
    expect(run.perStep!.spikes).toHaveLength(12);
    expect(run.perStep!.spikes.reduce((a, b) => a + b, 0)).toBe(run.counts.spikes);
    expect(run.perStep!.synapticOps!.reduce((a, b) => a + b, 0)).toBe(run.counts.ac + run.counts.mac);
    expect(run.raster!.length).toBeGreaterThan(0);
    for (const r of run.raster!) {
      expect(r.shownNeurons).toBeLessThanOrEqual(64);
      for (const [t, n] of r.spikes) expect(t < r.steps && n < r.shownNeurons).toBe(true);
    }
    expect(run.raster!.some((r) => r.spikes.length > 0)).toBe(true);
  });

  it("renders every format to a file; md, csv, json and html carry the run's numbers", async () => {
    const outs: Record<string, string> = {};
    for (const f of ["terminal", "md", "csv", "json", "html"]) {
      const o = join(dir, `report.${f}`);
      const r = await cli("report", json, "--format", f, "-o", o);
      expect(r.code, r.err).toBe(0);
      outs[f] = readFileSync(o, "utf8");
    }
    const ac = run.counts.ac;
    expect(outs.csv).toContain(
      `summary,ACs (synaptic accumulates),Total (2 samples),${ac},,false,false,counts.ac`,
    );
    expect(outs.html).toContain(`data-value="${ac}" data-path="counts.ac"`);
    expect(checkRunJson(JSON.parse(outs.json!))).toEqual(run);
    expect(outs.md).toMatch(/\| ACs \(synaptic accumulates\) \| [\d.]+( k| M)? \|/);
    expect(outs.terminal).toMatch(/ACs \(synaptic accumulates\)\s+[\d.]+/);
    expect(outs.html).toContain('data-plot="raster"');
    // without --format the file name picks it: a .html file holds the page, not terminal tables
    const page = join(dir, "page.html");
    const r = await cli("report", json, "-o", page);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(page, "utf8")).toBe(outs.html);
    const txt = join(dir, "plain.txt");
    expect((await cli("report", json, "-o", txt)).code).toBe(0);
    expect(readFileSync(txt, "utf8")).toBe(outs.terminal);
  });

  it("a real chip-engine run (simulate --engine chip) renders with chip sections and estimate marks", async () => {
    const chipJson = join(dir, "chip.json");
    const nmir = join(dir, "cnn.nmir");
    const s = await cli(
      "simulate",
      nmir,
      "--engine",
      "chip",
      "--profile",
      "loihi",
      "--input",
      join(dir, "x.npy"),
      "--json",
      chipJson,
    );
    expect(s.code, s.err).toBe(0);
    const chip = checkRunJson(JSON.parse(readFileSync(chipJson, "utf8")));
    expect(chip.energy.chip).toBeDefined();
    expect(chip.run.engine).toBe("chip");
    expect(chip.counts.ac).toBeGreaterThan(0);
    const html = join(dir, "chip.html");
    expect((await cli("report", chipJson, "--format", "html", "-o", html)).code).toBe(0);
    const page = readFileSync(html, "utf8");
    for (const k of ["grid-utilization", "grid-energy", "grid-traffic", "energy-split"])
      expect(page).toContain(`data-plot="${k}"`);
    expect(page).toContain(`data-path="energy.chip.totalJ"`);
    const term = (await cli("report", chipJson)).out;
    expect(term).toMatch(/Energy, chip\s+~?[\d.]+ [pnµm]?J/);
    if (chip.energy.chip!.estimates.length) {
      expect(term).toContain("rests on an estimate-status profile value");
      expect(page).toContain("<sup>est</sup>");
    }
  }, 60_000);

  it("prints to stdout without -o; refuses malformed runs with key paths and unknown formats", async () => {
    const r = await cli("report", json);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Per layer");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...run, counts: { ...run.counts, mac: -3 }, perLayer: "x" }));
    const b = await cli("report", bad, "--format", "md");
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/does not match run\.schema\.json/);
    expect(b.err).toContain("counts.mac:");
    expect(b.err).toContain("perLayer:");
    const f = await cli("report", json, "--format", "pdf");
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/unknown report format "pdf"[\s\S]*csv/);
    const nope = await cli("report", join(dir, "nope.json"));
    expect(nope.err).toMatch(/FILE_NOT_FOUND/);
  });
});
