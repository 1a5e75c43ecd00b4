// The SIMD kernels against the scalar loop they replace, acc[k] += w[k]·x: every weight width, with and without
// the multiply, runs of any length (the 16-byte turns and the element tail), accumulators and weights starting
// anywhere (no alignment), and the memory around each run left untouched. Then the arena: widths chosen by the
// weights' range, the int32 frame check's bounds, and views made afresh after the memory grows.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INT_EXACT, intFrame, intWidthOf, SimdArena } from "./simd-arena.js";
import type { WeightWidth } from "./simd-kernels.js";

const arena = SimdArena.create();

describe("SIMD accumulate kernels", () => {
  it("this runtime has WebAssembly SIMD (else the chip runs the float64 loop only)", () => {
    expect(arena).toBeDefined();
  });

  const limit: Record<WeightWidth, number> = { 1: 127, 2: 32767, 4: 2 ** 20 };
  for (const width of [1, 2, 4] as const)
    for (const mul of [false, true])
      it(`${mul ? "mul" : "add"}${width}: acc[k] += w[k]${mul ? "·x" : ""} on any run, nothing else written`, () => {
        const a = SimdArena.create()!;
        const accR = a.alloc(200, 4)!;
        const wR = a.alloc(200, width)!;
        const kernel = (mul ? a.kernels.mul : a.kernels.add)[width];
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: 100 }),
            fc.integer({ min: 0, max: 60 }),
            fc.integer({ min: 0, max: 60 }),
            fc.integer({ min: -1000, max: 1000 }),
            fc.integer(),
            (n, accAt, wAt, x, seed) => {
              const acc = a.view(accR) as Int32Array;
              const w = a.view(wR);
              let s = seed >>> 0;
              const next = () => {
                s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
                return s;
              };
              for (let k = 0; k < acc.length; k++) acc[k] = (next() % 2001) - 1000;
              for (let k = 0; k < w.length; k++) w[k] = (next() % (2 * limit[width] + 1)) - limit[width];
              const want = Int32Array.from(acc);
              for (let k = 0; k < n; k++) want[accAt + k] = want[accAt + k]! + w[wAt + k]! * (mul ? x : 1);
              kernel(accR.ptr + 4 * accAt, wR.ptr + width * wAt, n, x);
              expect(Array.from(acc)).toEqual(Array.from(want));
            },
          ),
          { numRuns: 300 },
        );
      });
});

describe("SIMD arena", () => {
  it("stores weights at the narrowest integer width; non-integers stay out", () => {
    expect(intWidthOf([127, -128, 0])).toBe(1);
    expect(intWidthOf([128])).toBe(2);
    expect(intWidthOf([-129])).toBe(2);
    expect(intWidthOf([-32768, 32767])).toBe(2);
    expect(intWidthOf([32768])).toBe(4);
    expect(intWidthOf([2 ** 31 - 1, -(2 ** 31)])).toBe(4);
    expect(intWidthOf([2 ** 31])).toBeUndefined();
    expect(intWidthOf([0.5])).toBeUndefined();
    expect(intWidthOf([Number.NaN])).toBeUndefined();
    expect(intWidthOf([Infinity])).toBeUndefined();
    expect(intWidthOf([-0, 3])).toBe(1);
  });

  it("takes a frame in int32 only when every partial sum is bounded below 2^31 and every value is an integer", () => {
    const values = new Float64Array([0, 3, -2, 0.5, Number.NaN, 2 ** 31, -0]);
    const frame = (events: number[], maxAbs: number, l1: number) =>
      intFrame(Int32Array.from(events), events.length, values, maxAbs, l1);
    expect(frame([1, 2], 3, INT_EXACT / 3 - 1)).toBe(true);
    expect(frame([1, 2], 3, INT_EXACT / 3)).toBe(false);
    expect(frame([1, 3], 3, 10)).toBe(false);
    expect(frame([4], Number.NaN, 10)).toBe(false);
    expect(frame([5], 2 ** 31, 0)).toBe(false);
    expect(frame([6, 1], 3, 10)).toBe(true);
    expect(frame([], 0, 10)).toBe(true);
  });

  it("views made after the memory grew see what was written before it", () => {
    const a = SimdArena.create()!;
    const r = a.alloc(10, 2)!;
    a.view(r).set([1, -2, 3, 32767, -32768]);
    a.wantScratch(5_000_000);
    const s = a.scratch()!;
    expect(s.acc.length).toBe(5_000_000);
    expect(s.ptr % 64).toBe(0);
    expect(Array.from(a.view(r).subarray(0, 5))).toEqual([1, -2, 3, 32767, -32768]);
    a.wantScratch(6_000_000);
    const t = a.scratch()!;
    expect(t.acc.length).toBe(6_000_000);
    expect(t.acc.every((v) => v === 0)).toBe(true);
    expect(a.scratch()!.acc).toBe(t.acc);
  });
});
