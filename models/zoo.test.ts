// Every zoo model: exact parameter counts (seed-models.md §5), a valid graph, official key names that a
// synthetic state_dict fills completely, and exact multi-head SSA arithmetic on the float reference.

import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../common/errors.js";
import { addNode, connect, createGraph, type NetGraph } from "../compiler/graph/graph.js";
import { createInput, createOutput } from "../compiler/graph/nodes.js";
import { summarizeGraph } from "../compiler/graph/summary.js";
import { validateGraph } from "../compiler/graph/validate.js";
import { applyStateDict, expectedKeys } from "../compiler/importers/apply-state-dict.js";
import type { StateDict } from "../compiler/importers/tensors/tensor.js";
import { runFloat } from "../simulator/float/index.js";
import { type SpikformerConfig, ssaCore } from "./spikformer.js";
import { getZooModel, loadZooModel, ZOO } from "./zoo.js";

const EXPECTED: Record<string, number> = {
  lmuformer: 1_621_796,
  "spiking-lmuformer": 1_689_894,
  "lmuformer-psmnist": 166_798,
  "spiking-lmuformer-psmnist": 166_092,
  "spiking-lmuformer-smnist": 61_645,
  "spikformer-4-384": 9_324_730,
  "spikformer-8-384": 16_816_024,
  "spikformer-8-512": 29_689_384,
  "spikformer-10-512": 36_005_416,
  "spikformer-8-768": 66_338_632,
  "fwformer-1dfft-4-384": 7_544_506,
  "fwformer-2dfft-4-384": 7_544_510,
  "fwformer-2dwt-4-384": 7_544_506,
  "fwformer-dwtc-4-384": 7_741_114,
  "spikformer-2-256-dvs": 2_566_666,
  "spikformer-mnist": 113_026,
  "fwformer-mnist": 100_291,
  // Binary S4D / GSU on LRA: official module shapes (s4ParamCount); Image = seed-models.md §4.3, Path-X = §4.3
  // + the prenorm final BatchNorm(256) (models/README.md § Binary S4D and GSU)
  "binary-s4d-listops": 534_026,
  "binary-s4d-text": 1_224_450,
  "binary-s4d-image": 3_565_066,
  "binary-s4d-pathfinder": 1_190_402,
  "binary-s4d-pathx": 1_190_402,
  "gsu-listops": 403_978,
  "gsu-text": 832_770,
  "gsu-image": 1_995_274,
  "gsu-pathfinder": 798_722,
  "gsu-pathx": 798_722,
  // the trained causal sMNIST-28 demo: the sum of its checkpoint's tensor sizes
  "binary-s4d-smnist": 25_930,
  "gsu-smnist": 17_866,
};

/** Official state_dict keys (and shapes) of each model, read from the official code. */
const OFFICIAL_KEYS: Record<string, [string, number[]][]> = {
  lmuformer: [
    ["patch_embed.conv_layers.0.0.weight", [256, 128, 3]],
    ["patch_embed.conv_layers.3.3.running_var", [256]],
    ["patch_embed.rpe_conv.weight", [256, 256, 3]],
    ["block.0.attn.lmu.W_u.weight", [1, 256]],
    ["block.0.attn.lmu.W_h.weight", [256, 512]],
    ["block.0.attn.proj_conv.weight", [256, 256, 1]],
    ["block.0.mlp.fc2_bn.bias", [256]],
    ["head.weight", [35, 256]],
  ],
  "spiking-lmuformer": [
    ["patch_embed.proj_conv.weight", [256, 128, 3]],
    ["patch_embed.proj_bn3.weight", [256]],
    ["patch_embed.rpe_conv.weight", [256, 256, 3]],
    ["block.0.attn.prev_bn.weight", [256]],
    ["block.0.attn.lmu.W_u.bias", [1]],
    ["block.0.attn.lmu.bn_u.running_mean", [1]],
    ["block.0.attn.lmu.bn_m.weight", [512]],
    ["block.0.attn.lmu.W_h.weight", [256, 768]],
    ["block.0.attn.lmu.bn_h.bias", [256]],
    ["block.0.mlp.fc1_conv.weight", [1024, 256, 1]],
    ["head_bn.weight", [256]],
    ["head.bias", [35]],
  ],
  "lmuformer-psmnist": [
    ["conv1.weight", [3, 1, 1]],
    ["bn1.weight", [3]],
    ["lmu_fft.W_u.weight", [1, 3]],
    ["lmu_fft.W_h.weight", [346, 471]],
    ["classifier.weight", [10, 346]],
  ],
  "spiking-lmuformer-psmnist": [
    ["lmu_fft.W_u.weight", [1, 1]],
    ["lmu_fft.W_h.weight", [346, 469]],
    ["classifier.bias", [10]],
  ],
  "spikformer-4-384": [
    ["patch_embed.proj_conv.weight", [48, 3, 3, 3]],
    ["patch_embed.proj_bn3.running_mean", [384]],
    ["patch_embed.rpe_conv.weight", [384, 384, 3, 3]],
    ["block.0.attn.q_linear.weight", [384, 384]],
    ["block.3.attn.v_linear.bias", [384]],
    ["block.1.attn.proj_linear.weight", [384, 384]],
    ["block.2.mlp.fc1_linear.weight", [1536, 384]],
    ["block.2.mlp.fc2_bn.weight", [384]],
    ["head.weight", [10, 384]],
  ],
  "spikformer-8-512": [
    ["patch_embed.proj_conv.weight", [64, 3, 3, 3]],
    ["block.7.attn.k_conv.weight", [512, 512, 1]],
    ["block.0.attn.proj_conv.bias", [512]],
    ["block.0.mlp.fc1_conv.weight", [2048, 512, 1, 1]],
    ["head.weight", [1000, 512]],
  ],
  "binary-s4d-image": [
    ["encoder.1.0.weight", [512, 1]],
    ["model.layers.0.layer.D", [1, 512]],
    ["model.layers.0.layer.kernel.kernel.C", [2, 512, 32, 2]],
    ["model.layers.0.layer.kernel.kernel.B", [2, 32, 2]],
    ["model.layers.0.layer.kernel.kernel.inv_A_real", [2, 32]],
    ["model.layers.5.layer.output_linear.0.weight", [1024, 512]],
    ["model.layers.5.norm.norm.weight", [512]],
  ],
  "gsu-listops": [
    ["encoder.1.0.weight", [18, 128]],
    ["model.layers.7.layer.GSU", [128, 128]],
    ["model.layers.7.layer.GSU_bias", [128]],
    ["model.layers.7.layer.norm.bias", [128]],
    ["model.layers.7.layer.kernel.kernel.log_dt", [128]],
  ],
  "spikformer-mnist": [
    ["patch_embed.proj_conv.weight", [8, 1, 3, 3]],
    ["block.0.attn.q_linear.weight", [64, 64]],
    ["head.weight", [10, 64]],
  ],
  "fwformer-mnist": [
    ["block.0.attn.fw_dft_im_neg.scale", [1]],
    ["block.0.attn.fw_bn.running_var", [64]],
    ["block.0.mlp.fc1_linear.weight", [256, 64]],
  ],
  "spikformer-2-256-dvs": [
    ["patch_embed.proj_conv.weight", [32, 2, 3, 3]],
    ["block.1.attn.q_conv.weight", [256, 256, 1]],
    ["block.1.mlp.fc2_conv.weight", [256, 1024, 1]],
    ["head.weight", [10, 256]],
  ],
};

function syntheticStateDict(g: NetGraph): StateDict {
  const sd: StateDict = new Map();
  for (const { key, shape } of expectedKeys(g)) {
    if (!shape) continue;
    const n = shape.reduce((a, d) => a * d, 1);
    sd.set(key, {
      dtype: "float32",
      shape,
      data: new Float32Array(n).fill(key.endsWith("running_var") ? 1 : 0.5),
    });
  }
  return sd;
}

describe("zoo registry", () => {
  it("lists every model once with its expected parameter count", () => {
    expect(ZOO.map((m) => m.name)).toEqual(Object.keys(EXPECTED));
    for (const m of ZOO) expect(m.params).toBe(EXPECTED[m.name]);
  });

  for (const m of ZOO) {
    it(`${m.name}: valid graph, exact params, official keys, complete synthetic state_dict`, () => {
      const g = m.build();
      expect(() => validateGraph(g, m.name)).not.toThrow();
      expect(summarizeGraph(g).totals.params).toBe(EXPECTED[m.name]);
      const keys = new Map(expectedKeys(g).map((k) => [k.key, k.shape]));
      for (const [key, shape] of OFFICIAL_KEYS[m.name] ?? []) expect(keys.get(key), key).toEqual(shape);
      const report = applyStateDict(g, syntheticStateDict(g));
      expect(report.missing).toEqual([]);
      expect(report.unexpected).toEqual([]);
      expect(report.mismatched).toEqual([]);
      // Absent optional biases are exactly the bias=False layers of the official code.
      for (const k of report.absentZeroBiases)
        expect(k).toMatch(/(conv\d?|conv_layers\.\d\.0|[qkv]_conv)\.bias$/);
    });
  }

  it("depth overrides scale by one block (seed-models.md §5.3)", () => {
    const params = (name: string, depth: number) =>
      summarizeGraph(getZooModel(name).build({ depth })).totals.params;
    expect(params("lmuformer", 2) - params("lmuformer", 1)).toBe(726_017);
    expect(params("spiking-lmuformer", 2) - params("spiking-lmuformer", 1)).toBe(793_603);
  });

  it("resolves zoo:NAME with overrides and rejects unknown names and settings", () => {
    const loaded = loadZooModel("zoo:spikformer-4-384", { numClasses: "100" });
    expect(loaded.format).toBe("zoo");
    expect(summarizeGraph(loaded.graph).totals.params).toBe(9_359_380); // CIFAR-100 head, seed-models.md §2.2
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isSpikegridError(e) ? e.code : "other";
      }
      return "none";
    };
    expect(code(() => loadZooModel("zoo:nope"))).toBe("USAGE");
    expect(code(() => loadZooModel("lmuformer", { width: 3 }))).toBe("USAGE");
    expect(code(() => loadZooModel("lmuformer", { dim: "wide" }))).toBe("USAGE");
  });

  it("LMUFormer dense MACs per step match the reference per-token counts (seed-models.md §5.13)", () => {
    // patch-embed 884,736 + memory 65,792 + W_u 256 + W_h 131,072 + proj 65,536 + FFN 524,288 + head 8,960
    expect(summarizeGraph(getZooModel("lmuformer").build()).totals.denseMacs).toBe(1_680_640);
  });
});

describe("float reference runs every family", () => {
  const small: Record<string, Record<string, number>> = {
    lmuformer: { dim: 16, inChannels: 8, theta: 8 },
    "spiking-lmuformer": { dim: 16, inChannels: 8, theta: 8 },
    "lmuformer-psmnist": { hidden: 6, memory: 5, theta: 8 },
    "spiking-lmuformer-psmnist": { hidden: 6, memory: 5, theta: 8 },
    "spikformer-4-384": { dim: 16, heads: 2, imageSize: 8, depth: 1 },
    "spikformer-8-512": { dim: 16, heads: 2, imageSize: 32, depth: 1 },
    "spikformer-2-256-dvs": { dim: 16, heads: 4, imageSize: 16, depth: 1 },
    "fwformer-1dfft-4-384": { dim: 16, heads: 2, imageSize: 8, depth: 1 },
    "fwformer-2dfft-4-384": { dim: 16, heads: 2, imageSize: 8, depth: 1 },
    "fwformer-2dwt-4-384": { dim: 16, heads: 2, imageSize: 8, depth: 1 },
    "fwformer-dwtc-4-384": { dim: 16, heads: 2, imageSize: 8, depth: 1 },
  };
  for (const [name, overrides] of Object.entries(small)) {
    it(`${name} (reduced) runs 4 steps to finite outputs`, () => {
      const g = getZooModel(name).build(overrides);
      const input = summarizeGraph(g).inputs[0]!;
      const per = input.shape.reduce((a, d) => a * d, 1);
      const data = Array.from({ length: 4 * per }, (_, i) => ((i * 37) % 11) / 5);
      const res = runFloat(g, { input: { shape: [4, ...input.shape], data } });
      const out = res.outputs.get("output")!;
      expect(out).toHaveLength(4);
      for (const step of out) expect([...step].every(Number.isFinite)).toBe(true);
    });
  }
});

describe("multi-head SSA", () => {
  /** A deterministic 0/1 pattern. */
  const spikes = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13) % 5 < 2 ? 1 : 0));

  for (const variant of ["cifar", "dvs", "imagenet"] as const) {
    it(`${variant}: per-head matmuls and concat equal the PyTorch head split`, () => {
      const n = 5;
      const heads = 3;
      const dh = 2;
      const d = heads * dh;
      const c = { variant, dim: d, heads } as SpikformerConfig;
      const g = createGraph({ dt: 1 });
      for (const t of ["q", "k", "v"]) addNode(g, t, createInput([n, d]));
      const out = ssaCore(g, "attn", c, ["q", "k", "v"], n);
      addNode(g, "out", createOutput());
      connect(g, out, "out");
      const [q, k, v] = [1, 2, 3].map((s) => spikes(n * d, s)) as [number[], number[], number[]];
      const res = runFloat(g, {
        q: { shape: [1, n, d], data: q },
        k: { shape: [1, n, d], data: k },
        v: { shape: [1, n, d], data: v },
      });
      const got = res.outputs.get("out")![0]!;
      const scale = variant === "dvs" ? 0.25 : 0.125;
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < dh; j++) {
            let acc = 0;
            for (let m = 0; m < n; m++) {
              let s = 0;
              for (let e = 0; e < dh; e++) s += q[i * d + h * dh + e]! * k[m * d + h * dh + e]!;
              acc += s * v[m * d + h * dh + j]!;
            }
            expect(got[i * d + h * dh + j]).toBeCloseTo(acc * scale, 12);
          }
        }
      }
    });
  }
});

describe("Spikformer SPS pooling (spsPooled)", () => {
  const maxPools = (g: NetGraph) =>
    [...g.nodes.keys()].filter((k) => k.startsWith("patch_embed.maxpool")).length;

  it("pools after the stages the mask names, and the defaults are the official files' (CIFAR 0011, others 1111)", () => {
    expect(maxPools(getZooModel("spikformer-4-384").build())).toBe(2);
    expect(maxPools(getZooModel("spikformer-2-256-dvs").build())).toBe(4);
    const g = getZooModel("spikformer-mnist").build();
    expect([...g.nodes.keys()].filter((k) => k.startsWith("patch_embed.maxpool"))).toEqual([
      "patch_embed.maxpool",
      "patch_embed.maxpool1",
      "patch_embed.maxpool2",
    ]);
    // 28 → 14 → 7 → 4: 16 tokens of width 64 reach the head's mean
    expect(summarizeGraph(g).totals.params).toBe(113_026);
    const run = runFloat(g, { input: { shape: [1, 1, 28, 28], data: new Float32Array(784) } });
    expect(run.outputs.get("output")![0]!.length).toBe(10);
  });

  it("refuses a mask that is not 4 characters 0/1 with USAGE naming the setting", () => {
    let err: unknown;
    try {
      getZooModel("spikformer-mnist").build({ spsPooled: "111" });
    } catch (e) {
      err = e;
    }
    expect(isSpikegridError(err) && err.code).toBe("USAGE");
    expect(String((err as Error).message)).toMatch(/spsPooled must be 4 characters/);
  });
});
