// composeCsr (lower/compose.ts) on Linear chains: bit for bit the matrix the float kernels give for unit
// vectors (its sparse-input Linear must not change a compiled model), and fast on wide sparse chains.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createKernel } from "../../simulator/float/kernels/index.js";
import { createLinear, createScale, type GraphNode, ndarray } from "../graph/index.js";
import { composeCsr } from "./lower/compose.js";
import type { Term } from "./lower/paths.js";
import { rng } from "./testing.js";

const limits = { maxComposeWork: 2 ** 40, maxSynapses: 2 ** 26 };

/** A chain of Linear (and Scale) steps over rows × width, as lowerToNmir builds terms. */
function chain(rows: number, widths: number[], nodes: GraphNode[]): Term {
  let w = 0;
  const steps = nodes.map((node, i) => {
    const inW = widths[w]!;
    if (node.kind === "Linear") w++;
    return {
      node,
      port: 0,
      inShapes: [[rows, inW]],
      outShape: [rows, widths[w]!],
      label: `s${i}`,
    };
  });
  return { delay: 0, steps, inShape: [rows, widths[0]!], outShape: [rows, widths[w]!], label: "chain" };
}

/** The reference: column i = the dense float kernels applied to unit vector e_i, zeros dropped. */
function bruteForce(term: Term): { cols: number[]; vals: number[]; rowPtr: number[] } {
  const kernels = term.steps.map((s) =>
    createKernel(s.node, { id: s.label, dt: 1, inShapes: s.inShapes, outShape: s.outShape }),
  );
  const inSize = term.inShape.reduce((a, b) => a * b, 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const rowPtr = [0];
  for (let i = 0; i < inSize; i++) {
    let x = new Float64Array(inSize);
    x[i] = 1;
    for (const k of kernels) {
      k.step([x]);
      x = Float64Array.from(k.out);
    }
    x.forEach((v, j) => {
      if (v !== 0) {
        cols.push(j);
        vals.push(v);
      }
    });
    rowPtr.push(cols.length);
  }
  return { cols, vals, rowPtr };
}

/** Weights with many exact zeros (and some −0), small integers and awkward fractions. */
function weights(r: () => number, out: number, inp: number, density: number): Float64Array {
  return Float64Array.from({ length: out * inp }, () => {
    const u = r();
    if (u > density) return u > 0.95 ? -0 : 0;
    return r() < 0.5 ? Math.round(r() * 8 - 4) : (r() - 0.5) / 3;
  });
}

describe("composeCsr on Linear chains", () => {
  it("equals the dense float kernels bit for bit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 4 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.boolean(),
        (seed, rows, widths, density, withScale) => {
          const r = rng(seed);
          const nodes: GraphNode[] = [];
          for (let l = 0; l + 1 < widths.length; l++) {
            const [inp, out] = [widths[l]!, widths[l + 1]!];
            nodes.push(createLinear(ndarray([out, inp], weights(r, out, inp, density))));
            if (withScale && l === 0)
              nodes.push(
                createScale(
                  ndarray(
                    [out],
                    Float64Array.from({ length: out }, () => r() - 0.5),
                  ),
                ),
              );
          }
          const term = chain(rows, widths, nodes);
          const got = composeCsr(term, limits);
          const want = bruteForce(term);
          expect([...got.rowPtr]).toEqual(want.rowPtr);
          expect([...got.colIdx]).toEqual(want.cols);
          // Object.is: bit-identical values, the sign of zero included
          for (const [k, v] of got.values.entries()) expect(Object.is(v, want.vals[k])).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("composes a wide sparse Linear → Linear chain (2048 wide) in well under the test timeout", () => {
    // each Linear is a permutation plus a neighbour: the dense kernel would spend 2 × 2048² MACs per unit
    // vector (≈1.7e10 in all, minutes on a loaded machine); the sparse inputs make it ≈2048 × 8 k
    const n = 2048;
    const perm = (shift: number) => {
      const w = new Float64Array(n * n);
      for (let o = 0; o < n; o++) {
        w[o * n + ((o + shift) % n)] = 1;
        w[o * n + ((o + shift + 1) % n)] = 0.5;
      }
      return createLinear(ndarray([n, n], w));
    };
    const got = composeCsr(chain(1, [n, n, n], [perm(3), perm(5)]), limits);
    expect(got.colIdx.length).toBe(3 * n);
    // e_i reaches outputs i−10 (0.5·0.5), i−9 (1·0.5 + 0.5·1), i−8 (1·1)
    const row = (i: number) => [...got.colIdx.subarray(got.rowPtr[i]!, got.rowPtr[i + 1]!)];
    expect(row(100)).toEqual([90, 91, 92]);
    expect([...got.values.subarray(got.rowPtr[100]!, got.rowPtr[101]!)]).toEqual([0.25, 1, 1]);
  }, 20_000);
});
