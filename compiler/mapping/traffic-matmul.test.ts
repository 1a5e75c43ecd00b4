// The mapper's traffic into a dynamic matmul's cores: each core receives only the operand neurons its outputs
// read (row i of A, column j of B), by hand on an outer product and against brute force on random layouts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createDynamicMatmul,
  createIf,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  type NmirModule,
} from "../nmir/index.js";
import type { Bin } from "./pack.js";
import { trafficEdges } from "./traffic.js";

/** Y = A·B, A = population a (m × k), B = population b (k × n, or n × k transposed). */
function matmulModule(m: number, k: number, n: number, transposeB: boolean): NmirModule {
  const ir = createModule({ name: "mm", stage: "quantized", inputs: [createInput("x", [1])] });
  for (const [id, size] of [
    ["a", m * k],
    ["b", k * n],
  ] as const)
    ir.populations.push(createPopulation({ id, shape: [size], model: createIf({ vth: 1, vBits: 16 }) }));
  ir.dynamicMatmuls.push(createDynamicMatmul({ id: "mm", a: "a", b: "b", m, k, n, transposeB, outBits: 8 }));
  ir.outputs.push(createOutput("y", "mm"));
  return ir;
}

/** Bins from a bin number per neuron of each node (maximal runs on one bin become slices). */
function binsOf(binOf: Record<string, number[]>, count: number): Bin[] {
  const bins: Bin[] = Array.from({ length: count }, (_, core) => ({
    core,
    slices: [],
    usage: {},
    limits: {},
  }));
  for (const [population, of] of Object.entries(binOf))
    of.forEach((bin, i) => {
      const slices = bins[bin]!.slices;
      const last = slices[slices.length - 1];
      if (last && last.population === population && last.start + last.count === i) last.count++;
      else slices.push({ population, start: i, count: 1, usage: {} });
    });
  return bins;
}

const sorted = (edges: { from: number; to: number; weight: number }[]) =>
  edges.map((e) => [e.from, e.to, e.weight]).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);

describe("trafficEdges into a dynamic matmul", () => {
  it("outer product, one neuron per core: each operand neuron to the two cores of its row or column", () => {
    // bins 0 1: a0 a1; 2 3: b0 b1; 4..7: Y(0,0) Y(0,1) Y(1,0) Y(1,1)
    const ir = matmulModule(2, 1, 2, false);
    const bins = binsOf({ a: [0, 1], b: [2, 3], mm: [4, 5, 6, 7] }, 8);
    expect(sorted(trafficEdges(ir, bins))).toEqual([
      [0, 4, 1],
      [0, 5, 1],
      [1, 6, 1],
      [1, 7, 1],
      [2, 4, 1],
      [2, 6, 1],
      [3, 5, 1],
      [3, 7, 1],
    ]);
    // profiled: a0 fired 3 times, a1 never, b0 once, b1 twice
    expect(sorted(trafficEdges(ir, bins, { a: [3, 0], b: [1, 2] }))).toEqual([
      [0, 4, 3],
      [0, 5, 3],
      [2, 4, 1],
      [2, 6, 1],
      [3, 5, 2],
      [3, 7, 2],
    ]);
  });

  it("= brute force over every output's k operand entries, on random shapes and layouts", () => {
    const layout = fc
      .record({
        m: fc.integer({ min: 1, max: 5 }),
        k: fc.integer({ min: 1, max: 4 }),
        n: fc.integer({ min: 1, max: 5 }),
        transposeB: fc.boolean(),
      })
      .chain((d) =>
        fc.record({
          d: fc.constant(d),
          a: fc.array(fc.nat(5), { minLength: d.m * d.k, maxLength: d.m * d.k }),
          b: fc.array(fc.nat(5), { minLength: d.k * d.n, maxLength: d.k * d.n }),
          mm: fc.array(fc.nat(5), { minLength: d.m * d.n, maxLength: d.m * d.n }),
        }),
      );
    fc.assert(
      fc.property(layout, ({ d, a, b, mm }) => {
        const ir = matmulModule(d.m, d.k, d.n, d.transposeB);
        const want = new Map<string, number>();
        for (const [op, binOf] of [
          ["a", a],
          ["b", b],
        ] as const)
          for (let dBin = 0; dBin < 6; dBin++) {
            const read = new Set<number>();
            mm.forEach((bin, o) => {
              if (bin !== dBin) return;
              const [i, j] = [Math.floor(o / d.n), o % d.n];
              for (let l = 0; l < d.k; l++)
                read.add(op === "a" ? i * d.k + l : d.transposeB ? j * d.k + l : l * d.n + j);
            });
            for (const x of read) {
              const key = `${binOf[x]},${dBin}`;
              if (binOf[x] !== dBin) want.set(key, (want.get(key) ?? 0) + 1);
            }
          }
        const got = new Map(
          trafficEdges(ir, binsOf({ a, b, mm }, 6)).map((e) => [`${e.from},${e.to}`, e.weight]),
        );
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
