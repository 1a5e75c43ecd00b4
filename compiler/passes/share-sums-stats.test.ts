// shareSums in a whole compile: the relays and projections it adds get quantization stats (the fan-in wiring is
// exact, the one matrix keeps the stats of the copies it replaces), so the run JSON of such a module is valid.

import { describe, expect, it } from "vitest";
import { buildRunJson } from "../../reports/run-build.js";
import { checkRunJson } from "../../reports/run-json.js";
import { runReference } from "../../simulator/reference/index.js";
import { chain, connect, createConv2d, createGraph, createInput, createOutput } from "../graph/index.js";
import { compile } from "./pipeline.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { quantizationReport } from "./quantization-report.js";
import { quantizeInputs } from "./quantize-inputs.js";
import { dyadic, randomInput, rng, testLif } from "./testing.js";

/** x → c1 → l1 → c2 → l2 → c3 → l3, with l1 also into c3: c3's one kernel reads l1 + l2 (a residual stream). */
function residualGraph() {
  const r = rng(23);
  const g = createGraph();
  chain(g, [
    ["x", createInput([2, 5, 5])],
    ["c1", createConv2d({ weight: dyadic(r, [3, 2, 3, 3]), pads: [1, 1, 1, 1] })],
    ["l1", testLif()],
    ["c2", createConv2d({ weight: dyadic(r, [3, 3, 3, 3]), pads: [1, 1, 1, 1] })],
    ["l2", testLif()],
    ["c3", createConv2d({ weight: dyadic(r, [3, 3, 3, 3]), pads: [1, 1, 1, 1] })],
    ["l3", testLif()],
    ["y", createOutput()],
  ]);
  connect(g, "l1", "c3");
  return { g, x: randomInput(r, 8, [2, 5, 5]) };
}

describe("shareSums in a compile", () => {
  it("reports every added projection (exact: SQNR ∞, nothing clipped or zeroed) and the run JSON is valid", () => {
    const { g, x } = residualGraph();
    const quiet: QuantCompileOptions = { dump: () => {}, calibration: { x } };
    const plain = compile(g, quiet).ir;
    const { ir } = compile(g, { ...quiet, shareSums: true });
    expect(JSON.parse(ir.metadata.shareSums!)).toMatchObject({ relays: 1 });
    const report = quantizationReport(ir);
    const had = new Map(quantizationReport(plain).projections.map((p) => [p.id, p]));
    const added = report.projections.filter((p) => !had.has(p.id));
    expect(added.length).toBeGreaterThanOrEqual(3); // two fan-ins and the one matrix
    for (const p of added) {
      if (p.id.endsWith(".out")) {
        // the one matrix is the copies' matrix: their rounding, clipping and zeroing
        const copy = [...had.values()].find((q) => q.dst === p.dst && q.port === p.port)!;
        expect([p.id, p.sqnrDb, p.clipped, p.zeroed]).toEqual([p.id, copy.sqnrDb, copy.clipped, copy.zeroed]);
      } else expect([p.id, p.sqnrDb, p.clipped, p.zeroed]).toEqual([p.id, Number.POSITIVE_INFINITY, 0, 0]);
    }
    expect(report.projections.every((p) => !Number.isNaN(p.sqnrDb))).toBe(true);
    expect(Number.isNaN(report.totals.worstSqnrDb)).toBe(false);
    const run = runReference(ir, quantizeInputs(ir, { x }));
    const json = buildRunJson({
      file: "residual.nmir",
      ir,
      engine: "reference",
      mode: "layer-sync",
      timesteps: 8,
      counts: [run.counts],
      quantization: report,
    });
    expect(() => checkRunJson(JSON.parse(JSON.stringify(json)))).not.toThrow();
  });
});
