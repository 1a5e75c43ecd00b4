// Random small bidirectional S4D networks for tests (never imported by the library): stacked two-sided SSMs
// with a skip around them, and a seeded generator so fast-check's integers make reproducible weights.

import { createGraph } from "../graph/graph.js";
import { createDiagonalSsm, createInput, createOutput } from "../graph/nodes.js";

const arr = (shape: number[], v: ArrayLike<number>) => ({ shape, data: Float64Array.from(v) });

/** u [h] → stacked bidirectional SSMs (random, h channels, m modes) with a skip around each → y. */
export function randomBidirectionalGraph(h: number, m: number, rnd: () => number, layers: number) {
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

export const mulberry = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
