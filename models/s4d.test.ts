// Binary S4D / GSU: official parameter counts (seed-models.md §4.3), graph counts equal to the official module
// shapes, the layer arithmetic on the float reference, and the gaps reported as UNSUPPORTED.

import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../common/errors.js";
import { summarizeGraph } from "../compiler/graph/summary.js";
import { validateGraph } from "../compiler/graph/validate.js";
import { runFloat } from "../simulator/float/index.js";
import { buildBinaryS4D, buildGsu, type S4Config, s4ParamCount, s4SmnistDefaults } from "./s4d.js";

const lra = (o: Partial<S4Config>): S4Config => ({
  ...s4SmnistDefaults,
  bidirectional: "yes",
  dState: 64,
  ...o,
});
const image = lra({ nLayers: 6, dModel: 512, nSsm: 2, norm: "layer", prenorm: "no", numClasses: 10 });
const pathx = lra({ nLayers: 6, dModel: 256, nSsm: 256, norm: "batch", prenorm: "yes", numClasses: 2 });

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isSpikegridError(e) ? e.code : "other";
  }
  return "none";
};

describe("S4 parameter counts", () => {
  it("LRA-Image 6L/512 (n_ssm 2, post-LayerNorm) equals seed-models.md §4.3", () => {
    expect(s4ParamCount(image, "glu").total).toBe(3_565_066);
    expect(s4ParamCount(image, "gsu").total).toBe(1_995_274);
  });

  it("Path-X 6L/256 equals seed-models.md §4.3 plus the prenorm final BatchNorm (SequenceModel.norm)", () => {
    const b = s4ParamCount(pathx, "glu");
    const s = s4ParamCount(pathx, "gsu");
    expect(b.finalNorm).toBe(512);
    expect(b.total - b.finalNorm).toBe(1_189_890);
    expect(s.total - s.finalNorm).toBe(798_210);
  });

  it("the graph of a unidirectional model holds exactly the official parameters", () => {
    for (const o of [{}, { prenorm: "no", nLayers: 3 }, { encoder: "embedding", inputFeatures: 20 }]) {
      const c = { ...s4SmnistDefaults, ...o };
      const g = buildBinaryS4D(c);
      expect(() => validateGraph(g, "s4")).not.toThrow();
      expect(summarizeGraph(g).totals.params).toBe(s4ParamCount(c, "glu").total);
    }
  });
});

describe("Binary S4D layer arithmetic", () => {
  it("SSM → Heaviside(y > 0) → Linear(H → 2H) → GLU, plus the residual, per step", () => {
    const c: S4Config = { ...s4SmnistDefaults, dModel: 2, nSsm: 2, dState: 2, nLayers: 1, norm: "none" };
    const g = buildBinaryS4D(c);
    const ssm = g.nodes.get("model.layers.0.layer")!;
    if (ssm.kind !== "DiagonalSsm") throw new Error("expected the SSM at the S4 module path");
    // With C = 0 the SSM output is D·u: choose D = [1, −1] so channel 0 spikes for u > 0 and channel 1 for u < 0.
    ssm.d.data.set([1, -1]);
    const enc = g.nodes.get("encoder.1.0")!;
    const lin = g.nodes.get("model.layers.0.layer.output_linear.0")!;
    const head = g.nodes.get("decoder.0.0.output_transform")!;
    if (enc.kind !== "Affine" || lin.kind !== "Affine" || head.kind !== "Affine") throw new Error("kinds");
    enc.weight.data.set([1, 1]);
    lin.weight.data.set([2, 0, 0, 3, 0, 0, 1, 1]); // a = [2 s0, 3 s1], b = [0, s0 + s1]
    lin.bias.data.set([0.5, 0, 0, 0]);
    head.weight.data.set([1, 0, 0, 1]); // class 0 reads x0, class 1 reads x1
    const inputs = [0.7, -0.4, 0];
    const res = runFloat(g, { input: { shape: [3, 1], data: inputs } });
    const out = res.outputs.get("output")!;
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    inputs.forEach((u, t) => {
      const s0 = u > 0 ? 1 : 0;
      const s1 = -u > 0 ? 1 : 0;
      expect(out[t]![0]).toBeCloseTo(u + (2 * s0 + 0.5) * sig(0), 6);
      expect(out[t]![1]).toBeCloseTo(u + 3 * s1 * sig(s0 + s1), 6);
    });
  });
});

describe("gaps are reported, not approximated", () => {
  it("LayerNorm, bidirectional kernels and the GSU are UNSUPPORTED; bad settings are USAGE", () => {
    expect(code(() => buildBinaryS4D(image))).toBe("UNSUPPORTED");
    expect(code(() => buildBinaryS4D(pathx))).toBe("UNSUPPORTED");
    expect(code(() => buildGsu(s4SmnistDefaults))).toBe("UNSUPPORTED");
    expect(code(() => buildBinaryS4D({ ...s4SmnistDefaults, nSsm: 3 }))).toBe("USAGE");
    expect(code(() => buildBinaryS4D({ ...s4SmnistDefaults, prenorm: "maybe" }))).toBe("USAGE");
  });
});
