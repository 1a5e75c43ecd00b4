// The one-exponent path of quantizeWeights gives the exponent, mantissas and clip count of the general per-group
// path (targets t = w·f, an all-zero group array) on random weights, scales and widths.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { uniformExp, uniformMantissas } from "./quantize-uniform.js";
import { chooseExps, mantissas } from "./quantize-weights.js";

describe("quantizing with one exponent per projection", () => {
  it("equals chooseExps and mantissas over the targets with one group, at every exponent asked", () => {
    const weights = fc.array(
      fc.oneof(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.constantFrom(0, -0, 1e-30, -1e-30, 0.5, -0.5, 3.4e38, -3.4e38),
      ),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(
        weights,
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: 2, max: 16 }),
        fc.integer({ min: -31, max: 31 }),
        (xs, k, bits, other) => {
          const w = Float32Array.from(xs);
          const f = 2 ** k;
          const t = Float64Array.from(w, (v) => v * f);
          const group = new Int32Array(w.length);
          const e = uniformExp(w, f, bits);
          expect(e).toBe(chooseExps(t, group, 1, bits)[0]);
          // the chosen exponent and another (a raised one)
          for (const exp of [e, other]) {
            const a = uniformMantissas(w, f, exp, bits);
            const b = mantissas(t, group, Int32Array.of(exp), bits);
            expect(a.q).toEqual(b.q);
            expect(a.clipped).toBe(b.clipped);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
