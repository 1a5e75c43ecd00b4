// Acceptance: the sinabs N-MNIST CNN (cnn_sinabs.nir, IF neurons, reset by subtraction as sinabs does) compiled
// at 8-bit weights: per-layer SQNR in the quantization report, and spike agreement per layer against the float
// reference on seeded random sparse binary inputs (measured values and their justification: README.md).

import { beforeAll, describe, expect, it } from "vitest";
import "../../compiler/importers/register-all.js";
import type { NetGraph } from "../../compiler/graph/index.js";
import { importFile } from "../../compiler/importers/registry.js";
import { checkNmir, type NmirModule } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { type Agreement, agreement } from "../../compiler/passes/quantization-agreement.js";
import { quantizationReport } from "../../compiler/passes/quantization-report.js";
import { randomInput, rng } from "../../compiler/passes/testing.js";
import { type FloatRunResult, runFloat } from "../../simulator/float/index.js";
import { type ReferenceRunResult, runReference } from "../../simulator/reference/index.js";
import { sharedFixture } from "../shared-fixtures.js";

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const LAYERS = ["1", "3", "6", "10", "12"];
const SAMPLES = 8;
const T = 30;
/** Thresholds on the fraction of agreeing (neuron, step) pairs: measured − margin (README.md). */
const MIN_AGREEMENT: Record<string, number> = { "1": 0.98, "3": 0.93, "6": 0.93, "10": 0.96, "12": 0.9 };

let graph: NetGraph;
let floats: FloatRunResult[];

/** Cohen's κ of two binary spike rasters: agreement beyond what the spike rates alone would give. */
function kappa(f: FloatRunResult[], q: ReferenceRunResult[], id: string) {
  let n = 0;
  let fs = 0;
  let qs = 0;
  let same = 0;
  f.forEach((run, s) => {
    run.records.get(id)!.forEach((dense, t) => {
      const bits = new Uint8Array(dense.length);
      for (const j of q[s]!.records.get(id)![t]!.index) bits[j] = 1;
      dense.forEach((v, i) => {
        const a = v > 0 ? 1 : 0;
        fs += a;
        qs += bits[i]!;
        same += a === bits[i] ? 1 : 0;
        n++;
      });
    });
  });
  const [pf, pq, po] = [fs / n, qs / n, same / n];
  const pe = pf * pq + (1 - pf) * (1 - pq);
  return { kappa: (po - pe) / (1 - pe), silent: 1 - pf };
}

function measure(ir: NmirModule): { a: Agreement; ints: ReferenceRunResult[] } {
  const ints = Array.from({ length: SAMPLES }, (_, s) =>
    runReference(
      ir,
      { input: randomInput(rng(100 + s), T, [2, 34, 34], { spikes: 0.1 }) },
      { record: LAYERS },
    ),
  );
  return { a: agreement(floats, ints), ints };
}

beforeAll(async () => {
  graph = (await importFile(CNN, { resetMode: "subtract" })).graph;
  floats = Array.from({ length: SAMPLES }, (_, s) =>
    runFloat(
      graph,
      { input: randomInput(rng(100 + s), T, [2, 34, 34], { spikes: 0.1 }) },
      { dt: 1, record: LAYERS },
    ),
  );
});

describe("cnn_sinabs.nir at 8-bit weights (reset subtract, spike inputs)", () => {
  const options: QuantCompileOptions = { dt: 1, weightBits: 8, inputEvent: "spike" };

  it("compiles to quantized NMIR whose report gives every layer's SQNR", () => {
    const ir = compile(graph, options).ir;
    expect(ir.stage).toBe("quantized");
    expect(checkNmir(ir)).toEqual([]);
    const q = quantizationReport(ir);
    expect(q.projections.map((p) => [p.dst, p.weightBits])).toEqual(LAYERS.map((id) => [id, 8]));
    // Measured 34.3, 39.5, 38.1, 31.6, 36.9 dB (one power-of-two exponent per projection); none clip.
    for (const p of q.projections) {
      expect(p.sqnrDb, p.id).toBeGreaterThan(30);
      expect(p.sqnrDb, p.id).toBeLessThan(45);
      expect(p.clipped, p.id).toBe(0);
    }
    expect(q.totals.worstSqnrDb).toBe(Math.min(...q.projections.map((p) => p.sqnrDb)));
  });

  it("spike agreement per layer on seeded random sparse binary inputs is above the measured thresholds", () => {
    const ir = compile(graph, options).ir;
    const { a, ints } = measure(ir);
    expect(a.samples).toBe(SAMPLES);
    expect(a.spikes.map((s) => s.id)).toEqual(LAYERS);
    for (const s of a.spikes) {
      const k = kappa(floats, ints, s.id);
      expect(s.floatSpikes, s.id).toBeGreaterThan(0);
      expect(s.fraction, s.id).toBeGreaterThanOrEqual(MIN_AGREEMENT[s.id]!);
      // Not the silence talking: every layer beats the all-silent raster and agrees beyond chance.
      expect(s.fraction, s.id).toBeGreaterThan(k.silent);
      expect(k.kappa, s.id).toBeGreaterThan(0.45);
    }
    expect(kappa(floats, ints, "1").kappa).toBeGreaterThan(0.8);
  });

  it("the first layer's disagreement is its weight rounding: per-channel exponents and 16-bit weights shrink it", () => {
    const first = (o: QuantCompileOptions) => measure(compile(graph, o).ir).a.spikes[0]!.fraction;
    const perProjection = first(options);
    const perChannel = first({ ...options, perChannel: true });
    const wide = first({ ...options, weightBits: 16 });
    expect(perChannel).toBeGreaterThan(perProjection);
    expect(wide).toBeGreaterThan(0.999);
  });
});
