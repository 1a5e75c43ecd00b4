// `simulate` on a SANA-FE network file without --input: the file's recorded spike trains (and bias inputs) feed
// the run, firing as SANA-FE's model (sanafe-model.ts) and as the same trains given explicitly through --input.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importSanafe, sanafeInputs } from "../../compiler/importers/sanafe/index.js";
import { sanafeSpikes } from "../../compiler/importers/sanafe/sanafe-model.js";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { raster, simulate } from "../../test/cli-run.js";

// one input group, integer weights, no leak: exact in any compile
const ONE_INPUT = `network:
  groups:
    - name: i
      neurons:
        - 0: {spikes: [1, 1, 0, 1, 0, 1, 1]}
        - 1: {spikes: [0, 1, 1, 1, 0, 0, 1, 1, 1]}
    - name: n
      attributes: {threshold: 1, reset_mode: hard}
      neurons: [0..2]
  edges:
    - i -> n: [type: dense, weight: [1, 2, -1, 1, 1, 1]]
`;

// a group driven by biases alone (its `.bias` input) beside a spike input
const WITH_BIAS = `network:
  groups:
    - name: src
      attributes: {threshold: 1.5}
      neurons: [{0: {bias: 1}}, {1: {bias: 0.5}}, {2: {bias: 0}}]
    - name: i
      neurons: [{0: {spikes: [1, 0, 1, 1]}}]
    - name: dst
      attributes: {threshold: 0.5}
      neurons: [0..1]
  edges:
    - src -> dst: {type: dense, weight: [1, 0, 1, 1, 0, 1]}
    - i -> dst: {type: dense, weight: [1, 0]}
`;

describe("simulate a SANA-FE network on its recorded inputs", () => {
  it("runs without --input for the trains' length, as SANA-FE's model and as --input with the same trains", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-sanafe-"));
    const net = join(dir, "net.yaml");
    writeFileSync(net, ONE_INPUT);
    const want = sanafeSpikes(ONE_INPUT, 9);
    expect(want.n!.flat().length).toBeGreaterThan(3); // the network fires: the comparison means something
    const r = await simulate([net, "--engine", "reference", "--out", join(dir, "a.npy"), "--record", "n"]);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/9 steps/); // the longest train
    expect(r.err).toMatch(
      /note: inputs: the recorded inputs of .*net\.yaml \(i; 9 steps\) \(compiled as spike events/,
    );
    expect(raster(join(dir, "a.n.npy"))).toEqual(want.n);

    // the same trains given explicitly, compiled as spikes too: the same spikes and counts
    const x = sanafeInputs(importSanafe(ONE_INPUT, "net.yaml").graph, 9).get("i")!;
    writeNpyFile(join(dir, "x.npy"), { dtype: "float64", shape: x.shape, data: x.data });
    const given = await simulate([
      net,
      "--engine",
      "chip",
      "--profile",
      "loihi",
      "--input",
      join(dir, "x.npy"),
      "--input-event",
      "spike",
      "--out",
      join(dir, "b.npy"),
      "--record",
      "n",
      "--json",
      join(dir, "b.json"),
    ]);
    expect(given.code).toBe(0);
    const own = await simulate([
      net,
      "--engine",
      "chip",
      "--profile",
      "loihi",
      "--out",
      join(dir, "c.npy"),
      "--record",
      "n",
      "--json",
      join(dir, "c.json"),
    ]);
    expect(own.code).toBe(0);
    expect(raster(join(dir, "c.n.npy"))).toEqual(want.n);
    expect(raster(join(dir, "b.n.npy"))).toEqual(want.n);
    const b = JSON.parse(readFileSync(join(dir, "b.json"), "utf8"));
    const c = JSON.parse(readFileSync(join(dir, "c.json"), "utf8"));
    expect(c.counts).toEqual(b.counts);
    expect(c.run.input).toMatch(/net\.yaml \(its recorded inputs\)/);
  });

  it("feeds a bias input beside the spike trains, for --timesteps steps", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-sanafe-"));
    const net = join(dir, "bias.yaml");
    writeFileSync(net, WITH_BIAS);
    const want = sanafeSpikes(WITH_BIAS, 8);
    expect(want.dst!.flat().length).toBeGreaterThan(3);
    for (const engine of [["reference"], ["chip", "--profile", "loihi"]]) {
      const out = join(dir, `${engine[0]}.npy`);
      const r = await simulate([
        net,
        "--engine",
        ...engine,
        "--timesteps",
        "8",
        "--out",
        out,
        "--record",
        "src,dst",
      ]);
      expect(r.err).not.toMatch(/error/);
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/inputs: the recorded inputs of .*\(src\.bias, i; 8 steps\)/);
      expect(raster(join(dir, `${engine[0]}.src.npy`)), engine[0]).toEqual(want.src);
      expect(raster(join(dir, `${engine[0]}.dst.npy`)), engine[0]).toEqual(want.dst);
    }
  });

  it("bias inputs alone give no length: exit 2 asking for --timesteps, nothing written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-sanafe-"));
    const net = join(dir, "b.yaml");
    writeFileSync(net, "network:\n  groups:\n    - name: s\n      neurons: [{0: {bias: 1, threshold: 2}}]\n");
    const json = join(dir, "r.json");
    const r = await simulate([net, "--engine", "reference", "--json", json]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/give no number of steps[\s\S]*--timesteps/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(json)).toBe(false);
  });

  it("a network without recorded inputs still needs --input", async () => {
    const r = await simulate([
      "test/fixtures/golden/onnx/mlp.onnx",
      "--engine",
      "reference",
      "--json",
      join(tmpdir(), "never.json"),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--input is required/);
  });
});
