import { describe, expect, it } from "vitest";
import { atChanceReason, dominates, type Objective, paretoIndices, sweepFront } from "./pareto.js";
import type { PointResult } from "./result.js";

type P = { e: number; l: number; a: number };
const objs: Objective<P>[] = [
  { name: "energy", sense: "min", value: (p) => p.e },
  { name: "latency", sense: "min", value: (p) => p.l },
  { name: "accuracy", sense: "max", value: (p) => p.a },
];

describe("paretoIndices", () => {
  it("keeps exactly the non-dominated points of a hand case", () => {
    const pts: P[] = [
      { e: 1, l: 5, a: 0.9 }, // front: cheapest energy
      { e: 2, l: 2, a: 0.9 }, // front: trades energy for latency
      { e: 3, l: 3, a: 0.9 }, // dominated by #1
      { e: 5, l: 5, a: 0.99 }, // front: best accuracy
      { e: 1, l: 5, a: 0.8 }, // dominated by #0 (same e, l; lower accuracy)
      { e: 2, l: 2, a: 0.9 }, // equal to #1: neither dominates, both stay
    ];
    expect(paretoIndices(pts, objs)).toEqual([0, 1, 3, 5]);
  });

  it("dominance needs one strict improvement", () => {
    const a = { e: 1, l: 1, a: 1 };
    expect(dominates(a, { ...a }, objs)).toBe(false);
    expect(dominates(a, { ...a, a: 0.5 }, objs)).toBe(true);
    expect(dominates({ ...a, e: 0.5, l: 2 }, a, objs)).toBe(false);
  });

  it("single objective: the best value(s) only", () => {
    const pts = [
      { e: 3, l: 0, a: 0 },
      { e: 1, l: 0, a: 0 },
      { e: 2, l: 0, a: 0 },
    ];
    expect(paretoIndices(pts, [objs[0]!])).toEqual([1]);
  });
});

const point = (key: string, over: Partial<PointResult>): PointResult => ({
  grid: "g",
  index: 0,
  gridSize: 4,
  key,
  profile: "p",
  maxCores: null,
  weightBits: 8,
  stateBits: 16,
  timesteps: 4,
  samples: 2,
  fits: true,
  ...over,
});

describe("sweepFront", () => {
  it("uses theoretical energy and accuracy when no chip figures exist, and lists misfits with reasons", () => {
    const rs = [
      point("a", { energy: { theoreticalJ: 1e-9, chipJ: null }, accuracy: 0.9 }),
      point("b", { energy: { theoreticalJ: 2e-9, chipJ: null }, accuracy: 0.95 }),
      point("c", { energy: { theoreticalJ: 3e-9, chipJ: null }, accuracy: 0.9 }),
      point("d", { fits: false, reason: "cores needs 9, available 8" }),
    ];
    const f = sweepFront(rs);
    expect(f.objectives).toEqual(["energy (theoretical)", "accuracy"]);
    expect(f.unmeasured).toEqual(["energy (chip)", "latency"]);
    expect(f.front.map((r) => r.key)).toEqual(["a", "b"]);
    expect(f.excluded).toEqual([{ key: "d", reason: "cores needs 9, available 8" }]);
  });

  it("prefers chip energy and uses latency when every fitting point has them", () => {
    const rs = [
      point("a", { energy: { theoreticalJ: 1, chipJ: 5 }, latency: { perSampleS: 1, perTimestepS: 0.1 } }),
      point("b", { energy: { theoreticalJ: 2, chipJ: 4 }, latency: { perSampleS: 2, perTimestepS: 0.2 } }),
      point("c", { energy: { theoreticalJ: 3, chipJ: 6 }, latency: { perSampleS: 3, perTimestepS: 0.3 } }),
    ];
    const f = sweepFront(rs);
    expect(f.objectives).toEqual(["energy (chip)", "latency"]);
    expect(f.front.map((r) => r.key)).toEqual(["a", "b"]);
  });

  it("leaves a dead configuration (accuracy at chance) off the front even when it is the cheapest", () => {
    // the README demo's 2-bit point: 10.9 % on 64 digits whose most frequent label is 14.1 %
    const chip = (e: number, l: number) => ({
      energy: { theoreticalJ: e, chipJ: e },
      latency: { perSampleS: l, perTimestepS: l / 28 },
      samples: 64,
      chanceAccuracy: 9 / 64,
    });
    const rs = [
      point("w2", { ...chip(27.5e-6, 243e-6), accuracy: 7 / 64 }),
      point("w3", { ...chip(63.9e-6, 571e-6), accuracy: 51 / 64 }),
      point("w8", { ...chip(215e-6, 1.92e-3), accuracy: 63 / 64 }),
    ];
    const f = sweepFront(rs);
    expect(f.front.map((r) => r.key)).toEqual(["w3", "w8"]);
    expect(f.atChance.map((x) => x.key)).toEqual(["w2"]);
    expect(f.atChance[0]?.reason).toMatch(/accuracy 10\.9 % is not above chance \(14\.1 %.*64 samples/);
  });
});

describe("atChanceReason", () => {
  const p = (accuracy: number, chanceAccuracy: number, samples: number) =>
    point("x", { accuracy, chanceAccuracy, samples });
  it("calls a point dead only when it is within 2.33 binomial standard errors of chance", () => {
    // chance 0.1 over 100 samples: se 0.03, so the line is at 0.1699
    expect(atChanceReason(p(0.16, 0.1, 100))).toBeDefined();
    expect(atChanceReason(p(0.18, 0.1, 100))).toBeUndefined();
    expect(atChanceReason(p(0.05, 0.1, 100))).toBeDefined();
  });
  it("says nothing without labels or a chance level", () => {
    expect(atChanceReason(point("x", { accuracy: null }))).toBeUndefined();
    expect(atChanceReason(point("x", { accuracy: 0.1 }))).toBeUndefined();
  });
});
