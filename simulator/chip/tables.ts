// Static traffic tables built once at load: for every projection, per source neuron, the synaptic ops (nonzero
// weights) it causes on each core; for every source, per neuron, the cores a packet must reach (cores holding a
// nonzero synapse of it, and the cores of a dynamic matmul whose outputs read it). Shared weights are never expanded: a
// row holds one entry per destination core, built from the matrix or kernel in bulk (synapse-rows.ts); neurons with
// the same rows share one list of them (row-pool.ts); projections with the same rows share one table; a source
// read by one table alone shares its lists.

import { SpikegridError } from "../../common/errors.js";
import type { NmirModule, Projection } from "../../compiler/nmir/types.js";
import type { ProjectionRun } from "../reference/projection.js";
import type { Layout } from "./layout.js";
import { DEST_ROW_LIMIT, type OperandReader, operandReaders, readingSlots } from "./operand-rows.js";
import { fillSynapseRows } from "./synapse-rows.js";
import {
  type DestTable,
  destSplit,
  HIGH_SLOT,
  IntList,
  RowPool,
  RowSink,
  type SlotTable,
  sortSmall,
} from "./table-rows.js";

export { checkMatmulOperandRows, DEST_ROW_LIMIT } from "./operand-rows.js";
export {
  type DestTable,
  destSplit,
  HIGH_SLOT,
  highAt,
  highFrom,
  type RowInts,
  rowsOf,
  type SlotTable,
  slotAt,
} from "./table-rows.js";

/** Per projection: synaptic ops per (source neuron, destination slot). */
export function synapseTable(run: ProjectionRun, layout: Layout): SlotTable {
  const sink = new RowSink(layout.slots, run.fan.inSize);
  fillSynapseRows(run.p.connectivity, layout.slotOf.get(run.p.dst)!, sink);
  return sink.done();
}

/**
 * Every projection's synapse table, by projection id. Projections into the same population through the same
 * geometry and the same nonzero weights (a residual stream's terms read through one per-token linear) have
 * the same rows, so they share one table: built once, held once.
 */
export function synapseTables(runs: readonly ProjectionRun[], layout: Layout): Map<string, SlotTable> {
  const out = new Map<string, SlotTable>();
  const built = new Map<string, { p: Projection; table: SlotTable }[]>();
  for (const run of runs) {
    const key = shareKey(run.p);
    const same = key === undefined ? [] : (built.get(key) ?? []);
    const twin = same.find((b) => sameNonzeros(b.p.connectivity.weights, run.p.connectivity.weights));
    const table = twin?.table ?? synapseTable(run, layout);
    out.set(run.p.id, table);
    if (key !== undefined && !twin) built.set(key, [...same, { p: run.p, table }]);
  }
  return out;
}

/** Destination and geometry of a shared-matrix projection (everything its rows depend on but the weights). */
function shareKey(p: Projection): string | undefined {
  const c = p.connectivity;
  if (c.kind === "sparse" || c.kind === "oneToOne") return undefined;
  const { weights: _, ...geometry } = c;
  return JSON.stringify([p.dst, geometry]);
}

function sameNonzeros(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if ((a[i] === 0) !== (b[i] === 0)) return false;
  return true;
}

/** Destination rows of a table's first n neurons (neuron × core: each neuron's list counted once per neuron). */
export function logicalRows(d: DestTable, n: number): number {
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const k = d.listOf[i]!;
    rows += d.rowStart[k + 1]! - d.rowStart[k]!;
  }
  return rows;
}

/** Refuses as soon as the running count of destination rows passes what the simulator can index. */
function checkRows(total: number, src: string): void {
  if (total > DEST_ROW_LIMIT)
    throw new SpikegridError(
      "RESOURCE_LIMIT",
      `the chip simulator's destination rows (neuron × core) pass the ${DEST_ROW_LIMIT.toLocaleString("en-US")} it can index (DEST_ROW_LIMIT) at "${src}"`,
      {
        hint: "compile and map still give the cores, chips and memory; to simulate, use a smaller input (zoo setting imageSize, e.g. --set imageSize=112)",
      },
    );
}

/**
 * Per source id: its neurons' destination slots, as lists shared by neurons with the same slots. A source read
 * by one projection and no dynamic matmul shares that projection's lists (the same rows); otherwise the union,
 * built neuron by neuron: a dynamic matmul's operand neuron goes to the slots whose output slices read it
 * (operand-rows.ts). A neuron whose tables' lists and operand lines are those of the neuron before it (the
 * channels of one token) takes its list without building its union again.
 */
export function destinationTables(
  ir: NmirModule,
  sizes: ReadonlyMap<string, number>,
  layout: Layout,
  synapses: ReadonlyMap<string, SlotTable>,
  readers: ReadonlyMap<string, OperandReader[]> = operandReaders(ir, layout),
  /** Split the union tables at this slot (16-bit slots past 65,536 cores in use; tests give a small one). */
  splitAt: number | undefined = destSplit.at(layout.slots),
): Map<string, DestTable> {
  const out = new Map<string, DestTable>();
  let total = 0;
  const mark = new Uint8Array(layout.slots);
  const here = new Int32Array(layout.slots);
  for (const [src, n] of sizes) {
    const tables = [...new Set(ir.projections.filter((p) => p.src === src).map((p) => synapses.get(p.id)!))];
    const operandOf = readers.get(src) ?? [];
    if (tables.length === 1 && operandOf.length === 0) {
      const t = tables[0]!;
      total += logicalRows(t, n);
      checkRows(total, src);
      out.set(src, { listOf: t.listOf, rowStart: t.rowStart, slot: t.slot });
      continue;
    }
    // split: slots from splitAt on stored less splitAt, from each list's first such row (DestTable.high)
    const split = splitAt !== undefined && splitAt <= HIGH_SLOT && layout.slots <= 2 * splitAt;
    const at = split ? splitAt : 0;
    const pool = new RowPool(layout.slots <= HIGH_SLOT || split, false, split);
    const listOf = new IntList();
    const lastList = new Int32Array(tables.length).fill(-1);
    const lastRead: (number[] | undefined)[] = operandOf.map(() => undefined);
    let list = -1;
    let m = 0;
    let anyHigh = false;
    for (let i = 0; i < n; i++) {
      let same = list >= 0;
      for (let q = 0; q < tables.length; q++) {
        const k = tables[q]!.listOf[i]!;
        if (lastList[q] !== k) [lastList[q], same] = [k, false];
      }
      for (let q = 0; q < operandOf.length; q++) {
        const read = readingSlots(operandOf[q]!, i);
        if (lastRead[q] !== read) [lastRead[q], same] = [read, false];
      }
      if (!same) {
        m = 0;
        for (const read of lastRead)
          for (const s of read!)
            if (!mark[s]) {
              mark[s] = 1;
              here[m++] = s;
            }
        tables.forEach((t, q) => {
          const k = lastList[q]!;
          for (let r = t.rowStart[k]!; r < t.rowStart[k + 1]!; r++) {
            const s = t.slot[r]!;
            if (!mark[s]) {
              mark[s] = 1;
              here[m++] = s;
            }
          }
        });
        sortSmall(here, m);
        let first = m;
        for (let k = 0; k < m; k++) {
          const s = here[k]!;
          mark[s] = 0;
          if (split && s >= at) {
            if (first === m) first = k;
            here[k] = s - at;
          }
        }
        if (first < m) anyHigh = true;
        list = pool.add(here, undefined, m, first);
      }
      listOf.push(list);
      total += m;
    }
    checkRows(total, src);
    const { rowStart, slot, from } = pool.done();
    out.set(src, {
      listOf: listOf.done(),
      rowStart,
      slot,
      ...(anyHigh ? { high: { from: from!, at } } : {}),
    });
  }
  return out;
}
