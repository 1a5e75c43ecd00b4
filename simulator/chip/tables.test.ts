// The traffic tables (tables.ts) against a plain count over the reference's synapse walk (`fan.forEach`): conv
// kernels walked in one loop give the same (slot, synaptic ops) rows; 16-bit rows only where every value fits.

import { describe, expect, it } from "vitest";
import { type Connectivity, createConv2d, createDense } from "../../compiler/nmir/connectivity.js";
import { createProjection } from "../../compiler/nmir/factories.js";
import { createProjectionRun } from "../reference/projection.js";
import { SourceHistory } from "../reference/schedule.js";
import type { Layout } from "./layout.js";
import { type SlotTable, synapseTable } from "./tables.js";

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A layout of `dst`'s neurons over `slots` cores by the given slot of each neuron (only what tables read). */
function layoutOf(slotOf: Int32Array, slots: number): Layout {
  return { slots, slotOf: new Map([["y", slotOf]]) } as unknown as Layout;
}

function runOf(conn: Connectivity, inSize: number) {
  const p = createProjection({ id: "w", src: "x", dst: "y", connectivity: conn, weightBits: 8 });
  return createProjectionRun(p, new SourceHistory(inSize, 1), "spike", 0, true);
}

/** The rows by the reference's walk: per source neuron, ascending slots with their nonzero synapses. */
function expected(run: ReturnType<typeof runOf>, slotOf: Int32Array): [number, number][][] {
  const out: [number, number][][] = [];
  for (let i = 0; i < run.fan.inSize; i++) {
    const per = new Map<number, number>();
    run.fan.forEach(i, (j, w) => {
      if (w !== 0) per.set(slotOf[j]!, (per.get(slotOf[j]!) ?? 0) + 1);
    });
    out.push([...per].sort((a, b) => a[0] - b[0]));
  }
  return out;
}

const rowsOf = (t: SlotTable, n: number) =>
  Array.from({ length: n }, (_, i) =>
    Array.from({ length: t.start[i + 1]! - t.start[i]! }, (_, k): [number, number] => [
      t.slot[t.start[i]! + k]!,
      t.count[t.start[i]! + k]!,
    ]),
  );

describe("synapse tables", () => {
  it("a conv kernel walked in one loop gives the reference walk's rows (groups, stride, padding, dilation)", () => {
    const r = rng(7);
    const weights = Int32Array.from({ length: 6 * 2 * 3 * 2 }, () =>
      r() < 0.3 ? 0 : Math.floor(r() * 255) - 127,
    );
    const conv = createConv2d({
      inShape: [4, 7, 6],
      kernel: [6, 2, 3, 2],
      groups: 2,
      stride: [2, 1],
      padding: [1, 0],
      dilation: [1, 2],
      weights,
    });
    const run = runOf(conv, 4 * 7 * 6);
    // destination neurons over 5 cores in runs of uneven length, not in neuron order
    const slotOf = Int32Array.from({ length: run.fan.outSize }, (_, j) => (Math.floor(j / 7) * 3) % 5);
    const t = synapseTable(run, layoutOf(slotOf, 5));
    expect(rowsOf(t, run.fan.inSize)).toEqual(expected(run, slotOf));
    expect(t.slot).toBeInstanceOf(Uint16Array);
  });

  it("counts of 65,536 or more stay 32-bit (a 16-bit row would wrap them)", () => {
    const outSize = 70_000;
    const run = runOf(createDense({ inSize: 2, outSize, weights: new Int32Array(2 * outSize).fill(1) }), 2);
    const slotOf = new Int32Array(outSize);
    const t = synapseTable(run, layoutOf(slotOf, 1));
    expect(t.count).toBeInstanceOf(Int32Array);
    expect([...t.count]).toEqual([70_000, 70_000]);
    expect([...t.slot]).toEqual([0, 0]);
  });
});
