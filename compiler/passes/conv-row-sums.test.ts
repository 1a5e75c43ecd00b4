// absRowSums of convolutions = Σ|w| over the synapses each destination really has (its taps inside the source),
// by the written conv definition; a padded tap reads 0 and must not count (it doubled Spikformer's head-selection
// bounds, leaving 6 of the calibrated MNIST demo's 8 matmuls unlowered for loihi2).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accByDefinition } from "../../simulator/reference/test-helpers.js";
import { type Conv1dConn, type Conv2dConn, createConv1d, createConv2d } from "../nmir/index.js";
import { absRowSums } from "./quant-ranges.js";

/** Random convolutions with padding up to past the kernel's extent, strides, dilations, groups, zero weights. */
const convArb: fc.Arbitrary<Conv1dConn | Conv2dConn> = fc
  .record({
    two: fc.boolean(),
    groups: fc.integer({ min: 1, max: 3 }),
    cinPerGroup: fc.integer({ min: 1, max: 2 }),
    coutPerGroup: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    sh: fc.integer({ min: 1, max: 8 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    ph: fc.integer({ min: 0, max: 5 }),
    pw: fc.integer({ min: 0, max: 5 }),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  })
  .map((g) => {
    const cin = g.groups * g.cinPerGroup;
    const cout = g.groups * g.coutPerGroup;
    // enough padding that every axis has an output position
    const pad = (p: number, k: number, d: number, len: number) =>
      Math.max(p, Math.ceil((d * (k - 1) + 1 - len) / 2));
    const weights = (n: number) => {
      let s = g.seed;
      return Int32Array.from({ length: n }, () => {
        s = (s * 1103515245 + 12345) % 2 ** 31;
        return (s % 9) - 4;
      });
    };
    if (!g.two) {
      return createConv1d({
        inShape: [cin, g.w],
        kernel: [cout, g.cinPerGroup, g.kw],
        weights: weights(cout * g.cinPerGroup * g.kw),
        stride: g.sw,
        padding: pad(g.pw, g.kw, g.dw, g.w),
        dilation: g.dw,
        groups: g.groups,
      });
    }
    return createConv2d({
      inShape: [cin, g.h, g.w],
      kernel: [cout, g.cinPerGroup, g.kh, g.kw],
      weights: weights(cout * g.cinPerGroup * g.kh * g.kw),
      stride: [g.sh, g.sw],
      padding: [pad(g.ph, g.kh, g.dh, g.h), pad(g.pw, g.kw, g.dw, g.w)],
      dilation: [g.dh, g.dw],
      groups: g.groups,
    });
  });

/** Σ|w| per destination by the definition: |w| against all-ones inputs, padded taps reading 0. */
function byDefinition(c: Conv1dConn | Conv2dConn): number[] {
  const abs = { ...c, weights: Int32Array.from(c.weights, Math.abs) };
  const n = c.inShape.reduce((a, b) => a * b, 1);
  return accByDefinition(abs, new Array(n).fill(1)).map(Number);
}

describe("absRowSums of convolutions", () => {
  it("counts only the taps inside the source (random convs, both kinds)", () => {
    fc.assert(
      fc.property(convArb, (c) => {
        expect([...absRowSums(c)]).toEqual(byDefinition(c));
      }),
      { numRuns: 400 },
    );
  });

  it("Spikformer's head-1-of-4 selection (taps 0 and 4 of 5, stride 8, padding 3): one tap, not two", () => {
    const tokens = 3;
    const c = createConv2d({
      inShape: [tokens, 4, 2],
      kernel: [tokens, 1, 5, 1],
      weights: Int32Array.from({ length: tokens * 5 }, (_, i) => (i % 5 === 0 || i % 5 === 4 ? 64 : 0)),
      stride: [8, 1],
      padding: [3, 0],
      groups: tokens,
    });
    expect(c.outShape).toEqual([tokens, 1, 2]);
    expect([...absRowSums(c)]).toEqual(new Array(tokens * 2).fill(64));
  });
});
