// The shipped Spiking LMUFormer sMNIST-28 checkpoint: it fits the zoo builder key for key, the zoo loads it by
// default, it classifies held-out digits on the float reference, the 8-bit compile keeps that accuracy, and the
// tfjs model it was trained with computes the same logits as runFloat.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import type { AffineNode } from "../../compiler/graph/nodes.js";
import { applyStateDict } from "../../compiler/importers/apply-state-dict.js";
import { readSafetensorsFile } from "../../compiler/importers/tensors/index.js";
import { buildSpikingLmuFormer } from "../lmuformer.js";
import { getZooModel, loadZooModel } from "../zoo.js";
import { SPIKING_LMUFORMER_SMNIST as DEMO } from "./catalog.js";
import { accuracy, calibrationSet, compileQuantized, floatLogits, quantizedLogits } from "./evaluate.js";
import { loadMnistSequences } from "./mnist-sequences.js";
import { paramsFromStateDict, predict, SpikingLmuFormerTf, useWasmBackend } from "./spiking-lmuformer-tf.js";

const stateDict = () => readSafetensorsFile(packagePath(DEMO.weights)).stateDict;
/** A fixed held-out subset: the first 300 digits of the test split. */
const heldOut = loadMnistSequences({ split: "test", count: 300, order: "row" });

function trainedGraph() {
  const g = buildSpikingLmuFormer(DEMO.config);
  const report = applyStateDict(g, stateDict(), {
    ignore: getZooModel("spiking-lmuformer-smnist").ignoredCheckpointKeys,
  });
  return { g, report };
}

describe("spiking-lmuformer-smnist checkpoint", () => {
  it("fits the builder with no missing, unexpected or mis-shaped keys", () => {
    const { report } = trainedGraph();
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.mismatched).toEqual([]);
    expect(report.applied.length).toBe(stateDict().size);
  });

  it("is what zoo:spiking-lmuformer-smnist loads by default, and only at the trained configuration", () => {
    const head = (g: ReturnType<typeof buildSpikingLmuFormer>) =>
      (g.nodes.get("head") as AffineNode).weight.data;
    const loaded = loadZooModel("zoo:spiking-lmuformer-smnist");
    expect([...head(loaded.graph)]).toEqual([...(stateDict().get("head.weight")!.data as Float32Array)]);
    const other = loadZooModel("zoo:spiking-lmuformer-smnist", { dim: 16 });
    expect(other.warnings.join()).toMatch(/not applied/);
    expect(head(other.graph).every((v) => v === 0)).toBe(true);
  });

  it("float accuracy ≥ 90% and 8-bit reference accuracy within 3 points on 300 held-out digits", () => {
    const { g } = trainedGraph();
    const floatAcc = accuracy(floatLogits(g, heldOut), heldOut.labels);
    const ir = compileQuantized(g, calibrationSet());
    const quantAcc = accuracy(quantizedLogits(ir, heldOut), heldOut.labels);
    expect(floatAcc).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(quantAcc - floatAcc)).toBeLessThanOrEqual(0.03);
  });

  describe("the tfjs training model", () => {
    beforeAll(useWasmBackend);

    it("computes the logits runFloat computes (≤ 1e-4) on held-out digits", () => {
      const few = loadMnistSequences({ split: "test", count: 8, order: "row" });
      const { g } = trainedGraph();
      const expected = floatLogits(g, few);
      const model = new SpikingLmuFormerTf(DEMO.config, DEMO.steps);
      const params = paramsFromStateDict(DEMO.config, stateDict());
      const got = predict(model, params, few.x, few.shape);
      expected.forEach((row, n) => {
        for (let c = 0; c < 10; c++) expect(Math.abs(got[n * 10 + c]! - row[c]!)).toBeLessThan(1e-4);
      });
      model.dispose();
      tf.dispose([...params.values()]);
    });
  });
});
