// Untrained zoo weights never pass silently: the zoo records where the weights came from, the compiler carries
// it into the module's metadata (so a .nmir read back still knows) and warns while it is not "trained"; an
// untrained module compiled on guessed ranges says its counts mean nothing, and its SQNR what it covers.

import { describe, expect, it } from "vitest";
import { loadZooModel } from "../../models/zoo.js";
import { runReference } from "../../simulator/reference/index.js";
import { decodeNmir, encodeNmir } from "../nmir/index.js";
import { compile } from "./pipeline.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { quantizationReport } from "./quantization-report.js";
import {
  moduleRanges,
  moduleWarnings,
  moduleWeights,
  untrainedWarning,
  WEIGHTS_KEY,
  worstSqnrText,
} from "./weights-provenance.js";

const lowered = (name: string) =>
  compile(loadZooModel(name).graph, { stopAfter: "lowerToNmir", dump: () => {} });

describe("weight provenance", () => {
  it("a zoo model without a checkpoint is default-zeros, warned about and recorded in the .nmir", () => {
    const { ir, diagnostics } = lowered("zoo:spiking-lmuformer");
    expect(ir.metadata[WEIGHTS_KEY]).toBe("default-zeros");
    const warnings = diagnostics.filter((d) => d.level === "warning").map((d) => d.message);
    expect(warnings).toContainEqual(expect.stringMatching(/no trained weights .*--weights CHECKPOINT/));
    expect(moduleWeights(decodeNmir(encodeNmir(ir)))).toBe("default-zeros");
  });

  it("the trained demo is trained and compiles without that warning", () => {
    const { ir, diagnostics } = lowered("zoo:spiking-lmuformer-smnist");
    expect(moduleWeights(ir)).toBe("trained");
    expect(diagnostics.some((d) => /no trained weights/.test(d.message))).toBe(false);
  });

  it("the trained demo at other settings is not trained: its weights were not applied", () => {
    const g = loadZooModel("zoo:spiking-lmuformer-smnist", { dim: 16 }).graph;
    expect(g.metadata.weights).toBe("default-zeros");
  });
});

describe("what an untrained module's numbers mean", () => {
  // the trained demo at other settings: default-zeros, with the LMU's fixed memory matrices nonzero
  const untrained = () => loadZooModel("zoo:spiking-lmuformer-smnist", { dim: 16 }).graph;

  it("LayerNorm γ = 1 is no trained weight: a GSU without a checkpoint is default-zeros", () => {
    expect(loadZooModel("zoo:gsu-listops").graph.metadata.weights).toBe("default-zeros");
    expect(loadZooModel("zoo:binary-s4d-image").graph.metadata.weights).toBe("default-zeros");
  });

  it("compiled without calibration: warned that the counts mean nothing, and recorded as static ranges", () => {
    const { ir, diagnostics } = compile(untrained(), { dump: () => {} });
    expect(moduleRanges(ir)).toBe("static");
    const warning = diagnostics.find((d) => d.message.startsWith("no calibration data"));
    expect(warning?.level).toBe("warning");
    expect(warning?.message).toMatch(
      /spike, op and saturation counts are not meaningful — give --calibrate FILE/,
    );
    expect(moduleWarnings(ir)).toEqual([untrainedWarning("default-zeros"), warning?.message]);
  });

  it("compiled with calibration data: calibrated ranges and no such warning", () => {
    const g = untrained();
    const calibration: QuantCompileOptions["calibration"] = {
      input: { shape: [4, 28], data: Array.from({ length: 112 }, (_, i) => (i % 7) / 7) },
    };
    const options: QuantCompileOptions = { calibration, dump: () => {} };
    const { ir, diagnostics } = compile(g, options);
    expect(moduleRanges(ir)).toBe("calibrated");
    expect(diagnostics.some((d) => d.message.startsWith("no calibration data"))).toBe(false);
    // trained weights need no calibration warning either
    const trained = compile(loadZooModel("zoo:spiking-lmuformer-smnist").graph, { dump: () => {} });
    expect(moduleWarnings(trained.ir)).toEqual([]);
  });

  it("the worst SQNR of an untrained module says it covers only the fixed matrices", () => {
    const { ir, diagnostics } = compile(untrained(), { dump: () => {} });
    const text = worstSqnrText(quantizationReport(ir), moduleWeights(ir));
    expect(text).toMatch(
      /^\d+\.\d dB \(.*lmu\.memory.*\) — of fixed, non-learned matrices only \(\d+ of \d+ projections have nonzero weights; the learned weights are all zero\)$/,
    );
    const note = diagnostics.find(
      (d) => d.pass === "quantizeWeights" && /worst SQNR|no SQNR/.test(d.message),
    );
    expect(note?.message).not.toMatch(/exact/);
  });

  it("every reference run of an untrained module says so, once per run", () => {
    const { ir } = compile(untrained(), { dump: () => {} });
    const r = runReference(ir, { input: { shape: [2, 28], data: new Array(56).fill(3) } });
    expect(r.warnings.slice(0, 2)).toEqual(moduleWarnings(ir));
  });
});
