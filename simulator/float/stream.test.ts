// The streaming schedule against the whole-clip definition (sequence: "whole") on random graphs where paths of
// different look-ahead meet (sums into a port, Concat, Product) and constants sit everywhere (biases,
// BatchNorm shifts): streaming is the definition delayed by plan.delay on every frame f < T − tail.

import { describe, expect, it } from "vitest";
import {
  addNode,
  checkGraph,
  connect,
  createActivation,
  createAffine,
  createBatchNorm,
  createConcat,
  createGraph,
  createInput,
  createLIF,
  createOutput,
  createProduct,
  createTemporalConv,
  type GraphNode,
  type NetGraph,
  ndarray,
  scalar,
} from "../../compiler/graph/index.js";
import { rng } from "../../compiler/passes/testing.js";
import { createFloatRunner, runFloat } from "./index.js";

const W = 3; // channels everywhere

function randomGraph(seed: number): NetGraph {
  const r = rng(seed);
  const v = (n: number, s = 1) => Float64Array.from({ length: n }, () => s * (2 * r() - 1));
  const g = createGraph({ dt: 1 });
  const ids: string[] = ["x"];
  addNode(g, "x", createInput([W]));
  const pick = () => ids[Math.floor(r() * ids.length)]!;
  /** Two different sources summed into one port (one when only one exists). */
  const two = (): [string][] => {
    const a = pick();
    const b = pick();
    return a === b ? [[a]] : [[a], [b]];
  };
  const add = (id: string, node: GraphNode, srcs: [string, string?][]) => {
    addNode(g, id, node);
    for (const [s, port] of srcs) connect(g, s, id, port === undefined ? {} : { dstPort: port });
    ids.push(id);
  };
  for (let i = 0; i < 9; i++) {
    const id = `n${i}`;
    const kind = Math.floor(r() * 6);
    if (kind <= 1) {
      const k = 1 + Math.floor(r() * 3);
      const lookahead = Math.floor(r() * k);
      const node = createTemporalConv({
        weight: ndarray([W, W, k], v(W * W * k)),
        bias: ndarray([W], v(W)),
        lookahead,
      });
      add(id, node, r() < 0.5 ? two() : [[pick()]]); // two edges into one port sum
    } else if (kind === 2) {
      const bn = createBatchNorm({
        mean: ndarray([W], v(W)),
        variance: ndarray(
          [W],
          v(W).map((x) => 1 + x * x),
        ),
        gamma: ndarray([W], v(W)),
        beta: ndarray([W], v(W)),
      });
      add(id, bn, [[pick()]]);
    } else if (kind === 3) {
      add(
        id,
        createLIF({
          tau: scalar(2),
          r: scalar(1),
          vLeak: scalar(0),
          vThreshold: scalar(0.4),
          vReset: scalar(0),
        }),
        [[pick()]],
      );
    } else if (kind === 4) {
      addNode(g, `${id}.cat`, createConcat(2, 0));
      connect(g, pick(), `${id}.cat`, { dstPort: "in0" });
      connect(g, pick(), `${id}.cat`, { dstPort: "in1" });
      add(id, createAffine(ndarray([W, 2 * W], v(2 * W * W)), ndarray([W], v(W))), [[`${id}.cat`]]);
    } else {
      if (r() < 0.5)
        add(id, createProduct(), [
          [pick(), "a"],
          [pick(), "b"],
        ]);
      else add(id, createActivation("relu"), two());
    }
  }
  addNode(g, "y", createOutput());
  for (const [src] of [["n8"], ...two()].filter(([s], i, all) => all.findIndex(([t]) => t === s) === i))
    connect(g, src!, "y");
  return g;
}

describe("streaming float runs equal the whole-clip definition, delayed by the algorithmic delay", () => {
  it("on 40 random graphs with joining look-ahead paths: frames f < T − tail within 1e-9", () => {
    const T = 12;
    let compared = 0;
    let aligned = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const g = randomGraph(seed);
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
