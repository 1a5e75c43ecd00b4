// scaleParam's plain loop gives the values and clip count of the per-element mapping it replaced.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clampCount, roundHalfAway, signedMax } from "./quant-plan.js";
import { scaleParam } from "./quantize-neurons.js";

function previousScale(
  p: Int32Array | Float64Array,
  k: number,
  bits: number,
  clips: { n: number },
): Int32Array {
  const hi = signedMax(bits);
  return Int32Array.from(p, (x) => {
    const [v, clipped] = clampCount(roundHalfAway(x / 2 ** k), -hi - 1, hi);
    if (clipped) clips.n++;
    return v;
  });
}

describe("scaleParam", () => {
  it("equals the per-element mapping, NaN, halves and clipping included", () => {
    const xs = fc.array(
      fc.oneof(fc.double({ min: -1e6, max: 1e6 }), fc.constantFrom(Number.NaN, 0.5, -0.5, 2.5, -2.5, -0)),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(
        xs,
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 2, max: 32 }),
        fc.boolean(),
        (v, k, bits, ints) => {
          const p = ints
            ? Int32Array.from(v, (x) => (Number.isFinite(x) ? Math.trunc(x) : 3))
            : Float64Array.from(v);
          const a = { n: 2 };
          const b = { n: 2 };
          expect(scaleParam(p, k, bits, a)).toEqual(previousScale(p, k, bits, b));
          expect(a.n).toBe(b.n);
        },
      ),
      { numRuns: 500 },
    );
  });
});
