// The run JSON format: run.schema.json is the zod schema's JSON Schema (regenerate with
// `npx vitest run reports/run-json -u`), a run built from reference counts validates, later stages may add
// fields and sections, and malformed documents are refused with key paths.

import { describe, expect, it } from "vitest";
import { gradedReadout, lifChain, quantize } from "../compiler/passes/quant-testing.js";
import { quantizationReport } from "../compiler/passes/quantization-report.js";
import { WEIGHTS_KEY } from "../compiler/passes/weights-provenance.js";
import { runReference } from "../simulator/reference/index.js";
import { buildRunJson, storedParams } from "./run-build.js";
import { checkRunJson, formatRunJson, RUN_SCHEMA_VERSION, runJsonSchemaDocument } from "./run-json.js";

function lifRun() {
  const { q } = quantize(lifChain());
  const T = 12;
  const data = Array.from({ length: T * 4 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const r = runReference(q, { in: { shape: [T, 4], data } });
  return { q, r, T };
}

describe("run JSON", () => {
  it("run.schema.json is the zod schema's JSON Schema", async () => {
    const text = `${JSON.stringify(runJsonSchemaDocument(), null, 2)}\n`;
    await expect(text).toMatchFileSnapshot("./run.schema.json");
  });

  it("a run built from reference counts validates, with totals, per-layer rows and energy", () => {
    const { q, r, T } = lifRun();
    const run = buildRunJson({
      file: "lif.nmir",
      ir: q,
      engine: "reference",
      mode: "layer-sync",
      timesteps: T,
      counts: [r.counts, r.counts],
      quantization: quantizationReport(q),
    });
    const back = checkRunJson(JSON.parse(formatRunJson(run)));
    expect(back.schemaVersion).toBe(RUN_SCHEMA_VERSION);
    expect(back.run.batch).toBe(2);
    expect(back.counts.ac).toBe(2 * r.counts.totals.ac);
    expect(back.counts.ac).toBeGreaterThan(0);
    expect(back.perLayer.map((l) => [l.id, l.kind, l.projections])).toEqual([
      ["l1", "lif", ["fc1"]],
      ["l2", "lif", ["fc2"]],
    ]);
    expect(back.perLayer.reduce((a, l) => a + l.ac, 0)).toBe(back.counts.ac);
    expect(back.energy.theoretical.totalJ).toBeCloseTo(back.counts.ac * 0.9e-12, 22);
    expect(back.model).toMatchObject({ populations: 2, projections: 2, neurons: 5, synapses: 18 });
    // 12 + 6 weights; lif params dv, vth, bias, vReset broadcast (1 each) × 2 populations.
    expect(back.model.params).toBe(storedParams(q));
    expect(back.model.params).toBe(18 + 8);
    for (const key of ["counts.ac", "counts.mac", "counts.dense", "energy.theoretical", "normalization"])
      expect(back.conventions[key], key).toBeTruthy();
  });

  it('exact SQNR is written as "inf" (JSON has no Infinity)', () => {
    const { q } = quantize(gradedReadout(), { inputRange: 2 });
    const r = runReference(q, { x: { shape: [1, 3], data: [16, -32, 48] } });
    const run = buildRunJson({
      file: "g.nmir",
      ir: q,
      engine: "reference",
      mode: "pipelined",
      timesteps: 1,
      counts: [r.counts],
      quantization: quantizationReport(q),
    });
    const text = formatRunJson(run);
    expect(text).toContain('"sqnrDb": "inf"');
    expect(checkRunJson(JSON.parse(text)).counts.mac).toBeGreaterThan(0);
  });

  it("later stages may add fields and sections; required ones and types are enforced", () => {
    const { q, r, T } = lifRun();
    const run = buildRunJson({
      file: "x",
      ir: q,
      engine: "reference",
      mode: "layer-sync",
      timesteps: T,
      counts: [r.counts],
    });
    const extended = {
      ...run,
      chip: { profile: "loihi", energyJ: 1e-9 },
      counts: { ...run.counts, packets: 12 },
    };
    expect(() => checkRunJson(extended)).not.toThrow();
    const bad = { ...run, counts: { ...run.counts, ac: -1 }, schemaVersion: 99 } as unknown;
    try {
      checkRunJson(bad, "bad.json");
      expect.unreachable();
    } catch (e) {
      const err = e as { message: string; details: { where: string }[] };
      expect(err.message).toMatch(/bad\.json does not match run\.schema\.json/);
      expect(err.details.map((d) => d.where).sort()).toEqual(["counts.ac", "schemaVersion"]);
    }
  });

  it("the JSON Schema is open for extension and requires the core sections", () => {
    const s = runJsonSchemaDocument() as { required: string[]; additionalProperties: unknown };
    expect(s.required).toEqual(
      expect.arrayContaining([
        "schemaVersion",
        "tool",
        "model",
        "run",
        "counts",
        "perLayer",
        "energy",
        "conventions",
      ]),
    );
    expect(s.required).not.toContain("quantization");
    expect(s.additionalProperties).toEqual({});
  });

  it("records where the weights came from and whether ranges were calibrated, and warns for untrained ones", () => {
    const untrained = { ...lifChain(), metadata: { [WEIGHTS_KEY]: "seeded-init" } };
    const { q } = quantize(untrained);
    const T = 4;
    const r = runReference(q, { in: { shape: [T, 4], data: new Array(T * 4).fill(1) } });
    const build = (warnings: string[]) =>
      buildRunJson({
        file: "x.nmir",
        ir: q,
        engine: "reference",
        mode: "layer-sync",
        timesteps: T,
        counts: [r.counts],
        warnings,
      });
    // whoever assembled the warnings, the run says it once
    for (const run of [build([]), build(r.warnings)]) {
      const back = checkRunJson(JSON.parse(formatRunJson(run)));
      expect(back.model.weights).toBe("seeded-init");
      expect(back.model.ranges).toBe("static");
      expect(back.warnings?.filter((w) => /no trained weights/.test(w))).toHaveLength(1);
      expect(back.warnings?.filter((w) => w.startsWith("no calibration data"))).toHaveLength(1);
    }
    const trained = buildRunJson({
      file: "x.nmir",
      ir: quantize({ ...lifChain(), metadata: { [WEIGHTS_KEY]: "trained" } }, { ranges: { in: 1 } }).q,
      engine: "reference",
      mode: "layer-sync",
      timesteps: T,
      counts: [r.counts],
    });
    expect(trained.model).toMatchObject({ weights: "trained", ranges: "calibrated" });
    expect(trained.warnings).toBeUndefined();
    expect(() => checkRunJson({ ...trained, model: { ...trained.model, weights: "random" } })).toThrow(
      /model\.weights|does not match/,
    );
  });
});
