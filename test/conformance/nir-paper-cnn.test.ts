// The NIR paper's N-MNIST CNN: the .nir file plus the ANN checkpoint it was converted from, applied by key name,
// run by the float reference.

import { describe, expect, it } from "vitest";
import { applyStateDict } from "../../compiler/importers/apply-state-dict.js";
import "../../compiler/importers/register-all.js";
import { importFile } from "../../compiler/importers/registry.js";
import { readTorchFile } from "../../compiler/importers/tensors/index.js";
import { runFloat } from "../../simulator/float/index.js";

const CNN = "../shared/fixtures/nir/02_cnn/cnn_sinabs.nir";
const PTH = "../shared/fixtures/nir/02_cnn/ann_pretraining/pretrained_ann_weights.pth";

describe("cnn_sinabs.nir with pretrained_ann_weights.pth", () => {
  it("applies every weight by key name and runs", async () => {
    const { graph } = await importFile(CNN, { resetMode: "subtract" });
    const report = applyStateDict(graph, readTorchFile(PTH).stateDict, { source: PTH });
    expect(report.applied).toEqual(["0.weight", "2.weight", "5.weight", "9.weight", "11.weight"]);
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    // Sparse random events, like a few ms of N-MNIST: the network must respond with spikes somewhere.
    const T = 20;
    const data = new Float64Array(T * 2 * 34 * 34);
    let seed = 7;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      data[i] = seed % 100 < 8 ? 1 : 0;
    }
    const r = runFloat(graph, { input: { shape: [T, 2, 34, 34], data } }, { dt: 1, record: ["1"] });
    const firstLayerSpikes = r.records.get("1")!.reduce((a, s) => a + s.reduce((b, v) => b + v, 0), 0);
    expect(firstLayerSpikes).toBeGreaterThan(0);
    expect(r.outputs.get("output")![0]!.length).toBe(10);
  });
});
