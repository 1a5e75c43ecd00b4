// A dynamic matmul's work per core (matmul-split.ts) against brute force over its outputs: each core's products
// (both operands nonzero) and the operand events into its outputs' terms, on random shapes, layouts and frames.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDynamicMatmul } from "../../compiler/nmir/factories.js";
import type { Frame } from "../reference/schedule.js";
import { MatmulSplit } from "./matmul-split.js";

function frameOf(values: number[]): Frame {
  const idx = new Int32Array(values.length);
  let count = 0;
  values.forEach((v, i) => {
    if (v !== 0) idx[count++] = i;
  });
  return { values: Float64Array.from(values), idx, count, maxAbs: Math.max(0, ...values.map(Math.abs)) };
}

const value = fc.constantFrom(0, 0, 0, 1, -2, 3);

const case_ = fc
  .record({
    m: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 4 }),
    n: fc.integer({ min: 1, max: 5 }),
    transposeB: fc.boolean(),
    cores: fc.integer({ min: 1, max: 4 }),
  })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      coreOf: fc.array(fc.nat(d.cores - 1), { minLength: d.m * d.n, maxLength: d.m * d.n }),
      a: fc.array(value, { minLength: d.m * d.k, maxLength: d.m * d.k }),
      b: fc.array(value, { minLength: d.k * d.n, maxLength: d.k * d.n }),
    }),
  );

describe("MatmulSplit", () => {
  it("gives each core the products and operand events of its own outputs", () => {
    fc.assert(
      fc.property(case_, ({ d, coreOf, a, b }) => {
        const { m, k, n, transposeB, cores } = d;
        const dm = createDynamicMatmul({ id: "mm", a: "a", b: "b", m, k, n, transposeB, outBits: 8 });
        const split = new MatmulSplit(dm, coreOf, cores);
        split.step(frameOf(a), frameOf(b));
        const products = new Array(cores).fill(0);
        const fromA = new Array(cores).fill(0);
        const fromB = new Array(cores).fill(0);
        coreOf.forEach((q, o) => {
          const [i, j] = [Math.floor(o / n), o % n];
          for (let l = 0; l < k; l++) {
            const x = a[i * k + l]!;
            const y = b[transposeB ? j * k + l : l * n + j]!;
            if (x !== 0) fromA[q]++;
            if (y !== 0) fromB[q]++;
            if (x !== 0 && y !== 0) products[q]++;
          }
        });
        expect([...split.products]).toEqual(products);
        expect([...split.fromA]).toEqual(fromA);
        expect([...split.fromB]).toEqual(fromB);
        // before step 0 in pipelined mode: no operands, no work
        split.step(undefined, undefined);
        expect([...split.products, ...split.fromA, ...split.fromB].every((x) => x === 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
