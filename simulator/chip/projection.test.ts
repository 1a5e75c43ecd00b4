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
import { AccumulateCache } from "./accumulate.js";
import { createChipProjectionRun } from "./projection.js";

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
  const cache = new AccumulateCache({ simd: o.simd ?? true });
  const chip = createChipProjectionRun(p, hist, event, 0, q, shared, cache);
  // integer weights go to the arena when SIMD is on: the int32 path is then taken by every frame it can take
  if (conn.kind === "dense" || conn.kind === "conv1d" || conn.kind === "conv2d")
    expect(cache.get(conn).int).toBe((o.simd ?? true) && conn.weights instanceof Int32Array);
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
    expect(cache.arena?.scratch()?.acc.findIndex((x) => x !== 0) ?? -1).toBe(-1);
  }
  expect(chip.tally).toEqual(ref.tally);
}

interface Check {
  seed: number;
  scale: Scale;
  graded: boolean;
  quantized: boolean;
  /** false: the float64 loop only (no arena) */
  simd: boolean;
}

const weights = (n: number, seed: number, zeros = 0.2, max = 127) => {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => (r() < zeros ? 0 : Math.floor(r() * (2 * max + 1)) - max));
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

describe("SIMD int32 path and float64 path, runs of every length, weights of every width", () => {
  // output channels in runs of 40 and 20 (grouped) and 37 dense outputs: the kernels' 16-, 8- and 4-element
  // turns and their tails; weights in int8, int16 and int32 ranges. Graded payloads of ±1000 against int32-range
  // weights bound the sums past 2^31: those frames take the float64 path, spikes the int32 one.
  const widths: [string, number][] = [
    ["int8", 127],
    ["int16", 20_000],
    ["int32", 2 ** 20],
  ];
  for (const [wName, max] of widths) {
    const wide = createConv2d({
      inShape: [3, 5, 5],
      kernel: [40, 3, 3, 3],
      padding: [1, 1],
      weights: weights(40 * 27, 6, 0.2, max),
    });
    const grouped = createConv2d({
      inShape: [4, 4, 5],
      kernel: [40, 2, 2, 3],
      groups: 2,
      stride: [1, 2],
      weights: weights(40 * 12, 7, 0.2, max),
    });
    const dense = createDense({ inSize: 9, outSize: 37, weights: weights(9 * 37, 8, 0.2, max) });
    const cases: [string, Connectivity, number][] = [
      ["conv2d, 40 channels", wide, 75],
      ["conv2d, 2 groups of 20", grouped, 80],
      ["dense, 37 outputs", dense, 9],
    ];
    for (const [name, c, n] of cases)
      for (const simd of [true, false])
        it(`${wName} ${name}, ${simd ? "SIMD" : "float64 only"}: spikes, graded, per-channel scale`, () => {
          same(c, n, spike, { simd });
          same(c, n, graded, { graded: true, seed: 2, simd });
          const channels = c.kind === "dense" ? 37 : 40;
          const exps = Int32Array.from({ length: channels }, (_, k) => (k % 3) - 1);
          same(c, n, graded, { graded: true, seed: 3, scale: { kind: "perChannel", exps }, simd });
          same(c, n, (r) => (r() < 0.5 ? -1 : 1) * 2 ** 40, { graded: true, seed: 4, simd });
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
