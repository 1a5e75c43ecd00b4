// Destination rows of dynamic-matmul operands (operand-rows.ts through tables.ts) against brute force: every
// operand neuron's rows are exactly the slots holding an output that multiplies it, on random shapes and
// layouts, a source read as both operands included; the row count checked before building equals the rows built.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDynamicMatmul } from "../../compiler/nmir/factories.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { Layout, SliceOnSlot } from "./layout.js";
import { matmulOperandRows, operandReaders } from "./operand-rows.js";
import { destinationTables, logicalRows } from "./tables.js";

const case_ = fc
  .record({
    m: fc.integer({ min: 1, max: 5 }),
    k: fc.integer({ min: 1, max: 4 }),
    n: fc.integer({ min: 1, max: 5 }),
    transposeB: fc.boolean(),
    slots: fc.integer({ min: 1, max: 5 }),
    square: fc.boolean(),
  })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      slotOf: fc.array(fc.nat(d.slots - 1), { minLength: d.m * d.n, maxLength: d.m * d.n }),
    }),
  );

describe("operand destination rows", () => {
  it("go exactly to the slots whose outputs read each operand neuron", () => {
    fc.assert(
      fc.property(case_, ({ d, slotOf }) => {
        // square: x·xᵀ, one source read as both operands (A = x as m × k, Bᵀ = x as n × k with n = m)
        const { m, k, transposeB, slots } = d;
        const sq = d.square;
        const n = sq ? m : d.n;
        if (slotOf.length !== m * n) return;
        const dm = createDynamicMatmul({
          id: "mm",
          a: "x",
          b: sq ? "x" : "y",
          m,
          k,
          n,
          transposeB: sq || transposeB,
          outBits: 8,
        });
        const slices: SliceOnSlot[] = [];
        slotOf.forEach((slot, o) => {
          const last = slices[slices.length - 1];
          if (last && last.slot === slot) last.count++;
          else slices.push({ node: "mm", start: o, count: 1, slot });
        });
        const ir = { projections: [], dynamicMatmuls: [dm] } as unknown as NmirModule;
        const sizes = new Map([["x", m * k], ...(sq ? [] : ([["y", k * n]] as const))]);
        const layout = { slots, slices: new Map([["mm", slices]]) } as unknown as Layout;
        const readers = operandReaders(ir, layout);
        const dest = destinationTables(ir, sizes, layout, new Map(), readers);
        const want = (src: string, x: number) => {
          const at = new Set<number>();
          slotOf.forEach((slot, o) => {
            const [i, j] = [Math.floor(o / n), o % n];
            for (let l = 0; l < k; l++) {
              const bi = dm.transposeB ? j * k + l : l * n + j;
              if ((src === "x" && i * k + l === x) || (src === dm.b && bi === x)) at.add(slot);
            }
          });
          return [...at].sort((p, q) => p - q);
        };
        let built = 0;
        for (const [src, size] of sizes) {
          const t = dest.get(src)!;
          built += logicalRows(t, size);
          for (let x = 0; x < size; x++) {
            const k = t.listOf[x]!;
            expect([...t.slot.subarray(t.rowStart[k]!, t.rowStart[k + 1]!)]).toEqual(want(src, x));
          }
        }
        expect(matmulOperandRows(sizes, slots, readers).rows).toBe(built);
      }),
      { numRuns: 300 },
    );
  });
});
