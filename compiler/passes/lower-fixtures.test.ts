// lowerToNmir on real NIR files: the NIR paper's single LIF neuron (Norse) and the sinabs N-MNIST CNN, run at
// stage lowered by the reference interpreter and compared with the float reference.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import "../importers/register-all.js";
import { runFloat } from "../../simulator/float/index.js";
import { createReferenceRunner } from "../../simulator/reference/index.js";
import { sharedFixture } from "../../test/shared-fixtures.js";
import { importFile } from "../importers/registry.js";
import { compareLowered, lower, randomInput, rng, WEIGHT_TOL } from "./testing.js";

const NIR = sharedFixture("nir");

describe("lif_norse.nir", () => {
  it("lowers to one lif population, spikes at 460, 510, 710, 760 and v matches the float reference (1e-9 with float64 weights)", async () => {
    const { graph } = await importFile(`${NIR}/01_lif/lif_norse.nir`);
    const input = readFileSync(`${NIR}/01_lif/lif_norse.csv`, "utf8")
      .trim()
      .split("\n")
      .map((l) => Number(l.split(",")[0]));
    const dt = 1e-4;
    const { ir } = lower(graph, { dt });
    expect(ir.populations.map((p) => [p.id, p.model.kind])).toEqual([["1", "lif"]]);
    const lif = ir.populations[0]!.model;
    if (lif.kind !== "lif") throw new Error("not lif");
    // τ = 0.0025 s (float32 in the file), R = 1: dv = 4096·dt/τ ≈ 163.84, gain dt/τ·R ≈ 0.04 on the weight
    expect(lif.dv[0]).toBeCloseTo(163.84, 4);
    expect(lif.vth[0]).toBeCloseTo(0.1, 7);
    const runner = createReferenceRunner(ir, { mode: "layer-sync" });
    const spikes: number[] = [];
    const v: number[] = [];
    input.forEach((x, t) => {
      const out = runner.step({ input: [x] });
      if (out.get("output")![0]! > 0) spikes.push(t);
      v.push(runner.state("1").v![0]!);
    });
    expect(spikes).toEqual([460, 510, 710, 760]);
    const f = runFloat(
      graph,
      { input: { shape: [input.length, 1], data: input } },
      { dt, recordState: ["1"] },
    );
    const vf = f.states.get("1")!.map((s) => s[0]!);
    const dv = Math.max(...v.map((x, t) => Math.abs(x - vf[t]!)));
    expect(dv).toBeLessThan(WEIGHT_TOL);
  });
});

describe("cnn_sinabs.nir", () => {
  it("lowers to IF populations, conv projections with pooling composed and a dense head, matching the float spikes", async () => {
    const { graph } = await importFile(`${NIR}/02_cnn/cnn_sinabs.nir`);
    const { ir } = lower(graph, { dt: 1, inputEvent: "spike" });
    expect(ir.populations.map((p) => p.model.kind)).toEqual(["if", "if", "if", "if", "if"]);
    expect(ir.projections.map((p) => [p.id, p.connectivity.kind])).toEqual([
      ["input->1", "conv2d"],
      ["1->3", "conv2d"],
      ["3->6", "conv2d"],
      ["6->10", "dense"],
      ["10->12", "dense"],
    ]);
    const pooled = ir.projections[2]!.connectivity;
    if (pooled.kind !== "conv2d") throw new Error("not conv2d");
    // SumPool 2×2 (stride 2) → conv 3×3 pad 1: one conv with kernel (3−1)·2 + 2 = 6, stride 2, pad 1·2 + 0 = 2
    expect(pooled.kernel).toEqual([8, 16, 6, 6]);
    expect([pooled.stride, pooled.padding]).toEqual([
      [2, 2],
      [2, 2],
    ]);
    const r = rng(7);
    const input = randomInput(r, 20, [2, 34, 34], { spikes: 0.1 });
    const cmp = compareLowered(
      graph,
      { input },
      { dt: 1, inputEvent: "spike", record: ["1", "3", "6", "10", "12"] },
    );
    for (const [id, d] of cmp.recordDiff) expect(d, id).toBe(0);
    // the comparison is not vacuous: every layer spikes
    for (const id of ["1", "3", "6", "10", "12"]) {
      const spikes = cmp.float.records.get(id)!.reduce((a, s) => a + s.reduce((x, y) => x + y, 0), 0);
      expect(spikes, id).toBeGreaterThan(0);
    }
    expect(cmp.outputDiff).toBe(0);
  });
});

describe("other NIR fixtures", () => {
  for (const file of [
    "synthetic/all_primitives_nocomp.nir",
    "synthetic/conv1d_same.nir",
    "01_lif/lif_rockpool.nir",
    "01_lif/debug_spike_representation/two_lif_neurons.nir",
  ]) {
    it(`${file} lowers, verifies and agrees with the float reference`, async () => {
      const { graph } = await importFile(`${NIR}/${file}`);
      const inputs = Object.fromEntries(
        [...graph.nodes]
          .filter(([, n]) => n.kind === "Input")
          .map(([id, n]) => [
            id,
            randomInput(rng(3), 30, n.kind === "Input" ? n.shape : [], { lo: 0, hi: 40 }),
          ]),
      );
      const cmp = compareLowered(graph, inputs, { dt: 1e-4 });
      const peak = Math.max(
        ...[...cmp.float.outputs.values()].flat().map((v) => Math.max(...v.map(Math.abs))),
      );
      expect(cmp.outputDiff).toBeLessThanOrEqual(WEIGHT_TOL * Math.max(1, peak));
    });
  }
});
