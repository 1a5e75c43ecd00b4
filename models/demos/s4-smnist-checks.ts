// The checks every shipped causal S4 sMNIST-28 checkpoint (Binary S4D, GSU) passes, for their *.full.test.ts: it
// fits the zoo builder key for key, the zoo loads it by default, the tfjs model it was trained with computes
// runFloat's logits, it classifies held-out digits on the float and 8-bit references, and it compiles, maps and
// runs on the loihi2 chip model at the profile's default widths. The shipped files' epochs were picked on held-out
// digits 0–499, so every accuracy here is measured from digit 500 on (CLEAN_FROM), on digits nothing chose by.

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import type { AffineNode } from "../../compiler/graph/nodes.js";
import { applyStateDict } from "../../compiler/importers/apply-state-dict.js";
import { readSafetensorsFile } from "../../compiler/importers/tensors/index.js";
import { openPipeline } from "../../pipeline/pipeline.js";
import { buildGsu } from "../gsu.js";
import { buildBinaryS4D } from "../s4d.js";
import { loadZooModel } from "../zoo.js";
import type { S4Demo } from "./catalog.js";
import { accuracy, calibrationSet, compileQuantized, floatLogits, quantizedLogits } from "./evaluate.js";
import { type HeldOutRange, heldOutRangeFiles } from "./held-out-range.js";
import { loadMnistSequences } from "./mnist-sequences.js";
import { predictS4, S4SequenceTf, s4ParamsFromStateDict } from "./s4-smnist-tf.js";
import { useWasmBackend } from "./spiking-lmuformer-tf.js";

/** Accuracy floors: float on held-out digits 500–1,999, 8-bit reference on 500–799, chip model on 500–1,499. */
export interface S4DemoFloors {
  float: number;
  quantized: number;
  chip: number;
}

/** The first held-out digit no step of the shipped files' training looked at (their epochs were picked on 0–499). */
export const CLEAN_FROM = 500;
const FLOAT_DIGITS: HeldOutRange = { first: CLEAN_FROM, count: 1500 };
const QUANTIZED_DIGITS: HeldOutRange = { first: CLEAN_FROM, count: 300 };
const CHIP_DIGITS: HeldOutRange = { first: CLEAN_FROM, count: 1000 };

export function describeS4Demo(name: string, DEMO: S4Demo, floors: S4DemoFloors): void {
  const stateDict = () => readSafetensorsFile(packagePath(DEMO.weights)).stateDict;
  const build = DEMO.mixer === "glu" ? buildBinaryS4D : buildGsu;
  const digits = (r: HeldOutRange) => loadMnistSequences({ split: "test", ...r, order: "row" });

  function trainedGraph() {
    const g = build(DEMO.config);
    return { g, report: applyStateDict(g, stateDict()) };
  }

  describe(`${name} checkpoint`, () => {
    it("fits the builder with no missing, unexpected or mis-shaped keys", () => {
      const { report } = trainedGraph();
      expect(report.missing).toEqual([]);
      expect(report.unexpected).toEqual([]);
      expect(report.mismatched).toEqual([]);
      expect(report.applied.length).toBe(stateDict().size);
    });

    it(`is what zoo:${name} loads by default, and only at the trained configuration`, () => {
      const decoder = (g: ReturnType<typeof build>) =>
        (g.nodes.get("decoder.0.0.output_transform") as AffineNode).weight.data;
      const loaded = loadZooModel(`zoo:${name}`);
      expect([...decoder(loaded.graph)]).toEqual([
        ...(stateDict().get("decoder.0.0.output_transform.weight")!.data as Float32Array),
      ]);
      const other = loadZooModel(`zoo:${name}`, { dModel: 32, nSsm: 32 });
      expect(other.warnings.join()).toMatch(/not applied/);
      expect(decoder(other.graph).every((v) => v === 0)).toBe(true);
    });

    it(`float accuracy ≥ ${floors.float} on held-out digits 500–1,999 and 8-bit reference accuracy ≥ ${floors.quantized} on 500–799`, () => {
      const { g } = trainedGraph();
      const floatSet = digits(FLOAT_DIGITS);
      const floatAcc = accuracy(floatLogits(g, floatSet), floatSet.labels);
      const quantSet = digits(QUANTIZED_DIGITS);
      const quantAcc = accuracy(
        quantizedLogits(compileQuantized(g, calibrationSet()), quantSet),
        quantSet.labels,
      );
      expect(floatAcc).toBeGreaterThanOrEqual(floors.float);
      expect(quantAcc).toBeGreaterThanOrEqual(floors.quantized);
    });

    it(`compiles, maps and runs on the loihi2 chip model at its default widths: ≥ ${floors.chip} on held-out digits 500–1,499`, async () => {
      const pipeline = await openPipeline({
        model: `zoo:${name}`,
        ...heldOutRangeFiles({ rows: true }, CHIP_DIGITS),
        profile: "loihi2",
        engine: "chip",
      });
      const mapped = await pipeline.map();
      expect(mapped.mapping.cores.length).toBeGreaterThan(0);
      const run = await pipeline.simulate();
      expect(run.run.profile).toBe("loihi2");
      expect(run.accuracy!.total).toBe(CHIP_DIGITS.count);
      expect(run.accuracy!.fraction).toBeGreaterThanOrEqual(floors.chip);
    }, 1_200_000);

    describe("the tfjs training model", () => {
      beforeAll(useWasmBackend);

      it("computes the logits runFloat computes (≤ 1e-4) on held-out digits", () => {
        const few = loadMnistSequences({ split: "test", count: 8, order: "row" });
        const expected = floatLogits(trainedGraph().g, few);
        const model = new S4SequenceTf(DEMO.config, DEMO.mixer, DEMO.steps);
        const params = s4ParamsFromStateDict(DEMO.config, DEMO.mixer, stateDict());
        const got = predictS4(model, params, few.x, few.shape);
        expected.forEach((row, n) => {
          for (let c = 0; c < 10; c++) expect(Math.abs(got[n * 10 + c]! - row[c]!)).toBeLessThan(1e-4);
        });
        model.dispose();
        tf.dispose([...params.values()]);
      });
    });
  });
}
