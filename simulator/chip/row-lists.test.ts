// Shared row lists (row-pool.ts): the synapse and destination tables of random modules hold, per neuron, the
// rows of a plain count over the reference's synapse walk, with every distinct list stored once; the pool
// itself gives equal lists one id and different lists different ids.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import { nmirModuleArb } from "../../compiler/nmir/arbitrary.js";
import { createRowwise } from "../../compiler/nmir/connectivity.js";
import { createProjection } from "../../compiler/nmir/factories.js";
import { createProjectionRun, type ProjectionRun } from "../reference/projection.js";
import { SourceHistory } from "../reference/schedule.js";
import { Datapath } from "./datapath.js";
import { createChip } from "./index.js";
import type { Layout } from "./layout.js";
import { operandReaders, readingSlots } from "./operand-rows.js";
import { RowPool } from "./row-pool.js";
import {
  type DestTable,
  destinationTables,
  type SlotTable,
  slotAt,
  synapseTable,
  synapseTables,
} from "./tables.js";

/** Neuron i's rows of t: [slot, ops] (ops only for a synapse table). */
function rowsAt(t: DestTable | SlotTable, i: number): number[][] {
  const k = t.listOf[i]!;
  const out: number[][] = [];
  for (let r = t.rowStart[k]!; r < t.rowStart[k + 1]!; r++)
    out.push("count" in t ? [slotAt(t, k, r), t.count[r]!] : [slotAt(t, k, r)]);
  return out;
}

/** The plain rows of a projection: per source neuron, ascending slots with their nonzero synapses. */
function plainSynapseRows(run: ProjectionRun, slotOf: Int32Array): number[][][] {
  return Array.from({ length: run.fan.inSize }, (_, i) => {
    const per = new Map<number, number>();
    run.fan.forEach(i, (j, w) => {
      if (w !== 0) per.set(slotOf[j]!, (per.get(slotOf[j]!) ?? 0) + 1);
    });
    return [...per].sort((a, b) => a[0] - b[0]);
  });
}

const distinct = (rows: number[][][]) => new Set(rows.map((r) => JSON.stringify(r))).size;

describe("shared row lists", () => {
  it("random modules: every neuron's rows are the plain rows, and each distinct list is stored once", () => {
    let neurons = 0;
    let lists = 0;
    fc.assert(
      fc.property(
        nmirModuleArb({ stage: "quantized" }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (ir, npc, split) => {
          const { mapping } = mapNetwork(ir, generousProfile(), {
            neuronsPerCore: npc,
            suggestProfiles: false,
          });
          const loaded = createChip(generousProfile()).load(ir, mapping);
          const { layout, sizes } = loaded as unknown as { layout: Layout; sizes: Map<string, number> };
          const runs = new Datapath(ir, "layer-sync", false).projections;
          const synapses = synapseTables(runs, layout);
          const plain = new Map<string, number[][][]>();
          for (const run of runs) {
            const want = plainSynapseRows(run, layout.slotOf.get(run.p.dst)!);
            plain.set(run.p.id, want);
            const t = synapses.get(run.p.id)!;
            expect(Array.from({ length: run.fan.inSize }, (_, i) => rowsAt(t, i))).toEqual(want);
            expect(t.rowStart.length - 1).toBe(distinct(want));
          }
          const splitAt = split ? Math.max(1, Math.ceil(layout.slots / 2)) : undefined;
          const dest = destinationTables(ir, sizes, layout, synapses, operandReaders(ir, layout), splitAt);
          const readers = operandReaders(ir, layout);
          for (const [src, n] of sizes) {
            const t = dest.get(src)!;
            const projections = ir.projections.filter((p) => p.src === src);
            const want = Array.from({ length: n }, (_, i) => {
              const at = new Set<number>();
              for (const p of projections) for (const [s] of plain.get(p.id)![i]!) at.add(s!);
              for (const r of readers.get(src) ?? []) for (const s of readingSlots(r, i)) at.add(s);
              return [...at].sort((a, b) => a - b).map((s) => [s]);
            });
            const got = Array.from({ length: n }, (_, i) => rowsAt(t, i));
            expect(got).toEqual(want);
            // a table of its own: one list per distinct slot list; shared with a synapse table: its lists
            const shared = [...synapses.values()].find((s) => s.slot === t.slot);
            const rows = shared ? Array.from({ length: n }, (_, i) => rowsAt(shared, i)) : want;
            expect(t.rowStart.length - 1).toBe(distinct(rows));
            neurons += n;
            lists += t.rowStart.length - 1;
          }
        },
      ),
      { numRuns: 60 },
    );
    // not vacuous: neurons shared lists
    expect(lists).toBeLessThan(neurons / 2);
  });

  it("a per-token linear's channels of one token share one list; its table holds one list per token", () => {
    // 5 tokens × 64 channels → 5 tokens × 40 outputs, every weight nonzero, outputs 16 a core
    const [rows, nIn, nOut] = [5, 64, 40];
    for (const srcTransposed of [false, true]) {
      const conn = createRowwise({
        rows,
        kernel: [nOut, nIn],
        weights: new Int32Array(nOut * nIn).fill(3),
        srcTransposed,
      });
      const p = createProjection({ id: "w", src: "x", dst: "y", connectivity: conn, weightBits: 8 });
      const run = createProjectionRun(p, new SourceHistory(rows * nIn, 1), "spike", 0, true);
      const slotOf = Int32Array.from({ length: rows * nOut }, (_, j) => Math.floor(j / 16));
      const layout = { slots: 13, slotOf: new Map([["y", slotOf]]) } as unknown as Layout;
      const t = synapseTable(run, layout);
      expect(Array.from({ length: rows * nIn }, (_, i) => rowsAt(t, i))).toEqual(
        plainSynapseRows(run, slotOf),
      );
      expect(t.rowStart.length - 1).toBe(rows);
      // 5 tokens' rows (3 cores each at most), not 320 neurons' rows
      expect(t.slot.length).toBeLessThanOrEqual(3 * rows);
    }
  });
});

describe("RowPool", () => {
  it("gives equal lists one id and different lists different ids, and reads each back", () => {
    const row = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(row, row, fc.integer({ min: 0, max: 2 })), { maxLength: 2500 }),
        (lists) => {
          const pool = new RowPool(true, true, true);
          const ids = new Map<string, number>();
          const added = lists.map(([slot, ops, high]) => {
            const m = Math.min(slot.length, ops.length);
            const h = Math.min(high, m);
            const id = pool.add(Int32Array.from(slot), Int32Array.from(ops), m, h);
            const key = JSON.stringify([slot.slice(0, m), ops.slice(0, m), h]);
            expect(id).toBe(ids.get(key) ?? ids.size);
            ids.set(key, id);
            return { id, key };
          });
          expect(pool.lists).toBe(ids.size);
          const { rowStart, slot, count, from } = pool.done();
          for (const { id, key } of added) {
            const r0 = rowStart[id]!;
            const r1 = rowStart[id + 1]!;
            const back = [[...slot.subarray(r0, r1)], [...count!.subarray(r0, r1)], from![id]! - r0];
            expect(JSON.stringify(back)).toBe(key);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
