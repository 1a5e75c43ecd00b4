// `simulate` on an integer SANA-FE network of our own: the default compile is integer-exact, fires as SANA-FE's
// model on both engines, and a saturation of such a compile is an error (stderr and run JSON), not a warning.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sanafeSpikes } from "../../compiler/importers/sanafe/sanafe-model.js";
import { readNmirFile } from "../../compiler/nmir/index.js";
import { runDiagnostics } from "../../pipeline/warnings.js";
import { cli, raster, simulate } from "../../test/cli-run.js";

// weights up to −289 (10 bits), biases up to 255 (a 9-bit payload on the bias input), a 4095/4096 leak
const LEAKY = `network:
  groups:
    - name: src
      attributes: {threshold: 255, reset: 0, leak_decay: 0.99975585937}
      neurons: [{0: {bias: 17}}, {1: {bias: 255}}, {2: {bias: 6}}, {3: {bias: 0}}]
    - name: i
      neurons: [{0: {spikes: [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0]}}]
    - name: dst
      attributes: {threshold: 60, leak_decay: 0.75}
      neurons: [{0: {bias: 3}}, {1: {bias: 1}}, 2]
  edges:
    - src -> dst: {type: dense, weight: [200, -289, 64, 37, 11, 90, -5, 224, 13, 7, 150, -40]}
    - i -> dst: {type: dense, weight: [23, -7, 41]}
`;

// a neuron whose bias drives it down forever: exact values, but its potential leaves any state width
const SINKING = `network:
  groups:
    - name: n
      attributes: {threshold: 100}
      neurons: [{0: {bias: -3}}, {1: {bias: 2}}]
`;

describe("simulate an integer SANA-FE network: the default compile is exact", () => {
  it("fires as SANA-FE's model, same step and neuron, on the reference and chip engines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-exact-"));
    const net = join(dir, "leaky.yaml");
    writeFileSync(net, LEAKY);
    const steps = 400;
    const want = sanafeSpikes(LEAKY, steps);
    expect(want.src!.flat().length).toBeGreaterThan(50);
    expect(want.dst!.flat().length).toBeGreaterThan(20);
    for (const engine of [["reference"], ["chip", "--profile", "generic-45nm", "--mapping", "auto"]]) {
      const name = engine[0]!;
      const r = await simulate([
        net,
        "--engine",
        ...engine,
        "--timesteps",
        String(steps),
        "--out",
        join(dir, `${name}.npy`),
        "--record",
        "src,dst",
        "--json",
        join(dir, `${name}.json`),
      ]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/integer-exact/);
      expect(r.err).not.toMatch(/saturated|error/);
      const run = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
      expect(run.model.ranges).toBe("exact");
      expect(run.counts.saturations).toBe(0);
      expect(raster(join(dir, `${name}.src.npy`)), name).toEqual(want.src);
      expect(raster(join(dir, `${name}.dst.npy`)), name).toEqual(want.dst);
    }
  });

  it("a saturation of an exact compile is an error in stderr and the run JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-exact-"));
    const net = join(dir, "sinking.yaml");
    writeFileSync(net, SINKING);
    const json = join(dir, "run.json");
    const r = await simulate([
      net,
      "--engine",
      "reference",
      "--state-bits",
      "9",
      "--timesteps",
      "200",
      "--json",
      json,
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/integer-exact/);
    expect(r.err).toMatch(
      /^error: population "n" saturated \d+ times on an integer-exact compile .*--state-bits/m,
    );
    expect(r.err).not.toMatch(/warning: population "n" saturated/);
    const run = JSON.parse(readFileSync(json, "utf8"));
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/the run is not exact/);
    expect(run.warnings ?? []).not.toContainEqual(expect.stringMatching(/saturated/));
  });

  it("folds the runners' saturation lines into errors only for an exact compile", () => {
    const line = 'population "p" saturated 12 times (values clamped, at most 3.20× the limit)';
    const plain = runDiagnostics([[line, "other"]], false);
    expect(plain.errors).toEqual([]);
    expect(plain.warnings.some((w) => /saturated 12 times, largest overshoot 3\.20×/.test(w))).toBe(true);
    const exact = runDiagnostics([[line, "other"], [line]], true);
    expect(exact.warnings).toEqual(["other"]);
    expect(exact.errors).toHaveLength(1);
    expect(exact.errors[0]).toMatch(/saturated 24 times in 2 of 2 samples .* on an integer-exact compile/);
  });
});

// v reaches exactly 64, then leaks: SANA-FE's 0.99975585937 is a hair under 4095/4096, so trunc(64·64·d) is 4094,
// not 4095 (v = 63.96875), and 63.96875 + 36.03125 = 100 does not pass the threshold 100; at the dyadic 4095/4096
// it would (100.015625). `leakBelow` keeps SANA-FE's truncation.
const hairBelow = (decay: string) => `network:
  groups:
    - name: i
      neurons: [{0: {spikes: [1, 0, 0, 0, 0]}}, {1: {spikes: [0, 1, 0, 0, 0]}}]
    - name: n
      attributes: {threshold: 100, leak_decay: ${decay}}
      neurons: [0]
  edges:
    - i -> n: {type: dense, weight: [64, 36.03125]}
`;

describe("a decimal decay a hair under 4095/4096 truncates as SANA-FE's double does (leakBelow)", () => {
  it.each([
    ["0.99975585937", 0],
    ["0.999755859375", 1],
  ])("leak_decay %s: n fires %i times, as SANA-FE's model, on both engines", async (decay, fires) => {
    const dir = mkdtempSync(join(tmpdir(), "leak-below-"));
    const text = hairBelow(decay);
    const net = join(dir, "net.yaml");
    writeFileSync(net, text);
    expect(sanafeSpikes(text, 5).n!.flat().length).toBe(fires);
    for (const engine of [["reference"], ["chip", "--profile", "generic-45nm", "--mapping", "auto"]]) {
      const out = join(dir, `${engine[0]}.npy`);
      const r = await simulate([
        net,
        "--engine",
        ...engine,
        "--timesteps",
        "5",
        "--out",
        out,
        "--record",
        "n",
      ]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/integer-exact/);
      expect(raster(out.replace(/\.npy$/, ".n.npy")).flat().length).toBe(fires);
    }
    // the flag is in the compiled module and survives the .nmir file
    const nmir = join(dir, "m.nmir");
    const c = await cli("compile", net, "--input-event", "spike", "-o", nmir);
    expect(c.code, c.err).toBe(0);
    const n = readNmirFile(nmir).populations.find((p) => p.id === "n")!.model;
    expect(n.kind === "lif" && n.leakBelow === true).toBe(fires === 0);
  });
});
