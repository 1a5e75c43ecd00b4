// The streaming runner's clip start by hand: a look-ahead conv followed by a BatchNorm. "gate" holds both at reset until their frame 0; "free" runs them from step 0, so the conv's
// partial sum of frame −1 (its future tap on x_0) flows on, while both constants wait for frame 0.

import { describe, expect, it } from "vitest";
import {
  chain,
  createBatchNorm,
  createGraph,
  createInput,
  createOutput,
  createTemporalConv,
  ndarray,
} from "../../compiler/graph/index.js";
import { createFloatRunner, runFloat, runFloatBatch } from "./index.js";

// y_f = bn(c + a·x_f + b·x_{f+1}): kernel [a, b] with look-ahead 1, bias c; bn(v) = 2v + 0.5
const [a, b, c] = [0.25, 0.5, 1];
function graph() {
  const g = createGraph({ dt: 1 });
  const bn = createBatchNorm({
    mean: ndarray([1], [0]),
    variance: ndarray([1], [3.75]),
    gamma: ndarray([1], [4]),
    beta: ndarray([1], [0.5]),
    eps: 0.25, // a = 4 / √(3.75 + 0.25) = 2 exactly
  });
  const tc = createTemporalConv({
    weight: ndarray([1, 1, 2], [a, b]),
    bias: ndarray([1], [c]),
    lookahead: 1,
  });
  chain(g, [
    ["x", createInput([1])],
    ["tc", tc],
    ["bn", bn],
    ["y", createOutput()],
  ]);
  return g;
}
const x = [3, 5, 7];
const input = { x: { shape: [4, 1], data: [...x, 0] } };
const ys = (r: { outputs: Map<string, Float64Array[]> }) => r.outputs.get("y")!.map((v) => v[0]!);
const frame = (f: number) => 2 * (c + a * x[f]! + b * (x[f + 1] ?? 0)) + 0.5;

describe("clipStart", () => {
  it("gate (default): nothing before frame 0 (step 1), then the definition", () => {
    const { plan } = createFloatRunner(graph());
    expect(plan.delay).toBe(1);
    expect(ys(runFloat(graph(), input))).toEqual([0, frame(0), frame(1), frame(2)]);
    expect(ys(runFloat(graph(), input, { clipStart: "gate" }))).toEqual([0, frame(0), frame(1), frame(2)]);
  });

  it("free: step 0 carries the partial sum b·x_0 of frame −1 through the BatchNorm's scale, no constants", () => {
    const free = ys(runFloat(graph(), input, { clipStart: "free" }));
    expect(free[0]).toBe(2 * b * x[0]!);
    expect(free.slice(1)).toEqual([frame(0), frame(1), frame(2)]);
    const batch = runFloatBatch(graph(), { x: { shape: [1, 4, 1], data: [...x, 0] } }, { clipStart: "free" });
    expect(ys(batch[0]!)).toEqual(free);
  });
});
