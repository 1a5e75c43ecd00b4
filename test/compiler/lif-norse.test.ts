// Acceptance: the NIR paper's single LIF neuron (lif_norse.nir, dt = 1e-4 s) compiled to quantized NMIR at
// 16-bit weights and run on the reference interpreter with column 0 of lif_norse.csv as input: spikes at 460,
// 510, 710, 760 in layer-sync and one step later in pipelined mode, whether the input is a spike or graded port.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import "../../compiler/importers/register-all.js";
import { importFile } from "../../compiler/importers/registry.js";
import { checkNmir, type NmirModule } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizationReport } from "../../compiler/passes/quantization-report.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { runReference, type TimestepMode } from "../../simulator/reference/index.js";
import { sharedFixture } from "../shared-fixtures.js";

const DIR = sharedFixture("nir/01_lif");
const SPIKES = [460, 510, 710, 760];

/** Column 0 of the CSV: the 0/1 input train the NIR paper feeds every framework (34 ones in 1000 steps). */
const input = readFileSync(`${DIR}/lif_norse.csv`, "utf8")
  .trim()
  .split("\n")
  .map((l) => Number(l.split(",")[0]));

async function compiled(inputEvent: "spike" | "graded"): Promise<NmirModule> {
  const { graph } = await importFile(`${DIR}/lif_norse.nir`);
  const options: QuantCompileOptions = { dt: 1e-4, weightBits: 16, inputEvent };
  return compile(graph, options).ir;
}

function spikes(ir: NmirModule, mode: TimestepMode): number[] {
  const x = { input: { shape: [input.length, 1], data: Float64Array.from(input) } };
  const q = quantizeInputs(ir, x);
  expect(q.get("input")!.clipped).toBe(0);
  const r = runReference(ir, q, { mode });
  expect(r.counts.totals.saturations).toBe(0);
  return r.outputs.get("output")!.flatMap((v, t) => (v[0]! > 0 ? [t] : []));
}

describe("lif_norse.nir at 16-bit weights", () => {
  it("the input is 34 binary events: the natural NMIR input is a spike port", () => {
    expect(input.length).toBe(1000);
    expect(input.filter((x) => x === 1).length).toBe(34);
    expect(input.every((x) => x === 0 || x === 1)).toBe(true);
  });

  it('inputEvent "spike": spikes at 460, 510, 710, 760 (layer-sync) and 461, 511, 711, 761 (pipelined)', async () => {
    const ir = await compiled("spike");
    expect(ir.stage).toBe("quantized");
    expect(checkNmir(ir)).toEqual([]);
    expect(ir.inputs[0]!.event).toEqual({ kind: "spike" });
    const q = quantizationReport(ir);
    expect(q.weightBits).toBe(16);
    // w·dt/τ = 0.04 at λ = 2^-16 (θ 0.1 · headroom 4 < 32767·2^-16): 2621.44 stored as 20972·2^-3 (92.8 dB).
    expect(q.projections[0]!.sqnrDb).toBeGreaterThan(90);
    const lif = ir.populations[0]!.model;
    if (lif.kind !== "lif") throw new Error(`expected lif, got ${lif.kind}`);
    expect([lif.dv[0], lif.vth[0], lif.fire]).toEqual([164, 6554, "gt"]); // 4096·0.04 = 163.84; 0.1·2^16
    expect(spikes(ir, "layer-sync")).toEqual(SPIKES);
    expect(spikes(ir, "pipelined")).toEqual(SPIKES.map((t) => t + 1));
  });

  it('inputEvent "graded" (8-bit payload, 1.0 = 64·2^-6 exactly): the same spike trains', async () => {
    const ir = await compiled("graded");
    expect(ir.inputs[0]!.event).toEqual({ kind: "graded", bits: 8 });
    expect(ir.metadata["input.input.scaleExp"]).toBe("-6");
    expect(spikes(ir, "layer-sync")).toEqual(SPIKES);
    expect(spikes(ir, "pipelined")).toEqual(SPIKES.map((t) => t + 1));
  });
});
