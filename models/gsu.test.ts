// GSU (s4_gsu.py): the layer forward on the float reference against a hand calculation of the official
// expression, the ternary thresholds (strict, per step, from W itself), the LRA zoo entries, and the lowering's
// refusal of what a chip cannot compute.

import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../common/errors.js";
import { createLayerNorm, createTernaryGatedMix } from "../compiler/graph/nodes.js";
import { summarizeGraph } from "../compiler/graph/summary.js";
import { roleOf } from "../compiler/passes/lower/roles.js";
import { gelu, runFloat, ternaryWeights } from "../simulator/float/index.js";
import { buildGsu } from "./gsu.js";
import { type S4Config, s4SmnistDefaults } from "./s4d.js";
import { getZooModel } from "./zoo.js";

const c: S4Config = { ...s4SmnistDefaults, dModel: 3, nSsm: 3, dState: 2, nLayers: 1, norm: "none" };

describe("GSU layer", () => {
  it("(tern(y) @ W + b) ⊙ (y @ tern(W)) → LayerNorm → GELU, plus the residual, per step", () => {
    const g = buildGsu(c);
    const ssm = g.nodes.get("model.layers.0.layer")!;
    const enc = g.nodes.get("encoder.1.0")!;
    const mix = g.nodes.get("model.layers.0.layer.GSU")!;
    const ln = g.nodes.get("model.layers.0.layer.norm")!;
    if (ssm.kind !== "DiagonalSsm" || enc.kind !== "Affine" || mix.kind !== "TernaryGatedMix")
      throw new Error();
    if (ln.kind !== "LayerNorm") throw new Error("kinds");
    // C = 0: y = D ⊙ u with u = [x, −2x, 0.1x + 0.05]
    enc.weight.data.set([1, -2, 0.1]);
    enc.bias.data.set([0, 0, 0.05]);
    ssm.d.data.set([1, 0.5, 2]);
    const W = [0.9, -0.1, 0.3, -0.6, 0.12, 0.0, 0.2, -0.8, 0.5]; // [in, out]; δ_W = 0.135: 0.12 → 0
    mix.weight.data.set(W);
    mix.bias.data.set([0.1, -0.2, 0.3]);
    ln.weight.data.set([1, 2, 0.5]);
    ln.bias.data.set([0, 0.1, -0.1]);
    const xs = [0.8, -0.3, 0.02];
    const res = runFloat(
      g,
      { input: { shape: [3, 1], data: xs } },
      { record: ["model.layers.0.layer.activation"] },
    );
    const got = res.records.get("model.layers.0.layer.activation")!;
    const T = [1, 0, 1, -1, 0, 0, 1, -1, 1]; // |W| > 0.135
    expect([...ternaryWeights(W, 0.15)]).toEqual(T);
    xs.forEach((x, t) => {
      const u = [x, -2 * x, 0.1 * x + 0.05];
      const y = [u[0]!, 0.5 * u[1]!, 2 * u[2]!];
      const d = 0.15 * Math.max(...y.map(Math.abs));
      const s = y.map((v) => (v > d ? 1 : v < -d ? -1 : 0));
      const o = [0, 1, 2].map((j) => {
        const a = [0, 1, 2].reduce((acc, i) => acc + s[i]! * W[i * 3 + j]!, [0.1, -0.2, 0.3][j]!);
        const b = [0, 1, 2].reduce((acc, i) => acc + y[i]! * T[i * 3 + j]!, 0);
        return a * b;
      });
      const mean = (o[0]! + o[1]! + o[2]!) / 3;
      const v = o.reduce((acc, e) => acc + (e - mean) ** 2, 0) / 3;
      const n = o.map((e, j) => ((e - mean) / Math.sqrt(v + 1e-5)) * [1, 2, 0.5][j]! + [0, 0.1, -0.1][j]!);
      // parameters are float32
      n.forEach((e, j) => {
        expect(got[t]![j]).toBeCloseTo(gelu(e), 6);
      });
    });
  });

  it("a value equal to the threshold is 0 (fast_sigmoid forward is a strict Heaviside)", () => {
    expect([...ternaryWeights([1, -0.15, 0.150001, -1], 0.15)]).toEqual([1, 0, 1, -1]);
  });
});

describe("LRA zoo entries", () => {
  it("binary-s4d-<task> and gsu-<task> build at the official configs; retrieval is absent", () => {
    for (const task of ["listops", "text", "image", "pathfinder", "pathx"]) {
      for (const family of ["binary-s4d", "gsu"]) {
        const m = getZooModel(`${family}-${task}`);
        expect(summarizeGraph(m.build()).totals.params).toBe(m.params);
      }
    }
    expect(getZooModel("binary-s4d-image").params).toBe(3_565_066);
    expect(getZooModel("gsu-image").params).toBe(1_995_274);
    expect(() => getZooModel("gsu-retrieval")).toThrow(/unknown zoo model/);
  });
});

describe("lowering refuses, naming the node", () => {
  it("LayerNorm and TernaryGatedMix are UNSUPPORTED on a chip", () => {
    const v = { shape: [2], data: new Float64Array(2) };
    for (const [id, node, why] of [
      ["blk.norm", createLayerNorm(v, v), /standard deviation/],
      ["blk.GSU", createTernaryGatedMix({ shape: [2, 2], data: new Float64Array(4) }, v), /0\.15·max\|y\|/],
    ] as const) {
      let err: unknown;
      try {
        roleOf(id, node);
      } catch (e) {
        err = e;
      }
      expect(isSpikegridError(err) && err.code).toBe("UNSUPPORTED");
      expect(String((err as Error).message)).toContain(`"${id}"`);
      expect(String((err as Error).message)).toMatch(why);
    }
  });
});
