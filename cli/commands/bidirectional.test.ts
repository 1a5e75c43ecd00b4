// A bidirectional zoo model (a small gsu-listops) from the command line: compiled in phases by default, refused
// with `--bidirectional refuse` naming the flag, and run on the reference and chip engines with the run JSON's
// phases section; the chip's outputs equal the reference's; `--convention sanafe` (SANA-FE network files only)
// refuses it up front.

import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpyFile, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { readNmirFile } from "../../compiler/nmir/index.js";
import { sequenceBuffers } from "../../compiler/nmir/phases.js";
import { checkRunJson } from "../../reports/run-json.js";
import { cli } from "../../test/cli-run.js";

const dir = mkdtempSync(join(tmpdir(), "sg-bidir-"));
const SMALL = ["--set", "dModel=4", "--set", "nLayers=1", "--set", "nSsm=4", "--set", "dState=4"];
const MODEL = "zoo:gsu-listops";

/** Two clips of 6 one-hot tokens over the 18-symbol vocabulary. */
function tokens(path: string): void {
  const T = 6;
  const x = new Float32Array(2 * T * 18);
  for (let i = 0; i < 2 * T; i++) x[i * 18 + ((i * 7) % 18)] = 1;
  writeNpyFile(path, { dtype: "float32", shape: [2, T, 18], data: x });
}

describe("bidirectional models from the command line", () => {
  it("--bidirectional refuse stops the compile and names the flag that lowers it", async () => {
    const r = await cli("compile", MODEL, ...SMALL, "--bidirectional", "refuse", "-o", join(dir, "no.nmir"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is bidirectional/);
    expect(r.err).toMatch(/--bidirectional phases/);
    const bad = await cli(
      "compile",
      MODEL,
      ...SMALL,
      "--bidirectional",
      "sideways",
      "-o",
      join(dir, "no.nmir"),
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--bidirectional/);
  });

  it("compiles in phases, and the chip engine's run equals the reference's, with the phases section", async () => {
    const m = join(dir, "m.nmir");
    const x = join(dir, "x.npy");
    tokens(x);
    const c = await cli("compile", MODEL, ...SMALL, "--profile", "generic-45nm", "--calibrate", x, "-o", m);
    expect(c.code, c.err).toBe(0);
    const ir = readNmirFile(m);
    expect(ir.stage).toBe("quantized");
    expect(sequenceBuffers(ir).length).toBeGreaterThanOrEqual(3);
    const ref = await cli(
      "simulate",
      m,
      "--engine",
      "reference",
      "--input",
      x,
      "--out",
      join(dir, "ref.npy"),
      "--json",
      join(dir, "ref.json"),
    );
    expect(ref.code, ref.err).toBe(0);
    const chip = await cli(
      "simulate",
      m,
      "--engine",
      "chip",
      "--profile",
      "generic-45nm",
      "--input",
      x,
      "--out",
      join(dir, "chip.npy"),
      "--json",
      join(dir, "chip.json"),
    );
    expect(chip.code, chip.err).toBe(0);
    expect(Array.from(readNpyFile(join(dir, "chip.npy")).data as Float32Array)).toEqual(
      Array.from(readNpyFile(join(dir, "ref.npy")).data as Float32Array),
    );
    // the sanafe convention counts by a SANA-FE network file's own connections; such a file has no bidirectional
    // layer (its importer builds neurons, affine edges, delays and reshapes only), so a phased module never
    // reaches it: refused up front, before any run, naming what it needs
    const sanafe = await cli(
      "simulate",
      m,
      ...["--engine", "chip", "--profile", "generic-45nm", "--input", x, "--convention", "sanafe"],
      ...["--json", join(dir, "sanafe.json")],
    );
    expect(sanafe.code).toBe(2);
    expect(existsSync(join(dir, "sanafe.json"))).toBe(false);
    expect(sanafe.err).toMatch(/--convention sanafe counts by a SANA-FE network file's own connections/);
    const run = checkRunJson(JSON.parse(readFileSync(join(dir, "chip.json"), "utf8")));
    expect(run.phases!.phases).toBe(3);
    expect(run.phases!.addedSteps).toBe(2 * 6);
    expect(run.phases!.bufferBits).toBeGreaterThan(0);
    expect(run.perStep!.cycles!.length).toBe(3 * 6);
    // map says what the stored sequences take per step; the chip run charges that × T (input stores rounded up
    // per core they are spread over)
    const mapped = await cli("map", m, "--profile", "generic-45nm");
    expect(mapped.code, mapped.err).toBe(0);
    const perStep = Number(/take (\d+) bits per step/.exec(mapped.err)![1]);
    expect(run.phases!.bufferBits).toBeGreaterThanOrEqual(perStep * 6);
    expect(run.phases!.bufferBits).toBeLessThanOrEqual(perStep * 6 + run.phases!.bufferCores!.length);
    // the report shows the phases and the approximations measured on the calibration clip
    expect(run.approximations!.map((a) => a.op).sort()).toEqual([
      "LayerNorm 1/√ table",
      "gelu table",
      "ternary mix",
    ]);
    for (const a of run.approximations!) expect(a.steps).toBe(6);
    const shown = await cli("report", join(dir, "chip.json"));
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/Phases and sequence buffers/);
    expect(shown.out).toMatch(/added steps[^\n]*12/);
    expect(shown.out).toMatch(/Approximations: float vs lowered/);
    const refRun = checkRunJson(JSON.parse(readFileSync(join(dir, "ref.json"), "utf8")));
    expect(refRun.phases!.bufferValues).toBe(run.phases!.bufferValues);
    expect(refRun.counts.ac).toBe(run.counts.ac);
    expect(refRun.counts.mac).toBe(run.counts.mac);
  }, 60_000);

  it("explore takes --bidirectional for every point: refuse stops it, phases runs it", async () => {
    const x = join(dir, "x.npy");
    tokens(x);
    const args = (mode: string) =>
      ["explore", MODEL, ...SMALL, "--profiles", "generic-45nm", "--input", x, "--weight-bits", "8"].concat([
        "--bidirectional",
        mode,
        "--out",
        join(dir, `explore-${mode}.jsonl`),
      ]);
    const refused = await cli(...args("refuse"));
    expect(refused.err).toMatch(/--bidirectional refuse forbids/);
    const ran = await cli(...args("phases"));
    expect(ran.code, ran.err).toBe(0);
    const point = JSON.parse(readFileSync(join(dir, "explore-phases.jsonl"), "utf8").trim().split("\n")[0]!);
    expect(point.fits).toBe(true);
    expect(point.profile).toBe("generic-45nm");
  }, 60_000);
});
