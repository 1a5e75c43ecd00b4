// The bidirectional S4D's three-phase schedule: at stage lowered, run phase by phase through the reference
// interpreter, it equals the float reference's whole-clip run (S4's two-sided kernel), skips included.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runFloat } from "../../simulator/float/index.js";
import { runReferencePhased } from "../../simulator/reference/phased.js";
import { createGraph } from "../graph/graph.js";
import { createDiagonalSsm, createInput, createOutput } from "../graph/nodes.js";
import { phasePlan } from "../nmir/phases.js";
import { compile } from "./pipeline.js";

const arr = (shape: number[], v: ArrayLike<number>) => ({ shape, data: Float64Array.from(v) });

/** u [h] → stacked bidirectional SSMs (random, h channels, m modes) with a skip around each → y. */
function randomGraph(h: number, m: number, rnd: () => number, layers: number) {
  const g = createGraph({ dt: 1 });
  g.nodes.set("u", createInput([h]));
  let prev = "u";
  for (let l = 0; l < layers; l++) {
    const r = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + (hi - lo) * rnd());
    g.nodes.set(
      `s${l}`,
      createDiagonalSsm({
        lambdaRe: arr([h, m], r(h * m, -1, -0.1)),
        lambdaIm: arr([h, m], r(h * m, -3, 3)),
        bRe: arr([h, m], r(h * m, -1, 1)),
        bIm: arr([h, m], r(h * m, -1, 1)),
        cRe: arr([h, m], r(h * m, -1, 1)),
        cIm: arr([h, m], r(h * m, -1, 1)),
        cBackRe: arr([h, m], r(h * m, -1, 1)),
        cBackIm: arr([h, m], r(h * m, -1, 1)),
        d: arr([h], r(h, -1, 1)),
        logStep: arr([h], r(h, -3, -0.5)),
        discretization: rnd() < 0.5 ? "zoh" : "bilinear",
        bidirectional: true,
      }),
    );
    g.edges.push({ src: prev, dst: `s${l}` });
    prev = `s${l}`;
  }
  g.nodes.set("y", createOutput());
  g.edges.push({ src: prev, dst: "y" }, { src: "u", dst: "y" }); // y = SSMs(u) + u: a skip over every phase
  return g;
}

const mulberry = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe("bidirectional DiagonalSsm as three phases", () => {
  it("lowered and run phase by phase = the float whole-clip run (random instances, 1–2 layers, skip)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer(),
        (h, m, T, layers, seed) => {
          const rnd = mulberry(seed);
          const g = randomGraph(h, m, rnd, layers);
          const x = Array.from({ length: T * h }, () => rnd() * 2 - 1);
          const want = runFloat(g, { u: { shape: [T, h], data: x } }, { sequence: "whole" }).outputs.get(
            "y",
          )!;
          const { ir } = compile(g, { stopAfter: "lowerToNmir", bidirectional: "phases" });
          expect(phasePlan(ir).phases).toBe(1 + 2 * layers);
          const got = runReferencePhased(ir, { u: { shape: [T, h], data: x } });
          expect(got.counts.totals.steps).toBe(T * (1 + 2 * layers));
          const y = got.outputsScaled.get("y")!;
          expect(y.length).toBe(T);
          for (let t = 0; t < T; t++)
            for (let c = 0; c < h; c++) expect(Math.abs(y[t]![c]! - want[t]![c]!)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 40, seed: 15 },
    );
  });
});
