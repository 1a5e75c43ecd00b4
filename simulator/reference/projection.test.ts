// Projection semantics by hand: per-channel exponents (negative ones round toward zero), int32 accumulator and
// contribution saturation, port-sum saturation, exact accumulation past 2^53, delays, dynamic matmuls.

import { describe, expect, it } from "vitest";
import type { Connectivity } from "../../compiler/nmir/connectivity.js";
import { createConv1d, createOneToOne } from "../../compiler/nmir/connectivity.js";
import {
  createDynamicMatmul,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  gradedEvent,
} from "../../compiler/nmir/factories.js";
import { createLinear, createThreshold } from "../../compiler/nmir/neuron-factories.js";
import type { EventKind, Scale } from "../../compiler/nmir/types.js";
import { runReference } from "./run.js";
import { dense, seq } from "./test-helpers.js";

/** input "x" (n) → conn → linear "p" (identity, 32-bit) → output "y". */
function through(
  conn: Connectivity,
  n: number,
  o: { scale?: Scale; event?: EventKind; delay?: number } = {},
) {
  const out =
    conn.kind === "conv1d" ? conn.outShape[0] * conn.outShape[1] : conn.kind === "dense" ? conn.outSize : n;
  return createModule({
    name: "through",
    stage: "quantized",
    inputs: [createInput("x", [n], o.event ?? gradedEvent(32))],
    populations: [createPopulation({ id: "p", shape: [out], model: createLinear({ outBits: 32 }) })],
    projections: [
      createProjection({
        id: "w",
        src: "x",
        dst: "p",
        connectivity: conn,
        weightBits: 32,
        ...(o.scale ? { scale: o.scale } : {}),
        ...(o.delay ? { delay: o.delay } : {}),
      }),
    ],
    outputs: [createOutput("y", "p")],
  });
}

const ys = (r: ReturnType<typeof runReference>) => r.outputs.get("y")!.map((a) => [...a]);

describe("projection contributions", () => {
  it("per-channel exponents; negative exponents round toward zero", () => {
    const ir = through(
      dense([
        [1, 0],
        [1, 1],
        [-1, -2],
      ]),
      2,
      {
        scale: { kind: "perChannel", exps: Int32Array.of(-1, -2, 1) },
        event: gradedEvent(16),
      },
    );
    const r = runReference(ir, {
      x: seq([
        [-3, 5],
        [3, 0],
      ]),
    });
    // acc = [-3, 2, -7] → [trunc(-1.5), trunc(0.5), -14]; acc = [3, 3, -3] → [1, 0, -6]
    expect(ys(r)).toEqual([
      [-1, 0, -14],
      [1, 0, -6],
    ]);
  });

  it("per-channel exponents of a conv apply per output channel", () => {
    const conv = createConv1d({ inShape: [1, 3], kernel: [2, 1, 1], weights: Int32Array.of(3, -3) });
    const ir = through(conv, 3, { scale: { kind: "perChannel", exps: Int32Array.of(-1, 0) } });
    expect(ys(runReference(ir, { x: seq([[1, 2, 3]]) }))).toEqual([[1, 3, 4, -3, -6, -9]]);
  });

  it("saturates the int32 accumulator and the scaled contribution, counted on the projection", () => {
    const big = 2 ** 31 - 1;
    const ir = through(dense([[big, big]]), 2, {
      scale: { kind: "perProjection", exp: 1 },
      event: { kind: "spike" },
    });
    const r = runReference(ir, {
      x: seq([
        [1, 1],
        [1, 0],
      ]),
    });
    expect(ys(r)).toEqual([[big], [big]]);
    expect(r.counts.perProjection[0]!.saturations).toBe(3); // acc + contribution, then contribution
    expect(r.warnings.join()).toMatch(/projection "w" saturated 3 times/);
  });

  it("saturates the port sum of several projections once, counted on the population", () => {
    const ir = through(createOneToOne({ size: 1, weights: Int32Array.of(1) }), 1);
    ir.projections.push({ ...ir.projections[0]!, id: "w2" });
    const r = runReference(ir, { x: seq([[2 ** 31 - 1]]) });
    expect(ys(r)).toEqual([[2 ** 31 - 1]]);
    expect(r.counts.perPopulation[0]!.saturations).toBe(1);
    expect(r.counts.perProjection.map((p) => p.saturations)).toEqual([0, 0]);
  });

  it("accumulates exactly past 2^53: (2^27+1)(2^27−1) − 2^27·2^27 = −1", () => {
    const ir = through(dense([[2 ** 27 - 1, -(2 ** 27)]]), 2);
    expect(ys(runReference(ir, { x: seq([[2 ** 27 + 1, 2 ** 27]]) }))).toEqual([[-1]]);
  });

  it("delay d reads the source d steps back, in both modes when d ≥ 1", () => {
    const ir = createModule({
      name: "delay",
      stage: "quantized",
      inputs: [createInput("x", [1])],
      populations: [createPopulation({ id: "p", shape: [1], model: createThreshold({ vth: 0 }) })],
      projections: [
        createProjection({
          id: "w",
          src: "x",
          dst: "p",
          connectivity: createOneToOne({ size: 1, weights: Int32Array.of(1) }),
          weightBits: 2,
          delay: 2,
        }),
      ],
      outputs: [createOutput("y", "p")],
    });
    const x = seq([[1], [0], [1], [1], [0], [0]]);
    for (const mode of ["layer-sync", "pipelined"] as const) {
      expect(ys(runReference(ir, { x }, { mode })).flat()).toEqual([0, 0, 1, 0, 1, 1]);
    }
    ir.projections[0]!.delay = 0;
    expect(ys(runReference(ir, { x }, { mode: "layer-sync" })).flat()).toEqual([1, 0, 1, 1, 0, 0]);
    expect(ys(runReference(ir, { x }, { mode: "pipelined" })).flat()).toEqual([0, 1, 0, 1, 1, 0]);
  });
});

describe("dynamic matmul", () => {
  const mm = (a: number[], b: number[], o: Parameters<typeof createDynamicMatmul>[0], ev: EventKind[]) =>
    createModule({
      name: "mm",
      stage: "quantized",
      inputs: [createInput("a", [a.length], ev[0]), createInput("b", [b.length], ev[1])],
      dynamicMatmuls: [createDynamicMatmul(o)],
      outputs: [createOutput("y", o.id)],
    });

  it("A·B is exact past 2^53 and shifted toward zero", () => {
    const g = [gradedEvent(32), gradedEvent(32)];
    const ir = mm([0, 0], [0, 0], { id: "q", a: "a", b: "b", m: 1, k: 2, n: 1, outBits: 32 }, g);
    const r = runReference(ir, { a: seq([[2 ** 27 + 1, 2 ** 27]]), b: seq([[2 ** 27 - 1, -(2 ** 27)]]) });
    expect(ys(r)).toEqual([[-1]]);
    expect(r.counts.perMatmul[0]).toMatchObject({ ac: 0, mac: 2, dense: 2, gradedEvents: 1 });
    const one = mm([0], [0], { id: "q", a: "a", b: "b", m: 1, k: 1, n: 1, shift: 30, outBits: 32 }, g);
    expect(ys(runReference(one, { a: seq([[2 ** 27 + 1]]), b: seq([[2 ** 27 - 1]]) }))).toEqual([
      [2 ** 24 - 1],
    ]);
  });

  it("transposeB, spikes as 1, ACs when an operand spikes; pipelined reads the previous step", () => {
    const ev = [{ kind: "spike" } as const, gradedEvent(8)];
    const o = { id: "q", a: "a", b: "b", m: 2, k: 2, n: 2, transposeB: true, shift: 1, outBits: 8 };
    const ir = mm([0, 0, 0, 0], [0, 0, 0, 0], o, ev);
    const inputs = {
      a: seq([
        [1, 0, 1, 1],
        [0, 0, 0, 0],
      ]),
      b: seq([
        [2, 3, 4, 5],
        [0, 0, 0, 0],
      ]),
    };
    // B = [[2,3],[4,5]]ᵀ = [[2,4],[3,5]]; A·B = [[2,4],[5,9]]; >> 1 toward zero = [[1,2],[2,4]]
    const r = runReference(ir, inputs);
    expect(ys(r)).toEqual([
      [1, 2, 2, 4],
      [0, 0, 0, 0],
    ]);
    expect(r.counts.perMatmul[0]).toMatchObject({ ac: 6, mac: 0, dense: 16 });
    expect(r.counts.totals).toMatchObject({ ac: 0, matmulAc: 6, matmulDense: 16 });
    expect(ys(runReference(ir, inputs, { mode: "pipelined" }))).toEqual([
      [0, 0, 0, 0],
      [1, 2, 2, 4],
    ]);
  });
});
