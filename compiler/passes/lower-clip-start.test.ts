// lowerToNmir's clip start on random graphs where paths of different look-ahead join (sums into a port,
// Concat, Product) and constants sit everywhere: "free" (no gates) equals the float reference streamed with
// clipStart "free" on every step, "gate" equals the default stream wherever the lowering raises no warning,
// and "auto" picks by the profile's product neurons.

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import {
  addNode,
  connect,
  createActivation,
  createAffine,
  createBatchNorm,
  createConcat,
  createDelay,
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
} from "../graph/index.js";
import { resolveClipStart } from "./lower/clip-start.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { compareLowered, rng, WEIGHT_TOL } from "./testing.js";

const W = 3; // channels everywhere

/** Nine random nodes over earlier ones (as simulator/float/stream.test.ts), all of them lowerable. */
function randomGraph(seed: number): NetGraph {
  const r = rng(seed);
  const v = (n: number, s = 1) => Float64Array.from({ length: n }, () => s * (2 * r() - 1));
  const g = createGraph({ dt: 1 });
  const ids: string[] = ["x"];
  addNode(g, "x", createInput([W]));
  const pick = () => ids[Math.floor(r() * ids.length)]!;
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
    const kind = Math.floor(r() * 7);
    if (kind <= 1) {
      const k = 1 + Math.floor(r() * 3);
      const node = createTemporalConv({
        weight: ndarray([W, W, k], v(W * W * k)),
        bias: ndarray([W], v(W)),
        lookahead: Math.floor(r() * k),
      });
      add(id, node, r() < 0.5 ? two() : [[pick()]]);
    } else if (kind === 2) {
      const variance = ndarray(
        [W],
        Float64Array.from(v(W), (x) => 1 + x * x),
      );
      const bn = createBatchNorm({
        mean: ndarray([W], v(W)),
        variance,
        gamma: ndarray([W], v(W)),
        beta: ndarray([W], v(W)),
      });
      add(id, bn, [[pick()]]);
    } else if (kind === 3) {
      // a leak toward 0.1 keeps the neuron busy before its frame 0: "free" must run it from step 0 too
      const vLeak = scalar(r() < 0.3 ? 0.1 : 0);
      add(
        id,
        createLIF({ tau: scalar(2), r: scalar(1), vLeak, vThreshold: scalar(0.4), vReset: scalar(0) }),
        [[pick()]],
      );
    } else if (kind === 4) {
      addNode(g, `${id}.cat`, createConcat(2, 0));
      connect(g, pick(), `${id}.cat`, { dstPort: "in0" });
      connect(g, pick(), `${id}.cat`, { dstPort: "in1" });
      add(id, createAffine(ndarray([W, 2 * W], v(2 * W * W)), ndarray([W], v(W))), [[`${id}.cat`]]);
    } else if (kind === 5) {
      add(
        id,
        createDelay(
          ndarray(
            [W],
            Float64Array.from({ length: W }, () => Math.floor(r() * 3)),
          ),
        ),
        [[pick()]],
      );
    } else if (r() < 0.5) {
      add(id, createProduct(), [
        [pick(), "a"],
        [pick(), "b"],
      ]);
    } else add(id, createActivation("relu"), two());
  }
  addNode(g, "y", createOutput());
  for (const [src] of [["n8"], ...two()].filter(([s], i, all) => all.findIndex(([t]) => t === s) === i))
    connect(g, src!, "y");
  return g;
}

/** Largest |a − b| / (1 + |a|) over every output, so float32 weights on large values stay within tolerance. */
function relDiff(a: Map<string, Float64Array[]>, b: Map<string, Float64Array[]>): number {
  let m = 0;
  for (const [id, xs] of a)
    xs.forEach((x, t) => {
      const y = b.get(id)?.[t];
      if (!y) m = Number.POSITIVE_INFINITY;
      else
        for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(x[i]!)));
    });
  return m;
}

describe("clip start on random graphs with joining look-ahead paths", () => {
  it("free: no gates, every step equals the float stream with clipStart free; gate: equal where no warning", () => {
    const T = 14;
    let ungated = 0;
    let differ = 0;
    let gateCompared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const g = randomGraph(seed);
      const r = rng(500 + seed);
      const x = { shape: [T, W], data: Float64Array.from({ length: T * W }, () => 2 * r() - 1) };
      const lifs = [...g.nodes].filter(([, n]) => n.kind === "LIF").map(([id]) => id);
      const free = compareLowered(g, { x }, { dt: 1, clipStart: "free", record: lifs });
      const { ir, diagnostics } = free.compiled;
      expect(
        ir.populations.some((p) => p.id.endsWith(".gate")),
        `seed ${seed}`,
      ).toBe(false);
      expect(relDiff(free.float.outputs, free.lowered.outputs), `seed ${seed}`).toBeLessThanOrEqual(
        10 * WEIGHT_TOL,
      );
      for (const id of lifs) expect(free.recordDiff.get(id), `seed ${seed} ${id}`).toBe(0);
      expect(
        diagnostics.filter((d) => d.level === "warning"),
        `seed ${seed}`,
      ).toEqual([]);
      const gate = compareLowered(g, { x }, { dt: 1, clipStart: "gate", record: lifs });
      const gated = gate.compiled.ir.populations.filter((p) => p.id.endsWith(".gate")).length;
      if (gated > 0) {
        ungated++;
        expect(ir.metadata.clipStart).toBe("free");
        expect(gate.compiled.ir.metadata.clipStart).toBe("gate");
        expect(diagnostics.some((d) => d.message.startsWith('clip start "free" (clipStart "free")'))).toBe(
          true,
        );
        if (relDiff(free.float.outputs, gate.float.outputs) > 1e-6) differ++;
      }
      if (gate.compiled.diagnostics.every((d) => d.level !== "warning")) {
        expect(relDiff(gate.float.outputs, gate.lowered.outputs), `seed ${seed}`).toBeLessThanOrEqual(
          10 * WEIGHT_TOL,
        );
        gateCompared++;
      }
    }
    expect(ungated).toBeGreaterThan(10); // graphs where "free" really drops gates
    expect(differ).toBeGreaterThan(5); // and the partial sums then reach an output
    expect(gateCompared).toBeGreaterThan(10);
  });
});

describe("clipStart auto", () => {
  const auto = (profile?: string): QuantCompileOptions => (profile ? { profile: loadProfile(profile) } : {});
  it("is free for profiles without product neurons, gate otherwise; an explicit choice wins", () => {
    for (const p of ["loihi", "speck", "truenorth", "xylo"])
      expect(resolveClipStart(auto(p)).mode, p).toBe("free");
    for (const p of ["loihi2", "generic-45nm", "spinnaker2"])
      expect(resolveClipStart(auto(p)).mode, p).toBe("gate");
    expect(resolveClipStart(auto()).mode).toBe("gate");
    expect(resolveClipStart({ ...auto("loihi"), clipStart: "gate" }).mode).toBe("gate");
    expect(resolveClipStart({ ...auto("loihi2"), clipStart: "free" }).mode).toBe("free");
    expect(resolveClipStart(auto("loihi")).why).toMatch(/profile "loihi" has no product neurons/);
  });
});
