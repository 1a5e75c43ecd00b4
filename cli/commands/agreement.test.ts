// `simulate --engine reference --compare-float SOURCE` on the sinabs N-MNIST CNN compiled at 8 bits: the
// agreement with the float reference lands in run.json (`quantization.agreement`), equals what the library
// computes from the same runs, shifts by each layer's depth in pipelined mode, and a wrong SOURCE exits 2.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import "../../compiler/importers/register-all.js";
import { importFile } from "../../compiler/importers/registry.js";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { type NmirModule, writeNmirFile } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { agreement } from "../../compiler/passes/quantization-agreement.js";
import { randomInput, rng } from "../../compiler/passes/testing.js";
import { checkRunJson, type RunAgreement } from "../../reports/run-json.js";
import { runFloat } from "../../simulator/float/index.js";
import { runReference } from "../../simulator/reference/index.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const LAYERS = ["1", "3", "6", "10", "12"];
const B = 3;
const T = 24;
const dir = mkdtempSync(join(tmpdir(), "sg-agree-"));
const model = join(dir, "cnn.nmir");
const xPath = join(dir, "x.npy");
let ir: NmirModule;
let samples: Float64Array[];

async function simulate(mode: "layer-sync" | "pipelined"): Promise<{ a: RunAgreement; out: string }> {
  const json = join(dir, `${mode}.json`);
  const flags = ["--compare-float", CNN, "--reset-mode", "subtract", "--dt", "1", "--mode", mode];
  const r = await cli("simulate", model, "--engine", "reference", "--input", xPath, "--json", json, ...flags);
  expect(r.err).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  const run = checkRunJson(JSON.parse(readFileSync(json, "utf8")));
  return { a: run.quantization!.agreement!, out: r.out };
}

beforeAll(async () => {
  // The .nmir is compiled with the library (as `compile --reset-mode subtract --weight-bits 8 --dt 1
  // --input-event spike` does) so this test depends on simulate only.
  const { graph } = await importFile(CNN, { resetMode: "subtract" });
  const options: QuantCompileOptions = { dt: 1, weightBits: 8, inputEvent: "spike" };
  ir = compile(graph, options).ir;
  writeNmirFile(model, ir);
  samples = Array.from(
    { length: B },
    (_, b) => randomInput(rng(40 + b), T, [2, 34, 34], { spikes: 0.1 }).data,
  );
  const all = new Float32Array(B * samples[0]!.length);
  samples.forEach((s, b) => {
    all.set(s, b * s.length);
  });
  writeNpyFile(xPath, { dtype: "float32", shape: [B, T, 2, 34, 34], data: all });
});

describe("simulate --compare-float", () => {
  it("layer-sync: run.json holds output error, argmax and per-layer spike agreement, as the library computes", async () => {
    const { a, out } = await simulate("layer-sync");
    expect(a).toMatchObject({ source: CNN, inputs: "float", samples: B, steps: T });
    expect(a.spikes.map((s) => [s.id, s.lag])).toEqual(LAYERS.map((id) => [id, 0]));
    expect(a.outputs.map((o) => [o.id, o.floatId, o.lag])).toEqual([["output", "output", 0]]);
    // The same numbers from the library on the same samples (the CLI adds nothing of its own).
    const { graph } = await importFile(CNN, { resetMode: "subtract" });
    const inputs = samples.map((data) => ({ input: { shape: [T, 2, 34, 34], data } }));
    const floats = inputs.map((x) => runFloat(graph, x, { dt: 1, record: LAYERS }));
    const ints = inputs.map((x) => runReference(ir, x, { record: LAYERS }));
    const lib = agreement(floats, ints);
    expect(a.spikes.map((s) => s.fraction)).toEqual(lib.spikes.map((s) => s.fraction));
    expect(a.spikes.map((s) => s.intSpikes)).toEqual(lib.spikes.map((s) => s.intSpikes));
    expect(a.outputs[0]!.maxAbs).toBe(lib.outputs[0]!.maxAbs);
    expect(a.outputs[0]!.argmax).toBe(lib.outputs[0]!.argmax);
    // 8-bit weights: the first layer (binary inputs, one rounding per weight) agrees on ≥ 97 % of
    // (neuron, step) pairs; see test/compiler/README.md for the measured values per layer.
    expect(a.spikes[0]!.fraction).toBeGreaterThanOrEqual(0.97);
    for (const s of a.spikes) expect(s.floatSpikes, s.id).toBeGreaterThan(0);
    expect(out).toMatch(/agreement with the float reference/);
    expect(out).toMatch(/population\s+lag\s+spike agreement/);
    for (const id of LAYERS) expect(out).toMatch(new RegExp(`^${id}\\s+0\\s+0\\.9`, "m"));
  });

  it("pipelined: every layer is compared at its depth, and matches layer-sync shifted by it", async () => {
    const sync = (await simulate("layer-sync")).a;
    const { a } = await simulate("pipelined");
    expect(a.spikes.map((s) => [s.id, s.lag])).toEqual(LAYERS.map((id, i) => [id, i + 1]));
    expect(a.outputs[0]!.lag).toBe(5);
    // A feed-forward chain without biases: the pipelined run is the layer-sync run delayed by the depth, so
    // both agree with the float run equally well (over T − lag steps instead of T).
    for (const [i, s] of a.spikes.entries()) {
      expect(Math.abs(s.fraction - sync.spikes[i]!.fraction), s.id).toBeLessThan(0.02);
    }
  });

  it("a SOURCE whose inputs do not match the module exits 2 naming the input", async () => {
    const lif = sharedFixture("nir/01_lif/lif_norse.nir");
    const r = await cli("simulate", model, "--engine", "reference", "--input", xPath, "--compare-float", lif);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no input matching "input" \[2,34,34\]/);
  });
});
