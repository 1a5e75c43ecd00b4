// The operand reads of a dynamic-matmul slice (operand-reads.ts) against brute force: for every output in the
// slice, the k entries of A's row and B's column it multiplies, on random shapes, layouts of B and slices.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type MatmulDims,
  type Operand,
  operandLine,
  operandReads,
  readersByLine,
  type Span,
} from "./operand-reads.js";

/** The operand neurons Y[o] for o in [start, start + count) multiplies, by the reference kernel's indexing. */
function bruteReads(dm: MatmulDims, operand: Operand, start: number, count: number): Set<number> {
  const { k, n, transposeB } = dm;
  const out = new Set<number>();
  for (let o = start; o < start + count; o++) {
    const i = Math.floor(o / n);
    const j = o % n;
    for (let l = 0; l < k; l++) out.add(operand === "a" ? i * k + l : transposeB ? j * k + l : l * n + j);
  }
  return out;
}

function expand(spans: Span[]): number[] {
  const out: number[] = [];
  for (const s of spans) for (let x = s.lo; x < s.hi; x++) out.push(x);
  return out;
}

const dims = fc.record({
  m: fc.integer({ min: 1, max: 7 }),
  k: fc.integer({ min: 1, max: 5 }),
  n: fc.integer({ min: 1, max: 7 }),
  transposeB: fc.boolean(),
});

const withSlice = dims.chain((dm) =>
  fc
    .tuple(fc.nat(dm.m * dm.n - 1), fc.nat(dm.m * dm.n))
    .map(([start, c]) => ({ dm, start, count: Math.min(c, dm.m * dm.n - start) })),
);

describe("operandReads", () => {
  it("is exactly the entries the slice's outputs multiply, as ascending disjoint ranges", () => {
    fc.assert(
      fc.property(withSlice, fc.constantFrom<Operand>("a", "b"), ({ dm, start, count }, op) => {
        const spans = operandReads(dm, op, start, count);
        const got = expand(spans);
        // ascending and disjoint: the expansion is strictly increasing
        for (let x = 1; x < got.length; x++) expect(got[x]!).toBeGreaterThan(got[x - 1]!);
        expect(got).toEqual([...bruteReads(dm, op, start, count)].sort((x, y) => x - y));
      }),
      { numRuns: 500 },
    );
  });

  it("a row-and-a-bit slice of a 3 × 2 × 4 matmul reads two A rows and, of B, the columns it touches", () => {
    const dm = { m: 3, k: 2, n: 4, transposeB: false };
    // outputs 2..5: (0,2) (0,3) (1,0) (1,1) → A rows 0 and 1, B columns 0, 1, 2, 3 (all) — every B entry
    expect(operandReads(dm, "a", 2, 4)).toEqual([{ lo: 0, hi: 4 }]);
    expect(operandReads(dm, "b", 2, 4)).toEqual([{ lo: 0, hi: 8 }]);
    // outputs 3..4: (0,3) (1,0) → B columns 0 and 3: entries 0, 3, 4, 7
    expect(expand(operandReads(dm, "b", 3, 2))).toEqual([0, 3, 4, 7]);
    expect(expand(operandReads({ ...dm, transposeB: true }, "b", 3, 2))).toEqual([0, 1, 6, 7]);
  });
});

describe("readersByLine", () => {
  it("lists, per operand neuron's line, exactly the slices' keys that read the neuron", () => {
    const layout = dims.chain((dm) =>
      fc
        .array(fc.integer({ min: 0, max: 3 }), { minLength: dm.m * dm.n, maxLength: dm.m * dm.n })
        .map((keyOfOutput) => ({ dm, keyOfOutput })),
    );
    fc.assert(
      fc.property(layout, fc.constantFrom<Operand>("a", "b"), ({ dm, keyOfOutput }, op) => {
        // slices: maximal runs of outputs on one key, a key holding several runs
        const slices: { start: number; count: number; key: number }[] = [];
        keyOfOutput.forEach((key, o) => {
          const last = slices[slices.length - 1];
          if (last && last.key === key) last.count++;
          else slices.push({ start: o, count: 1, key });
        });
        const byLine = readersByLine(dm, op, slices, (s) => (s as (typeof slices)[number]).key);
        const size = op === "a" ? dm.m * dm.k : dm.k * dm.n;
        for (let x = 0; x < size; x++) {
          const want = [
            ...new Set(slices.filter((s) => bruteReads(dm, op, s.start, s.count).has(x)).map((s) => s.key)),
          ];
          expect(byLine[operandLine(dm, op, x)]).toEqual(want.sort((p, q) => p - q));
        }
      }),
      { numRuns: 300 },
    );
  });
});
