// The streaming schedule against the whole-clip definition (sequence: "whole") on random graphs where paths of
// different look-ahead meet (sums into a port, Concat, Product) and constants sit everywhere (biases,
// BatchNorm shifts): streaming is the definition delayed by plan.delay on every frame f < T − tail.

import { describe, expect, it } from "vitest";
import { checkGraph } from "../../compiler/graph/index.js";
import { randomLookaheadNet, LOOKAHEAD_NET_WIDTH as W } from "../../compiler/passes/random-lookahead-net.js";
import { rng } from "../../compiler/passes/testing.js";
import { createFloatRunner, runFloat } from "./index.js";

describe("streaming float runs equal the whole-clip definition, delayed by the algorithmic delay", () => {
  it("on 40 random graphs with joining look-ahead paths: frames f < T − tail within 1e-9", () => {
    const T = 12;
    let compared = 0;
    let aligned = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const g = randomLookaheadNet(seed);
      const problems = checkGraph(g).problems;
      if (problems.length) throw new Error(`seed ${seed}: ${JSON.stringify(problems)}`);
      const runner = createFloatRunner(g);
      const { plan, schedule } = runner;
      const out = schedule.nodes.findIndex((n) => n.id === "y");
      const D = plan.delay;
      const r = rng(1000 + seed);
      const x = Float64Array.from({ length: T * W }, () => 2 * r() - 1);
      const padded = new Float64Array((T + D) * W);
      padded.set(x);
      const whole = runFloat(g, { x: { shape: [T, W], data: x } }, { sequence: "whole" }).outputs.get("y")!;
      const stream = runFloat(g, { x: { shape: [T + D, W], data: padded } }).outputs.get("y")!;
      for (let f = 0; f < T - plan.tail[out]!; f++) {
        for (let c = 0; c < W; c++)
          expect(Math.abs(stream[f + D]![c]! - whole[f]![c]!)).toBeLessThanOrEqual(1e-9);
        compared++;
      }
      // before its frame 0 the output is exactly 0 (no warm-up values)
      for (let t = 0; t < D; t++) expect(stream[t]!.every((y) => y === 0)).toBe(true);
      if (plan.delays.some((ports) => ports.some((p) => p.some((d) => d > 0)))) aligned++;
    }
    expect(compared).toBeGreaterThan(200);
    expect(aligned).toBeGreaterThan(10); // the join alignment is actually exercised
  });
});
