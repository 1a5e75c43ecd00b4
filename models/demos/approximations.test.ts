// The approximations the trained Binary S4D and GSU demos are lowered with, measured on their data (MNIST digits
// read row by row): each function-neuron table (GLU sigmoid, LayerNorm 1/√, GELU) and the ternary mix, float
// vs lowered at the node's output on the first calibration digit (recorded in the module and the run JSON), and
// the whole quantized network's logits vs the float network's on held-out digits, each under a stated bound.

import { describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import { applyStateDict } from "../../compiler/importers/apply-state-dict.js";
import { readSafetensorsFile } from "../../compiler/importers/tensors/index.js";
import { readApproximations } from "../../compiler/passes/approximations.js";
import { buildGsu } from "../gsu.js";
import { buildBinaryS4D } from "../s4d.js";
import { BINARY_S4D_SMNIST, GSU_SMNIST, type S4Demo } from "./catalog.js";
import { calibrationSet, compileQuantized, floatLogits, quantizedLogits } from "./evaluate.js";
import { loadMnistSequences } from "./mnist-sequences.js";

/**
 * Bounds, about twice the measured (the node's output is compared with every approximation upstream of it in
 * place, so a later node carries the earlier ones' error, amplified where it flips a binary spike): tables ≤ 5 %
 * relative RMS (measured 5e-4–1.2e-3, 2.5e-2 for the second GLU sigmoid behind a spiking layer); the ternary
 * mix, itself exact, ≤ 2e-3 (5.4e-4 from the LayerNorm before it); quantized logits ≤ 30 % relative RMS
 * (18.6 % Binary S4D, 12.3 % GSU) and the same class on ≥ 28 of 32 digits (30 and 32).
 */
const TABLE_REL_RMS = 5e-2;
const MIX_REL_RMS = 2e-3;
const LOGITS_REL_RMS = 0.3;
const SAME_CLASS = 28;

function trained(demo: S4Demo) {
  const g = (demo.mixer === "glu" ? buildBinaryS4D : buildGsu)(demo.config);
  applyStateDict(g, readSafetensorsFile(packagePath(demo.weights)).stateDict);
  return g;
}

describe.each([
  ["binary-s4d-smnist", BINARY_S4D_SMNIST, ["sigmoid table", "LayerNorm 1/√ table"]],
  ["gsu-smnist", GSU_SMNIST, ["ternary mix", "LayerNorm 1/√ table", "gelu table"]],
] as const)("%s approximations on MNIST digits", (name, demo, ops) => {
  const g = trained(demo);
  const ir = compileQuantized(g, calibrationSet(), { profile: "loihi2" });

  it("every approximated node is measured on data and within its bound", () => {
    const list = readApproximations(ir.metadata);
    expect(new Set(list.map((a) => a.op))).toEqual(new Set(ops));
    for (const a of list) {
      expect(a.steps, a.id).toBe(demo.steps);
      expect(a.relRms, `${name} ${a.id} (${a.op})`).toBeLessThanOrEqual(
        a.op === "ternary mix" ? MIX_REL_RMS : TABLE_REL_RMS,
      );
    }
  });

  it(`quantized logits (loihi2 widths) within ${LOGITS_REL_RMS * 100} % RMS of the float ones, the same class on ≥ ${SAME_CLASS} of 32 held-out digits`, () => {
    const digits = loadMnistSequences({ split: "test", count: 32, order: "row" });
    const want = floatLogits(g, digits);
    const got = quantizedLogits(ir, digits);
    let se = 0;
    let ss = 0;
    want.forEach((row, n) => {
      for (let c = 0; c < row.length; c++) {
        se += (got[n]![c]! - row[c]!) ** 2;
        ss += row[c]! ** 2;
      }
    });
    expect(Math.sqrt(se / ss)).toBeLessThanOrEqual(LOGITS_REL_RMS);
    const top = (r: Float64Array) => r.indexOf(Math.max(...r));
    expect(want.filter((r, n) => top(r) === top(got[n]!)).length).toBeGreaterThanOrEqual(SAME_CLASS);
  });
});
