// The chip's projection run against the reference's, connectivity by connectivity: conv (groups, stride,
// padding, dilation, conv1d), dense, spikes and graded payloads, the BigInt path past 2^53, per-channel scales,
// stage lowered with non-finite payloads — equal `into` (bit for bit, −0 included) and equal tallies; the chip
// run's accumulator, shared by every projection of a datapath, is left zero after each delivery; projections
// with the same geometry and equal weights share one rearranged weight copy, and nothing else does.

import { describe, expect, it } from "vitest";
import {
  type Connectivity,
  createConv1d,
  createConv2d,
  createDense,
} from "../../compiler/nmir/connectivity.js";
import { createProjection } from "../../compiler/nmir/factories.js";
import type { Scale } from "../../compiler/nmir/types.js";
import { createProjectionRun } from "../reference/projection.js";
import { SourceHistory } from "../reference/schedule.js";
import { AccumulateCache, createChipProjectionRun } from "./projection.js";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Runs both on `steps` random frames (payloads from `value`) and compares every step. */
function same(
  conn: Connectivity,
  inSize: number,
  value: (r: () => number) => number,
  o: Partial<Check> = {},
) {
  const r = rng(o.seed ?? 1);
  const p = createProjection({
    id: "w",
    src: "x",
    dst: "y",
    connectivity: conn,
    weightBits: 8,
    scale: o.scale,
  });
  const hist = new SourceHistory(inSize, 1);
  const event = o.graded ? "graded" : "spike";
  const q = o.quantized ?? true;
  const ref = createProjectionRun(p, hist, event, 0, q);
  // longer than the destination, as the datapath's shared one is for all but its largest population
  const shared = new Float64Array(conn.kind === "dense" ? conn.outSize : 1024);
  const chip = createChipProjectionRun(p, hist, event, 0, q, shared);
  for (let t = 0; t < 4; t++) {
    const f = hist.slot(t);
    for (let i = 0; i < inSize; i++) {
      const v = r() < 0.3 ? value(r) : 0;
      f.values[i] = v;
      if (v !== 0) {
        f.idx[f.count++] = i;
        f.maxAbs = Math.max(f.maxAbs, Math.abs(v));
      }
    }
    const a = new Float64Array(ref.fan.outSize);
    const b = new Float64Array(ref.fan.outSize);
    ref.deliver(t, a);
    chip.deliver(t, b);
    // Object.is: −0 and +0 differ, NaN equals NaN
    for (let j = 0; j < a.length; j++) expect([t, j, Object.is(a[j], b[j])]).toEqual([t, j, true]);
    expect(shared.findIndex((x) => x !== 0)).toBe(-1);
  }
  expect(chip.tally).toEqual(ref.tally);
}

interface Check {
  seed: number;
  scale: Scale;
  graded: boolean;
  quantized: boolean;
}

const weights = (n: number, seed: number, zeros = 0.2) => {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => (r() < zeros ? 0 : Math.floor(r() * 255) - 127));
};
const spike = () => 1;
const graded = (r: () => number) => Math.floor(r() * 2001) - 1000;

describe("chip projection run equals the reference's", () => {
  const conv = createConv2d({
    inShape: [4, 7, 6],
    kernel: [6, 2, 3, 2],
    groups: 2,
    stride: [2, 1],
    padding: [1, 0],
    dilation: [1, 2],
    weights: weights(6 * 2 * 3 * 2, 3),
  });
  const conv1 = createConv1d({
    inShape: [3, 9],
    kernel: [5, 3, 3],
    padding: 2,
    stride: 2,
    weights: weights(45, 4),
  });
  const dense = createDense({ inSize: 10, outSize: 7, weights: weights(70, 5) });
  const cases: [string, Connectivity, number][] = [
    ["conv2d (groups, stride, padding, dilation)", conv, 4 * 7 * 6],
    ["conv1d", conv1, 27],
    ["dense", dense, 10],
  ];
  for (const [name, c, n] of cases) {
    it(`${name}: spikes, graded, per-channel scale`, () => {
      same(c, n, spike);
      same(c, n, graded, { graded: true, seed: 2 });
      const channels = c.kind === "dense" ? 7 : c.kind === "conv1d" ? 5 : 6;
      const exps = Int32Array.from({ length: channels }, (_, k) => (k % 3) - 1);
      same(c, n, graded, { graded: true, seed: 3, scale: { kind: "perChannel", exps } });
    });
    it(`${name}: payloads past 2^53 take the exact path and saturate alike`, () => {
      same(c, n, (r) => (r() < 0.5 ? -1 : 1) * 2 ** 50 * (1 + Math.floor(r() * 7)), {
        graded: true,
        seed: 4,
      });
    });
    it(`${name}: stage lowered, fractional and non-finite payloads`, () => {
      const odd = [Infinity, -Infinity, Number.NaN, 0.1, -2.5e-300];
      same(c, n, (r) => (r() < 0.2 ? odd[Math.floor(r() * odd.length)]! : r() - 0.5), {
        graded: true,
        quantized: false,
        seed: 5,
      });
    });
  }
});

describe("accumulates shared within a load", () => {
  const dense = (w: Int32Array, inSize = 10) =>
    createDense({ inSize, outSize: w.length / inSize, weights: w });
  it("equal weights and geometry share one copy; other weights, geometry or kind get their own", () => {
    const cache = new AccumulateCache();
    const w = weights(70, 5);
    const a = cache.get(dense(w));
    expect(cache.get(dense(w))).toBe(a);
    expect(cache.get(dense(Int32Array.from(w)))).toBe(a);
    const w2 = Int32Array.from(w);
    w2[69] = w2[69]! + 1;
    expect(cache.get(dense(w2))).not.toBe(a);
    expect(cache.get(dense(w, 7))).not.toBe(a);
    expect(cache.get(dense(Float32Array.from(w) as unknown as Int32Array))).not.toBe(a);
    const conv = (ww: Int32Array) =>
      createConv1d({ inShape: [3, 9], kernel: [5, 3, 3], padding: 2, stride: 2, weights: ww });
    const cw = weights(45, 4);
    expect(cache.get(conv(Int32Array.from(cw)))).toBe(cache.get(conv(cw)));
  });
  it("a projection sharing another's copy delivers as the reference does", () => {
    const cache = new AccumulateCache();
    const w = weights(70, 5);
    const mk = (id: string, ww: Int32Array) =>
      createProjection({ id, src: "x", dst: "y", connectivity: dense(ww), weightBits: 8 });
    const hist = new SourceHistory(10, 1);
    const first = createChipProjectionRun(mk("p", w), hist, "spike", 0, true, undefined, cache);
    const second = createChipProjectionRun(
      mk("q", Int32Array.from(w)),
      hist,
      "spike",
      0,
      true,
      undefined,
      cache,
    );
    const ref = createProjectionRun(mk("q", w), hist, "spike", 0, true);
    const f = hist.slot(0);
    for (const i of [0, 3, 4, 9]) {
      f.values[i] = 1;
      f.idx[f.count++] = i;
    }
    f.maxAbs = 1;
    const [a, b, c] = [new Float64Array(7), new Float64Array(7), new Float64Array(7)];
    first.deliver(0, a);
    second.deliver(0, b);
    ref.deliver(0, c);
    expect([...b]).toEqual([...c]);
    expect([...a]).toEqual([...c]);
  });
});
