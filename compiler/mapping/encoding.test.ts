import { describe, expect, it } from "vitest";
import { popcount } from "./encoding.js";

describe("bit planes", () => {
  it("the set bits of a b-bit two's-complement payload, weighted 2^i and −2^(b−1), add up to it", () => {
    for (const b of [2, 4, 8, 15]) {
      const lo = -(2 ** (b - 1));
      const hi = 2 ** (b - 1) - 1;
      const step = Math.max(1, Math.floor((hi - lo) / 997));
      for (let v = lo; v <= hi; v += step) {
        let sum = 0;
        let set = 0;
        for (let i = 0; i < b; i++) {
          if (((v >> i) & 1) === 0) continue;
          set++;
          sum += i === b - 1 ? -(2 ** i) : 2 ** i;
        }
        expect(sum).toBe(v);
        expect(popcount(v, b)).toBe(set);
      }
    }
    expect([popcount(5, 4), popcount(-3, 4), popcount(-1, 8), popcount(-128, 8)]).toEqual([2, 3, 8, 1]);
  });
});
