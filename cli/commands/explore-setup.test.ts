// `explore` sweeps what `compile` builds: compile's load and compile flags (--reset-mode, --input-event,
// --calibrate, …) hold for every point, through the same translation as `compile` and `simulate`, so a point
// equals `simulate` (or `compile` then `simulate`) of the same setup; the fingerprint keeps settings apart.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpyFile, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { tempDir } from "../../explore/test-helpers.js";
import { cli } from "../../test/cli-run.js";

const CNN = "examples/cnn_sinabs.nir";
const EVENTS = "examples/events.npy";
const POINT = ["--profiles", "loihi", "--max-cores", "32", "--weight-bits", "8"];

interface Numbers {
  sops: number;
  chipJ: number;
  latencyS: number;
}

/** The one point of an explore run: SOPs, chip energy and latency per sample. */
async function explorePoint(dir: string, name: string, ...flags: string[]): Promise<Numbers> {
  const out = join(dir, `${name}.jsonl`);
  const r = await cli("explore", CNN, ...POINT, "--input", EVENTS, ...flags, "-o", out);
  expect(r.code, r.err).toBe(0);
  const p = JSON.parse(readFileSync(out, "utf8").trim());
  expect(p.fits).toBe(true);
  return { sops: p.ops.ac + p.ops.mac, chipJ: p.energy.chipJ, latencyS: p.latency.perSampleS };
}

/** simulate --engine chip of `model` on the events, per sample. */
async function simulated(dir: string, model: string, ...flags: string[]): Promise<Numbers> {
  const json = join(dir, "run.json");
  const s = await cli(
    "simulate",
    model,
    "--engine",
    "chip",
    "--profile",
    "loihi",
    "--max-cores",
    "32",
    "--input",
    EVENTS,
    "--json",
    json,
    ...flags,
  );
  expect(s.code, s.err).toBe(0);
  const run = JSON.parse(readFileSync(json, "utf8"));
  const n = run.run.batch as number;
  return {
    sops: (run.counts.ac + run.counts.mac) / n,
    chipJ: run.energy.chip.totalJ / n,
    latencyS: run.latency.perSampleS,
  };
}

function expectSame(a: Numbers, b: Numbers) {
  expect(a.sops).toBe(b.sops);
  expect(a.chipJ).toBeCloseTo(b.chipJ, 15);
  expect(Math.abs(a.latencyS - b.latencyS)).toBeLessThanOrEqual(1e-12 * b.latencyS);
}

describe("explore with compile's flags", () => {
  const dir = tempDir();
  const setup = ["--reset-mode", "subtract", "--input-event", "spike"];

  it("gives a point the numbers simulate gives for the same setup", async () => {
    const point = await explorePoint(dir, "spike", ...setup);
    expectSame(point, await simulated(dir, CNN, ...setup));
    // the flags reached the point: graded inputs (the default) give other counts
    const graded = await explorePoint(dir, "graded", "--reset-mode", "subtract");
    expect(graded.chipJ).not.toBeCloseTo(point.chipJ, 9);
  }, 60_000);

  it("calibrates on --calibrate FILE as compile does", async () => {
    const x = readNpyFile(EVENTS);
    const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
    // one sample's events × 200: an input range 200 times the samples', so a coarser input step (2)
    const data = Float32Array.from({ length: per }, (_, i) => Number(x.data[per + i]) * 200);
    const cal = join(dir, "cal.npy");
    writeNpyFile(cal, { shape: x.shape.slice(1), dtype: "float32", data });
    const flags = ["--reset-mode", "subtract"];
    const point = await explorePoint(dir, "cal", ...flags, "--calibrate", cal);
    const nmir = join(dir, "cal.nmir");
    const c = await cli(
      "compile",
      CNN,
      "--profile",
      "loihi",
      "--weight-bits",
      "8",
      ...flags,
      "--calibrate",
      cal,
      "-o",
      nmir,
    );
    expect(c.code, c.err).toBe(0);
    expectSame(point, await simulated(dir, nmir));
    expect(point.sops).toBeGreaterThan(0);
    expect(point.sops).not.toBe((await explorePoint(dir, "nocal", ...flags)).sops);
  }, 60_000);

  it("never resumes results of another setting", async () => {
    const out = join(dir, "resume.jsonl");
    const run = (...f: string[]) => cli("explore", CNN, ...POINT, "--input", EVENTS, ...f, "-o", out);
    expect((await run("--reset-mode", "subtract")).code).toBe(0);
    const other = await run("--reset-mode", "value");
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/holds results of another grid/);
  }, 60_000);

  it("reads the settings from a grid file and refuses a misspelt key at its line", async () => {
    const good = join(dir, "good.yaml");
    writeFileSync(
      good,
      `model: ${CNN}\nprofiles: loihi\nmaxCores: 32\nweightBits: 8\ninput: ${EVENTS}\nresetMode: subtract\ninputEvent: spike\n`,
    );
    const out = join(dir, "yaml.jsonl");
    const r = await cli("explore", "--grid", good, "-o", out);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(readFileSync(out, "utf8").trim());
    expect(p.ops.ac + p.ops.mac).toBe((await explorePoint(dir, "flags", ...setup)).sops);

    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, `model: ${CNN}\nprofiles: loihi\ninput: ${EVENTS}\nresetMod: subtract\n`);
    const b = await cli("explore", "--grid", bad, "-o", join(dir, "bad.jsonl"));
    expect(b.code).toBe(2);
    expect(b.err).toContain(`${bad}:4:`);
    expect(b.err).toMatch(/unknown key "resetMod"/);
  }, 60_000);

  it("refuses a bad setting by its flag before any work", async () => {
    const out = join(dir, "never.jsonl");
    const r = await cli("explore", CNN, ...POINT, "--input", EVENTS, "--input-event", "spikes", "-o", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--input-event must be spike or graded, got "spikes"/);
    const y = join(dir, "typo.yaml");
    writeFileSync(y, `model: ${CNN}\nprofiles: loihi\ninput: ${EVENTS}\npayloadBits: 40\n`);
    const g = await cli("explore", "--grid", y, "-o", out);
    expect(g.code).toBe(2);
    expect(g.err).toContain(`${y}:4:`);
  });

  it("simulate takes compile's flags for a network file and refuses them where they cannot apply", async () => {
    const nmir = join(dir, "plain.nmir");
    expect((await cli("compile", CNN, "-o", nmir)).code).toBe(0);
    const json = join(dir, "refused.json");
    const r = await cli(
      "simulate",
      nmir,
      "--engine",
      "reference",
      "--input",
      EVENTS,
      "--input-event",
      "spike",
      "--json",
      json,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already compiled: compile flags \(--input-event\) do not apply/);
    const f = await cli("simulate", CNN, "--input", EVENTS, "--payload-bits", "6", "-o", join(dir, "f.npy"));
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/--payload-bits applies to --engine reference or chip, not float/);
  });
});
