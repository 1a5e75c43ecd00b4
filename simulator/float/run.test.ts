// Schedule and runner: recurrent edges read the previous step, edges into one port sum, subgraphs flatten,
// inputs are checked (ids, shapes, finiteness), streaming and batch runs agree with runFloat.

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import {
  addNode,
  chain,
  connect,
  createDelay,
  createDiagonalSsm,
  createGraph,
  createInput,
  createLIF,
  createLinear,
  createOutput,
  createProduct,
  createScale,
  createSubgraph,
  filled,
  type NetGraph,
  ndarray,
  scalar,
} from "../../compiler/graph/index.js";
import { createFloatRunner, runFloat, runFloatBatch, scheduleGraph } from "./index.js";

const seq = (values: number[]) => ({ shape: [values.length, 1], data: values });
const col = (res: { outputs: Map<string, Float64Array[]> }, id = "y") =>
  res.outputs.get(id)!.map((o) => o[0]!);

/** x → a (Linear 1) → b (Scale 0.5) → y, plus the back edge b → a. */
function loop(): NetGraph {
  const g = createGraph();
  chain(g, [
    ["x", createInput([1])],
    ["a", createLinear(ndarray([1, 1], [1]))],
    ["b", createScale(scalar(0.5))],
    ["y", createOutput([1])],
  ]);
  connect(g, "b", "a");
  return g;
}

describe("schedule", () => {
  it("a back edge is recurrent and reads the previous step (zero at t = 0)", () => {
    const s = scheduleGraph(loop());
    expect(s.recurrent).toEqual([{ src: "b", dst: "a" }]);
    expect(s.nodes.map((n) => n.id)).toEqual(["x", "a", "b", "y"]);
    // a_t = x_t + b_{t−1}, b_t = a_t / 2:  a = 1, .5, .25, 2.125;  b = .5, .25, .125, 1.0625
    const res = runFloat(loop(), { x: seq([1, 0, 0, 2]) }, { dt: 1, record: ["a"] });
    expect(res.records.get("a")!.map((v) => v[0])).toEqual([1, 0.5, 0.25, 2.125]);
    expect(col(res)).toEqual([0.5, 0.25, 0.125, 1.0625]);
  });

  it("a self-loop is recurrent", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([1])],
      ["a", createLinear(ndarray([1, 1], [2]))],
      ["y", createOutput()],
    ]);
    connect(g, "a", "a");
    expect(scheduleGraph(g).recurrent).toEqual([{ src: "a", dst: "a" }]);
    // a_t = 2·(x_t + a_{t−1}) = 2, 4, 8
    expect(col(runFloat(g, { x: seq([1, 0, 0]) }, { dt: 1 }))).toEqual([2, 4, 8]);
  });

  it("is deterministic: which edge of a cycle is recurrent follows Input and edge insertion order", () => {
    // two inputs feed the two nodes of a cycle; the DFS starts from the first Input
    const build = (first: "p" | "q") => {
      const g = createGraph();
      const ids = first === "p" ? ["xp", "xq"] : ["xq", "xp"];
      for (const id of ids) addNode(g, id, createInput([1]));
      addNode(g, "p", createScale(scalar(1)));
      addNode(g, "q", createScale(scalar(1)));
      addNode(g, "y", createOutput());
      connect(g, "xp", "p");
      connect(g, "xq", "q");
      connect(g, "p", "q");
      connect(g, "q", "p");
      connect(g, "q", "y");
      return g;
    };
    expect(scheduleGraph(build("p")).recurrent).toEqual([{ src: "q", dst: "p" }]);
    expect(scheduleGraph(build("q")).recurrent).toEqual([{ src: "p", dst: "q" }]);
  });

  it("several edges into one port sum; named ports stay apart", () => {
    const g = createGraph();
    addNode(g, "x", createInput([1]));
    addNode(g, "s2", createScale(scalar(2)));
    addNode(g, "s3", createScale(scalar(3)));
    addNode(g, "prod", createProduct());
    addNode(g, "y", createOutput());
    addNode(g, "z", createOutput());
    connect(g, "x", "s2");
    connect(g, "x", "s3");
    connect(g, "s2", "y");
    connect(g, "s3", "y");
    connect(g, "x", "y");
    connect(g, "s2", "prod", { dstPort: "a" });
    connect(g, "s3", "prod", { dstPort: "b" });
    connect(g, "prod", "z");
    const res = runFloat(g, { x: seq([1, -2]) }, { dt: 1 });
    expect(col(res)).toEqual([6, -12]);
    expect(col(res, "z")).toEqual([6, 24]);
  });

  it("flattens subgraphs: inner nodes are `sub.inner`, edges enter and leave through its Input/Output ids", () => {
    const inner = createGraph();
    chain(inner, [
      ["i", createInput([1])],
      ["k", createScale(scalar(2))],
      ["o", createOutput([1])],
    ]);
    const g = createGraph();
    addNode(g, "x", createInput([1]));
    addNode(g, "S", createSubgraph(inner));
    addNode(g, "y", createOutput());
    connect(g, "x", "S");
    connect(g, "S", "y");
    connect(g, "x", "y");
    const s = scheduleGraph(g);
    expect(s.nodes.map((n) => n.id).sort()).toEqual(["S.i", "S.k", "S.o", "x", "y"]);
    const res = runFloat(g, { x: seq([1, 2]) }, { dt: 1, record: ["S.k"] });
    expect(col(res)).toEqual([3, 6]);
    expect(res.records.get("S.k")!.map((v) => v[0])).toEqual([2, 4]);
  });
});

describe("runner API and input checks", () => {
  const lif = () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([2])],
      [
        "n",
        createLIF({
          tau: scalar(2),
          r: scalar(1),
          vLeak: scalar(0),
          vThreshold: scalar(1),
          vReset: scalar(0),
        }),
      ],
      ["y", createOutput([2])],
    ]);
    return g;
  };
  const xs = { shape: [5, 2], data: [3, 0, 3, 1, 0, 1, 3, 1, 3, 1] };

  const fails = (f: () => unknown, pattern: RegExp, code = "USAGE") => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SpikegridError);
      expect((e as SpikegridError).code).toBe(code);
      expect((e as SpikegridError).message).toMatch(pattern);
      return;
    }
    throw new Error("expected an error");
  };

  it("names a missing input, an unknown input, a wrong shape (expected vs got) and a NaN (step, element)", () => {
    fails(() => runFloat(lif(), {}, { dt: 1 }), /no value for input "x" \[2\]/);
    fails(() => runFloat(lif(), { x: xs, w: xs }, { dt: 1 }), /"w" is not an Input node/);
    fails(
      () => runFloat(lif(), { x: { shape: [5, 3], data: new Array(15).fill(0) } }, { dt: 1 }),
      /expected shape \[T,2\].*got \[5,3\]/,
    );
    fails(
      () =>
        runFloat(lif(), { x: { shape: [5, 2], data: [0, 0, 0, 0, 0, Number.NaN, 0, 0, 0, 0] } }, { dt: 1 }),
      /"x" holds NaN at step 2, element 1 \(flat index 5\)/,
    );
    fails(() => runFloat(lif(), { x: xs }, { dt: 1, timesteps: 9 }), /only 5 steps/);
    fails(() => runFloat(lif(), { x: xs }, { dt: -1 }), /dt must be a positive/);
    fails(() => runFloat(lif(), { x: xs }, { dt: 1, record: ["nope"] }), /no such node/);
    fails(() => runFloat(lif(), { x: xs }, { dt: 1, recordState: ["x"] }), /has no membrane potential/);
    fails(
      () => createFloatRunner(lif(), { dt: 1 }).step({ x: [1, Number.POSITIVE_INFINITY] }),
      /"x" holds Infinity at step 0, element 1/,
    );
    fails(() => createFloatRunner(lif(), { dt: 1 }).step({ x: [1] }), /expected 2 values/);
  });

  it("streams one step at a time with the same results as runFloat, and reset starts over", () => {
    const whole = runFloat(lif(), { x: xs }, { dt: 1, timesteps: 4 });
    expect(whole.steps).toBe(4);
    const r = createFloatRunner(lif(), { dt: 1 });
    const run = () =>
      Array.from({ length: 4 }, (_, t) =>
        Array.from(r.step({ x: xs.data.slice(2 * t, 2 * t + 2) }).get("y")!),
      );
    const first = run();
    expect(first).toEqual(whole.outputs.get("y")!.map((a) => Array.from(a)));
    expect(r.t).toBe(4);
    r.reset();
    expect(r.t).toBe(0);
    expect(run()).toEqual(first);
  });

  it("runFloatBatch equals runFloat per sample", () => {
    const batch = { shape: [2, 5, 2], data: [...xs.data, ...xs.data.map((v) => v / 2)] };
    const res = runFloatBatch(lif(), { x: batch }, { dt: 1 });
    expect(res).toHaveLength(2);
    expect(res[0]!.outputs).toEqual(runFloat(lif(), { x: xs }, { dt: 1 }).outputs);
    const half = { shape: [5, 2], data: xs.data.map((v) => v / 2) };
    expect(res[1]!.outputs).toEqual(runFloat(lif(), { x: half }, { dt: 1 }).outputs);
  });

  it("runs a graph without inputs when timesteps is given (a self-driven neuron)", () => {
    const g = createGraph();
    chain(g, [
      [
        "n",
        createLIF({
          tau: scalar(2),
          r: scalar(1),
          vLeak: scalar(1.5),
          vThreshold: scalar(1),
          vReset: scalar(0),
        }),
      ],
      ["y", createOutput()],
    ]);
    fails(() => runFloat(g, {}, { dt: 1 }), /number of steps must be given/);
    // v = 0.75, 1.125 (spike → 0), 0.75, 1.125 …
    expect(col(runFloat(g, {}, { dt: 1, timesteps: 4 }))).toEqual([0, 1, 0, 1]);
  });

  it("falls back to graph.dt, else dt = 1 with a warning", () => {
    const g = lif();
    expect(createFloatRunner(g).warnings.join()).toMatch(/no dt given/);
    g.dt = 0.5;
    expect(createFloatRunner(g).dt).toBe(0.5);
    expect(createFloatRunner(g).warnings).toEqual([]);
  });

  it("Delay: τ/dt whole steps; an error when τ is not a multiple of dt", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([2])],
      ["d", createDelay(ndarray([2], [0, 2e-4]))],
      ["y", createOutput()],
    ]);
    const res = runFloat(g, { x: { shape: [4, 2], data: [1, 1, 2, 2, 3, 3, 4, 4] } }, { dt: 1e-4 });
    expect(res.outputs.get("y")!.map((a) => Array.from(a))).toEqual([
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 2],
    ]);
    fails(
      () => runFloat(g, { x: { shape: [1, 2], data: [0, 0] } }, { dt: 3e-4 }),
      /not a whole number of steps/,
    );
  });

  it("a bidirectional DiagonalSsm is UNSUPPORTED step by step", () => {
    const g = createGraph();
    const p = filled([1, 1], 0.5);
    chain(g, [
      ["x", createInput([1])],
      [
        "s",
        createDiagonalSsm({
          lambdaRe: filled([1, 1], -0.5),
          lambdaIm: p,
          bRe: p,
          bIm: p,
          cRe: p,
          cIm: p,
          d: filled([1], 0),
          logStep: filled([1], -1),
          bidirectional: true,
          cBackRe: p,
          cBackIm: p,
        }),
      ],
      ["y", createOutput()],
    ]);
    fails(() => createFloatRunner(g, { dt: 1 }), /bidirectional/, "UNSUPPORTED");
  });

  it("an invalid graph is rejected by validateGraph before anything runs", () => {
    const g = createGraph();
    chain(g, [
      ["x", createInput([3])],
      ["a", createLinear(ndarray([2, 4], new Array(8).fill(1)))],
      ["y", createOutput()],
    ]);
    fails(() => runFloat(g, {}, { dt: 1 }), /not a valid network/, "GRAPH_INVALID");
  });
});
