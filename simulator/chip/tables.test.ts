// The traffic tables (tables.ts) against a plain count over the reference's synapse walk (`fan.forEach`): rows
// built in bulk from a shared matrix or kernel (synapse-rows.ts) are the same (slot, synaptic ops) rows for every
// connectivity kind and core layout; projections with the same rows share a table; 8- or 16-bit rows only where
// they fit.

import { describe, expect, it } from "vitest";
import {
  type Connectivity,
  createConv1d,
  createConv2d,
  createDense,
  createOneToOne,
  createRowwise,
  createSparse,
} from "../../compiler/nmir/connectivity.js";
import { createProjection } from "../../compiler/nmir/factories.js";
import { createFan } from "../reference/deliver.js";
import { createProjectionRun } from "../reference/projection.js";
import { SourceHistory } from "../reference/schedule.js";
import type { Layout } from "./layout.js";
import { IntList } from "./table-rows.js";
import { type SlotTable, synapseTable, synapseTables } from "./tables.js";

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

function runOf(conn: Connectivity, inSize: number, id = "w", src = "x") {
  const p = createProjection({ id, src, dst: "y", connectivity: conn, weightBits: 8 });
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
  Array.from({ length: n }, (_, i) => {
    const r0 = t.rowStart[t.listOf[i]!]!;
    return Array.from({ length: t.rowStart[t.listOf[i]! + 1]! - r0 }, (_, k): [number, number] => [
      t.slot[r0 + k]!,
      t.count[r0 + k]!,
    ]);
  });

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
    // 5 slots and a few synaptic ops per row: both columns 8-bit
    expect(t.slot).toBeInstanceOf(Uint8Array);
    expect(t.count).toBeInstanceOf(Uint8Array);
  });

  it("counts of 65,536 or more stay 32-bit (a 16-bit row would wrap them)", () => {
    const outSize = 70_000;
    const run = runOf(createDense({ inSize: 2, outSize, weights: new Int32Array(2 * outSize).fill(1) }), 2);
    const slotOf = new Int32Array(outSize);
    const t = synapseTable(run, layoutOf(slotOf, 1));
    expect(t.count).toBeInstanceOf(Int32Array);
    expect(rowsOf(t, 2)).toEqual([[[0, 70_000]], [[0, 70_000]]]);
    // both neurons have the same row: stored once
    expect([...t.count]).toEqual([70_000]);
  });

  /** Weights with about a third zero (whole zero columns too, through the low density of some). */
  const sparseWeights = (r: () => number, n: number) =>
    Int32Array.from({ length: n }, () => (r() < 0.35 ? 0 : Math.floor(r() * 255) - 127));

  /** Destination layouts: runs of uneven length out of order, per-neuron random, and all on one core. */
  function layouts(r: () => number, outSize: number, slots: number): Int32Array[] {
    return [
      Int32Array.from({ length: outSize }, (_, j) => (Math.floor(j / 5) * 3) % slots),
      Int32Array.from({ length: outSize }, () => Math.floor(r() * slots)),
      new Int32Array(outSize),
    ];
  }

  const cases: [string, (r: () => number) => Connectivity][] = [
    ...[false, true].flatMap((srcTransposed) =>
      [false, true].map((dstTransposed): [string, (r: () => number) => Connectivity] => [
        `per-token linear (source ${srcTransposed ? "[in, rows]" : "[rows, in]"}, destination ${dstTransposed ? "[out, rows]" : "[rows, out]"})`,
        (r) =>
          createRowwise({
            rows: 6,
            kernel: [11, 7],
            weights: sparseWeights(r, 11 * 7),
            srcTransposed,
            dstTransposed,
          }),
      ]),
    ),
    ["dense", (r) => createDense({ inSize: 9, outSize: 23, weights: sparseWeights(r, 9 * 23) })],
    [
      "1×1 conv (a per-token linear over [C, H, W])",
      (r) => createConv2d({ inShape: [8, 3, 4], kernel: [13, 8, 1, 1], weights: sparseWeights(r, 13 * 8) }),
    ],
    [
      "conv2d with groups, stride, padding, dilation",
      (r) =>
        createConv2d({
          inShape: [4, 7, 6],
          kernel: [6, 2, 3, 2],
          groups: 2,
          stride: [2, 1],
          padding: [1, 0],
          dilation: [1, 2],
          weights: sparseWeights(r, 6 * 2 * 3 * 2),
        }),
    ],
    [
      "depthwise conv1d",
      (r) =>
        createConv1d({
          inShape: [5, 9],
          kernel: [5, 1, 3],
          groups: 5,
          padding: 1,
          weights: sparseWeights(r, 5 * 3),
        }),
    ],
    [
      "sparse with repeated pairs",
      (r) => {
        const rowPtr = Int32Array.from([0, 3, 3, 7, 9]);
        const colIdx = Int32Array.from({ length: 9 }, () => Math.floor(r() * 6));
        colIdx[1] = colIdx[0]!;
        return createSparse({ inSize: 4, outSize: 6, rowPtr, colIdx, weights: sparseWeights(r, 9) });
      },
    ],
    ["one-to-one", (r) => createOneToOne({ size: 12, weights: sparseWeights(r, 12) })],
  ];

  for (const [name, make] of cases)
    it(`rows built in bulk = the per-synapse walk's rows: ${name}`, () => {
      const r = rng(name.length * 31 + 5);
      for (let trial = 0; trial < 4; trial++) {
        const conn = make(r);
        const run = runOf(conn, createFan(conn).inSize);
        for (const slotOf of layouts(r, run.fan.outSize, 1 + Math.floor(r() * 9)))
          expect(rowsOf(synapseTable(run, layoutOf(slotOf, 9)), run.fan.inSize)).toEqual(
            expected(run, slotOf),
          );
      }
    });

  it("projections into one population with the same geometry and nonzero weights share one table", () => {
    const r = rng(3);
    const w = sparseWeights(r, 10 * 6);
    const scaled = Int32Array.from(w, (x) => x * 3); // other values, the same zeros
    const moved = w.slice();
    moved[moved.indexOf(0)] = 1; // one zero less
    const conn = (weights: Int32Array) => createRowwise({ rows: 4, kernel: [10, 6], weights });
    const runs = [
      runOf(conn(w), 24, "a", "x"),
      runOf(conn(scaled), 24, "b", "x2"),
      runOf(conn(moved), 24, "c", "x3"),
      runOf(createRowwise({ rows: 4, kernel: [10, 6], weights: w, dstTransposed: true }), 24, "d", "x4"),
    ];
    const slotOf = Int32Array.from({ length: 40 }, (_, j) => j % 3);
    const t = synapseTables(runs, layoutOf(slotOf, 3));
    expect(t.get("b")).toBe(t.get("a"));
    expect(t.get("c")).not.toBe(t.get("a"));
    expect(t.get("d")).not.toBe(t.get("a"));
    for (const run of runs) expect(rowsOf(t.get(run.p.id)!, 24)).toEqual(expected(run, slotOf));
  });

  it("an IntList across many chunks gives back every value in order, 8- or 16-bit only when all fit", () => {
    for (const [narrow, top] of [
      [true, 65_535],
      [false, 65_535],
      [false, 70_000],
      [true, 255],
      [false, 255],
      [false, 256],
    ] as const) {
      const list = new IntList(narrow);
      const n = 2 ** 18 + 12_345; // past several 65,536-entry chunks
      for (let i = 0; i < n; i++) list.push((i * 7919) % (top + 1));
      let badGet = 0;
      for (let i = 0; i < n; i += 97) if (list.get(i) !== (i * 7919) % (top + 1)) badGet++;
      expect(badGet).toBe(0);
      const out = list.done();
      expect(out).toBeInstanceOf(top < 256 ? Uint8Array : top < 65536 ? Uint16Array : Int32Array);
      expect(out.length).toBe(n);
      let bad = 0;
      for (let i = 0; i < n; i++) if (out[i] !== (i * 7919) % (top + 1)) bad++;
      expect(bad).toBe(0);
    }
  });
});
