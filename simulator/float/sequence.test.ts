// runFloat(…, { sequence: "whole" }) against the definition computed directly: two k=3 look-ahead convs with
// a BatchNorm (BN(0) ≠ 0) between them and a residual that skips the second conv (paths of look-ahead 1 and 2).

import { describe, expect, it } from "vitest";
import { addNode, connect, createGraph } from "../../compiler/graph/graph.js";
import {
  createActivation,
  createBatchNorm,
  createInput,
  createOutput,
  createTemporalConv,
} from "../../compiler/graph/nodes.js";
import { createFloatRunner, runFloat } from "./index.js";

const T = 7;
const w1 = [0.5, -1, 0.25, 2, 1, -0.5]; // [1 out, 2 in, 3 taps]
const w2 = [0.75, -0.5, 1.5];
const bn = { mean: 0.3, variance: 2, gamma: 1.5, beta: 0.7 };
const x = Array.from({ length: T * 2 }, (_, i) => Math.sin(1.3 * i) + 0.1 * i);

function graph() {
  const g = createGraph({ dt: 1 });
  const t = (shape: number[], v: number[]) => ({ shape, data: Float32Array.from(v) });
  addNode(g, "in", createInput([2]));
  addNode(g, "c1", createTemporalConv({ weight: t([1, 2, 3], w1), bias: t([1], [0.2]), lookahead: 1 }));
  addNode(
    g,
    "bn",
    createBatchNorm({
      mean: t([1], [bn.mean]),
      variance: t([1], [bn.variance]),
      gamma: t([1], [bn.gamma]),
      beta: t([1], [bn.beta]),
    }),
  );
  addNode(g, "c2", createTemporalConv({ weight: t([1, 1, 3], w2), lookahead: 1 }));
  addNode(g, "sum", createActivation("identity"));
  addNode(g, "out", createOutput());
  for (const [a, b] of [
    ["in", "c1"],
    ["c1", "bn"],
    ["bn", "c2"],
    ["bn", "sum"],
    ["c2", "sum"],
    ["sum", "out"],
  ])
    connect(g, a!, b!);
  return g;
}

/** PyTorch's Conv1d(k=3, padding=1) → BatchNorm1d → x + Conv1d(k=3, padding=1)(x) over the whole sequence. */
function direct(): number[] {
  const at = (v: number[], t: number, c = 0, C = 1) => (t < 0 || t >= T ? 0 : v[t * C + c]!);
  const y1 = Array.from({ length: T }, (_, t) => {
    let s = 0.2;
    for (let c = 0; c < 2; c++) for (let k = 0; k < 3; k++) s += w1[c * 3 + k]! * at(x, t + k - 1, c, 2);
    return s;
  });
  const z = y1.map((v) => ((v - bn.mean) / Math.sqrt(bn.variance + 1e-5)) * bn.gamma + bn.beta);
  return z.map((v, t) => v + w2.reduce((s, w, k) => s + w * at(z, t + k - 1), 0));
}

describe('runFloat with sequence: "whole"', () => {
  it("aligns look-ahead paths and zero-pads like the whole-sequence definition", () => {
    const r = runFloat(graph(), { in: { shape: [T, 2], data: x } }, { sequence: "whole", record: ["c1"] });
    const out = r.outputs.get("out")!.map((v) => v[0]!);
    expect(out).toHaveLength(T);
    const want = direct();
    for (let t = 0; t < T; t++) expect(out[t]).toBeCloseTo(want[t]!, 5); // float32 weights, float64 sums
    expect(r.records.get("c1")).toHaveLength(T);
  });

  it("equals the streaming schedule delayed by 2 steps, except the last frame (c2 reads BN past the clip)", () => {
    const s = runFloat(graph(), { in: { shape: [T + 2, 2], data: [...x, 0, 0, 0, 0] } });
    const stream = s.outputs.get("out")!.map((v) => v[0]!);
    const want = direct();
    expect(stream.slice(0, 2)).toEqual([0, 0]);
    for (let t = 0; t < T - 1; t++) expect(stream[t + 2]).toBeCloseTo(want[t]!, 5); // float32 weights
    // the stream's BN(frame T) ≠ 0 where the definition pads with 0
    expect(Math.abs(stream[T + 1]! - want[T - 1]!)).toBeGreaterThan(0.1);
  });

  it("a recurrent loop joined by a later look-ahead path starts late; look-ahead inside a loop is refused", () => {
    const g = createGraph({ dt: 1 });
    const w = { shape: [1, 1, 3], data: Float32Array.from(w2) };
    addNode(g, "in", createInput([1]));
    addNode(g, "acc", createActivation("identity"));
    addNode(g, "mix", createActivation("identity"));
    addNode(g, "c", createTemporalConv({ weight: w, lookahead: 1 }));
    addNode(g, "out", createOutput());
    for (const [a, b] of [
      ["in", "acc"],
      ["acc", "mix"],
      ["mix", "acc"], // back edge: mix → acc reads the previous step
      ["in", "c"],
      ["c", "mix"],
      ["mix", "out"],
    ])
      connect(g, a!, b!);
    const r = createFloatRunner(g);
    const i = (id: string) => r.schedule.nodes.findIndex((n) => n.id === id);
    expect(r.schedule.recurrent).toEqual([{ src: "mix", dst: "acc" }]);
    expect([r.plan.start[i("acc")], r.plan.start[i("mix")], r.plan.delays[i("acc")]]).toEqual([
      1,
      1,
      [[1, 0]],
    ]);
    // acc_f = in_f + mix_{f−1}, mix_f = acc_f + c_f: a running sum of in + c, aligned on frames
    const xs = [1, 2, 3, 4, 0];
    const y = runFloat(g, { in: { shape: [5, 1], data: xs } })
      .outputs.get("out")!
      .map((v) => v[0]!);
    const c = (f: number) => w2.reduce((s, wk, k) => s + wk * (xs[f + k - 1] ?? 0), 0);
    let acc = 0;
    for (let f = 0; f < 3; f++) {
      acc += xs[f]! + c(f);
      expect(y[f + 1]).toBeCloseTo(acc, 6);
    }
    const bad = graph();
    connect(bad, "c2", "bn"); // the loop bn → c2 → bn holds look-ahead
    expect(() => createFloatRunner(bad)).toThrow(/passes through a TemporalConv with look-ahead/);
  });
});
