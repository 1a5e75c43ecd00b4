// The chip simulator on compiled NIR fixtures, against the reference interpreter: cnn_sinabs (8-bit weights)
// on loihi and generic-45nm, lif_norse (16-bit weights) on generic-45nm, both timestep semantics — equal
// outputs and counts; chip energy closes over cores and kinds; the theoretical AC/MAC view is 0.9/4.6 pJ.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import "../../compiler/importers/register-all.js";
import { importFile } from "../../compiler/importers/registry.js";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { randomInput, rng } from "../../compiler/passes/testing.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { createChip } from "../../simulator/chip/index.js";
import { runReference, TIMESTEP_MODES, theoreticalEnergy } from "../../simulator/reference/index.js";
import { sharedFixture } from "../shared-fixtures.js";

describe("compiled fixtures on the chip engine", () => {
  it.each(["loihi", "generic-45nm"])(
    "cnn_sinabs on %s: outputs and counts equal the reference",
    async (name) => {
      const { graph } = await importFile(sharedFixture("nir/02_cnn/cnn_sinabs.nir"), {
        resetMode: "subtract",
      });
      const ir = compile(graph, { dt: 1, weightBits: 8, inputEvent: "spike" } as QuantCompileOptions).ir;
      const profile = loadProfile(name);
      const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
      const inputs = { input: randomInput(rng(3), 12, [2, 34, 34], { spikes: 0.1 }) };
      for (const mode of TIMESTEP_MODES) {
        const ref = runReference(ir, inputs, { mode });
        const r = createChip(profile, { mode }).load(ir, mapping).run(inputs);
        expect(r.outputs).toEqual(ref.outputs);
        expect(r.counts).toEqual(ref.counts);
        expect(ref.counts.totals.spikes).toBeGreaterThan(0);
        // energy closes: per core and kind (static shared over cores) = total; byEvent = dynamic
        const cores = r.chip.cores.reduce(
          (a, c) => a + Object.values(c.byEvent).reduce((x, y) => x + y, 0),
          0,
        );
        expect(cores).toBeCloseTo(r.chip.energy.totalJ, 15);
        const kinds = Object.values(r.chip.energy.byEvent).reduce((a, b) => a + b, 0);
        expect(kinds).toBeCloseTo(r.chip.energy.dynamicJ, 15);
        expect(r.chip.packets).toBeGreaterThan(0);
        if (name === "generic-45nm") {
          // the synaptic-op entries of the chip view are the theoretical view: 0.9 pJ per AC, 4.6 pJ per MAC
          const th = theoreticalEnergy(ref.counts);
          const syn = (r.chip.energy.byEvent.synopAC ?? 0) + (r.chip.energy.byEvent.synopMAC ?? 0);
          expect(syn).toBeCloseTo(th.totalJ, 15);
          expect(th.eAC).toBe(0.9e-12);
          expect(th.eMAC).toBe(4.6e-12);
        }
      }
    },
  );

  it("lif_norse on generic-45nm: spikes at 460, 510, 710, 760 (layer-sync) and one step later (pipelined)", async () => {
    const dir = sharedFixture("nir/01_lif");
    const { graph } = await importFile(`${dir}/lif_norse.nir`);
    const ir = compile(graph, { dt: 1e-4, weightBits: 16, inputEvent: "spike" } as QuantCompileOptions).ir;
    const col = readFileSync(`${dir}/lif_norse.csv`, "utf8")
      .trim()
      .split("\n")
      .map((l) => Number(l.split(",")[0]));
    const q = quantizeInputs(ir, { input: { shape: [col.length, 1], data: Float64Array.from(col) } });
    const profile = loadProfile("generic-45nm");
    const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
    for (const [mode, lag] of [
      ["layer-sync", 0],
      ["pipelined", 1],
    ] as const) {
      const ref = runReference(ir, q, { mode });
      const r = createChip(profile, { mode }).load(ir, mapping).run(q);
      expect(r.outputs).toEqual(ref.outputs);
      expect(r.counts).toEqual(ref.counts);
      const spikes = r.outputs.get("output")!.flatMap((v, t) => (v[0]! > 0 ? [t] : []));
      expect(spikes).toEqual([460, 510, 710, 760].map((t) => t + lag));
    }
  });
});
