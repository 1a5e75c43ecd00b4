// `spikegrid compile` on the sinabs N-MNIST CNN (NIR) and `simulate --engine reference --json` on the result;
// bad flags exit 2 with a message naming the flag.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readNpyFile, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { checkNmir, readNmirFile } from "../../compiler/nmir/index.js";
import { checkRunJson } from "../../reports/run-json.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

// The lead registers the command in index.ts; until then the test adds it.

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const dir = mkdtempSync(join(tmpdir(), "sg-compile-"));
const model = join(dir, "cnn.nmir");

/** Deterministic sparse spikes [T, 2, 34, 34]. */
function spikes(T: number): Float32Array {
  const x = new Float32Array(T * 2 * 34 * 34);
  for (let i = 0; i < x.length; i++) x[i] = (i * 2654435761) % 97 < 12 ? 1 : 0;
  return x;
}

describe("spikegrid compile", () => {
  let compiled: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    compiled = await cli(
      "compile",
      CNN,
      "--weight-bits",
      "8",
      "--dt",
      "1",
      "--input-event",
      "spike",
      "-o",
      model,
    );
  });

  it("writes a verified quantized .nmir of the sinabs CNN and prints a summary", () => {
    expect(compiled.err).toBe("");
    expect(compiled.code).toBe(0);
    const ir = readNmirFile(model);
    expect(ir.stage).toBe("quantized");
    expect(checkNmir(ir)).toEqual([]);
    expect(ir.projections.every((p) => p.weightBits === 8)).toBe(true);
    expect(compiled.out).toMatch(/populations 5 \(8970 neurons\), projections 5/);
    expect(compiled.out).toMatch(/bits: weights 8 \(perProjection\), state 16, payload 8, decay mult12/);
    expect(compiled.out).toMatch(/worst SQNR \d+\.\d dB/);
    expect(compiled.out).toContain(model);
  });

  it("simulate --engine reference --json writes outputs and a run JSON that validates", async () => {
    const x = join(dir, "x.npy");
    writeNpyFile(x, { dtype: "float32", shape: [8, 2, 34, 34], data: spikes(8) });
    const out = join(dir, "y.npy");
    const json = join(dir, "run.json");
    const r = await cli(
      "simulate",
      model,
      "--engine",
      "reference",
      "--input",
      x,
      "--out",
      out,
      "--json",
      json,
    );
    expect(r.code).toBe(0);
    // IF neurons without leak or vMin drift below −4·threshold under inhibition: saturation, counted.
    expect(r.err).not.toMatch(/error/);
    expect(readNpyFile(out).shape).toEqual([8, 10]);
    const run = checkRunJson(JSON.parse(readFileSync(json, "utf8")));
    expect(run.run).toMatchObject({ engine: "reference", mode: "layer-sync", timesteps: 8, batch: 1 });
    expect(run.counts.ac).toBeGreaterThan(0);
    expect(run.counts.mac).toBe(0); // spikes everywhere: no graded events
    expect(run.counts.neuronUpdates).toBe(8970 * 8);
    expect(run.perLayer.map((l) => l.id)).toEqual(["1", "3", "6", "10", "12"]);
    expect(run.perLayer.reduce((a, l) => a + l.ac, 0)).toBe(run.counts.ac);
    expect(run.energy.theoretical.totalJ).toBeCloseTo(run.counts.ac * 0.9e-12, 20);
    expect(run.quantization?.weightBits).toBe(8);
    const sat = run.quantization!.populations.find((p) => p.id === "1")!;
    expect(sat.saturated).toBe(sat.saturations! > 0);
    expect(run.conventions["counts.ac"]).toMatch(/NeuroBench/);
  });

  it("a batch of inputs runs every sample and counts them all", async () => {
    const x = join(dir, "xb.npy");
    const one = spikes(4);
    const both = new Float32Array(one.length * 2);
    both.set(one);
    both.set(one, one.length);
    writeNpyFile(x, { dtype: "float32", shape: [2, 4, 2, 34, 34], data: both });
    const json = join(dir, "runb.json");
    const r = await cli(
      "simulate",
      model,
      "--engine",
      "reference",
      "--input",
      x,
      "--json",
      json,
      "--mode",
      "pipelined",
    );
    expect(r.code).toBe(0);
    const run = checkRunJson(JSON.parse(readFileSync(json, "utf8")));
    expect(run.run).toMatchObject({ batch: 2, mode: "pipelined", timesteps: 4 });
    expect(run.counts.neuronUpdates).toBe(8970 * 4 * 2);
    // Spike inputs are already integer events: --raw-input feeds them unchanged, same counts.
    const raw = join(dir, "runr.json");
    const r2 = await cli(
      "simulate",
      model,
      "--engine",
      "reference",
      "--input",
      x,
      "--json",
      raw,
      "--mode",
      "pipelined",
      "--raw-input",
    );
    expect(r2.code).toBe(0);
    const runRaw = checkRunJson(JSON.parse(readFileSync(raw, "utf8")));
    expect(runRaw.run.rawInput).toBe(true);
    expect(runRaw.counts).toEqual(run.counts);
  });

  it("--profile with --strict refuses what the chip cannot hold; without it, warns", async () => {
    const strict = await cli(
      "compile",
      CNN,
      "--dt",
      "1",
      "--input-event",
      "spike",
      "--weight-bits",
      "12",
      "--profile",
      "speck",
      "--strict",
      "-o",
      join(dir, "s.nmir"),
    );
    expect(strict.code).toBe(2);
    expect(strict.err).toMatch(/profile "speck" cannot run/);
    expect(strict.err).toMatch(
      /stores 12-bit weights; profile "speck" stores 8-bit weights \[core.weightBits\]; options: compile with --weight-bits 8/,
    );
    const loose = await cli(
      "compile",
      CNN,
      "--dt",
      "1",
      "--input-event",
      "spike",
      "--weight-bits",
      "12",
      "--profile",
      "speck",
      "-o",
      join(dir, "w.nmir"),
    );
    expect(loose.code).toBe(0);
    expect(loose.out).toMatch(/warning \[markUnsupported\] projection/);
  });

  it("--calibrate reads sample inputs; --dump-after prints the module after a pass", async () => {
    const x = join(dir, "calib.npy");
    writeNpyFile(x, { dtype: "float32", shape: [4, 2, 34, 34], data: spikes(4) });
    const args = ["compile", CNN, "--dt", "1", "--input-event", "spike", "--calibrate", x];
    const r = await cli(
      ...args,
      "--per-channel",
      "--dump-after",
      "quantizeWeights",
      "-o",
      join(dir, "c.nmir"),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--- after quantizeWeights ---/);
    expect(r.out).toMatch(/bits: weights 8 \(perChannel\)/);
    const bad = await cli("compile", CNN, "--dump-after", "nopass", "-o", join(dir, "c.nmir"));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--dump-after nopass: no such pass[\s\S]*planScales/);
  });

  it("bad flags exit 2 with a message naming the flag", async () => {
    for (const bits of ["0", "40"]) {
      const r = await cli("compile", CNN, "--weight-bits", bits, "-o", join(dir, "x.nmir"));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`--weight-bits must be an integer in 2\\.\\.16, got ${bits}`));
    }
    const p = await cli("compile", CNN, "--profile", "nochip", "-o", join(dir, "x.nmir"));
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/unknown chip profile "nochip"/);
    const s = await cli("compile", CNN, "--state-bits", "1", "-o", join(dir, "x.nmir"));
    expect(s.err).toMatch(/--state-bits must be an integer in 2\.\.32/);
    const noOut = await cli("compile", CNN);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/missing required option --out/);
    // a network file runs on the reference engine through the pipeline, which needs the inputs
    const nir = await cli("simulate", CNN, "--engine", "reference", "--json", join(dir, "r.json"));
    expect(nir.code).toBe(2);
    expect(nir.err).toMatch(/--input is required/);
  });

  it("an untrained zoo model: the SQNR says what it covers; without --calibrate the counts are said meaningless", async () => {
    const zoo = ["compile", "zoo:spiking-lmuformer-smnist", "--set", "dim=16"];
    const r = await cli(...zoo, "-o", join(dir, "u.nmir"));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /worst SQNR \d+\.\d dB \(\S+\) — of fixed, non-learned matrices only \(\d+ of \d+ projections have nonzero weights; the learned weights are all zero\)/,
    );
    expect(r.out).toMatch(/diagnostics: 3 warning\(s\)/); // import (checkpoint not applied), untrained, uncalibrated
    expect(r.out).toMatch(/warning \[planScales\] no calibration data: .*give --calibrate FILE/);
    const x = join(dir, "rows.npy");
    writeNpyFile(x, {
      dtype: "float32",
      shape: [2, 28, 28],
      data: Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => (i % 11) / 11),
    });
    const c = await cli(...zoo, "--calibrate", x, "-o", join(dir, "c.nmir"));
    expect(c.code, c.err).toBe(0);
    expect(c.out).not.toMatch(/no calibration data/);
    expect(c.out).toMatch(/warning \[lowerToNmir\] the network has no trained weights/);
  });
});
