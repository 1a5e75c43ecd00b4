import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import {
  chain,
  createAffine,
  createBatchNorm,
  createConv2d,
  createFlatten,
  createGraph,
  createIF,
  createInput,
  createOutput,
  createSumPool2d,
  filled,
  type NetGraph,
  scalar,
} from "../graph/index.js";
import { applyStateDict, expectedKeys } from "./apply-state-dict.js";
import { readTorchFile } from "./tensors/index.js";
import type { StateDict, Tensor } from "./tensors/tensor.js";

const PTH = "../shared/fixtures/nir/02_cnn/ann_pretraining/pretrained_ann_weights.pth";

/** The architecture of cnn_sinabs.nir with zero weights and zero biases (as in the NIR file). */
function cnn(): NetGraph {
  const g = createGraph();
  const z = (...s: number[]) => filled(s, 0);
  const ifn = () => createIF({ r: scalar(1), vThreshold: scalar(1), vReset: scalar(0) });
  chain(g, [
    ["input", createInput([2, 34, 34])],
    ["0", createConv2d({ weight: z(16, 2, 5, 5), bias: z(16), stride: [2, 2], pads: [1, 1, 1, 1] })],
    ["1", ifn()],
    ["2", createConv2d({ weight: z(16, 16, 3, 3), bias: z(16), pads: [1, 1, 1, 1] })],
    ["3", ifn()],
    ["4", createSumPool2d({ kernel: [2, 2] })],
    ["5", createConv2d({ weight: z(8, 16, 3, 3), bias: z(8), pads: [1, 1, 1, 1] })],
    ["6", ifn()],
    ["7", createSumPool2d({ kernel: [2, 2] })],
    ["8", createFlatten()],
    ["9", createAffine(z(256, 128), z(256))],
    ["10", ifn()],
    ["11", createAffine(z(10, 256), z(10))],
    ["12", ifn()],
    ["output", createOutput()],
  ]);
  return g;
}

describe("applyStateDict", () => {
  it("applies the NIR paper's pretrained ANN checkpoint to the CNN architecture", () => {
    const g = cnn();
    const { stateDict } = readTorchFile(PTH);
    const report = applyStateDict(g, stateDict, { source: PTH });
    expect(report.applied).toEqual(["0.weight", "2.weight", "5.weight", "9.weight", "11.weight"]);
    expect(report.absentZeroBiases).toEqual(["0.bias", "2.bias", "5.bias", "9.bias", "11.bias"]);
    expect(report.missing).toEqual([]);
    const w0 = g.nodes.get("0");
    expect(w0?.kind === "Conv2d" && w0.weight.data).toEqual(stateDict.get("0.weight")?.data);
  });

  it("lists mis-shaped, unexpected and missing keys precisely", () => {
    const g = cnn();
    const { stateDict } = readTorchFile(PTH);
    const sd: StateDict = new Map(stateDict);
    sd.set("9.weight", { dtype: "float32", shape: [256, 64], data: new Float32Array(256 * 64) });
    sd.set("13.weight", { dtype: "float32", shape: [2], data: new Float32Array(2) });
    sd.delete("11.weight");
    try {
      applyStateDict(g, sd, { source: "ckpt.pth" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpikegridError);
      const d = (e as SpikegridError).details.map((x) => `${x.where}: ${x.message}`);
      expect(d).toEqual([
        "9.weight: shape [256,64] in the checkpoint, the network expects [256,128]",
        "13.weight: unexpected key: no node of the network has this parameter",
        "11.weight: missing from the checkpoint",
      ]);
    }
  });

  it("strips a DataParallel prefix and maps BatchNorm names, ignoring num_batches_tracked", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([3, 4, 4])],
      [
        "bn",
        createBatchNorm({
          mean: filled([3], 0),
          variance: filled([3], 1),
          gamma: filled([3], 1),
          beta: filled([3], 0),
        }),
      ],
      ["y", createOutput()],
    ]);
    const t = (v: number[]) => ({ dtype: "float32" as const, shape: [v.length], data: Float32Array.from(v) });
    const sd: StateDict = new Map<string, Tensor>([
      ["module.bn.weight", t([1, 2, 3])],
      ["module.bn.bias", t([0.5, 0.5, 0.5])],
      ["module.bn.running_mean", t([0.1, 0.2, 0.3])],
      ["module.bn.running_var", t([4, 5, 6])],
      ["module.bn.num_batches_tracked", { dtype: "int64", shape: [], data: BigInt64Array.of(7n) }],
    ]);
    const r = applyStateDict(g, sd);
    expect(r.strippedPrefix).toBe("module.");
    expect(r.ignored).toEqual(["module.bn.num_batches_tracked"]);
    const bn = g.nodes.get("bn");
    expect(bn?.kind === "BatchNorm" && Array.from(bn.variance.data)).toEqual([4, 5, 6]);
    expect(expectedKeys(g).map((k) => k.key)).toEqual([
      "bn.weight",
      "bn.bias",
      "bn.running_mean",
      "bn.running_var",
    ]);
  });
});
