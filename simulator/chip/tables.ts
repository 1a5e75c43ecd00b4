// Static traffic tables built once at load: for every projection, per source neuron, the synaptic ops (nonzero
// weights) it causes on each core; for every source, per neuron, the cores a packet must reach (cores holding a
// nonzero synapse of it, and the cores of a dynamic matmul whose outputs read it). Shared weights are never expanded: a
// row holds one entry per destination core, built from the matrix or kernel in bulk (synapse-rows.ts), and
// projections with the same rows share one table; a source read by one table alone shares its rows.

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
  highRow,
  type RowInts,
  rowSlot,
  type SlotTable,
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
 * Per source id: CSR over its neurons of destination slots. A source read by one projection and no dynamic
 * matmul shares that projection's `start` and `slot` (the same rows); otherwise the union, built in place: a
 * dynamic matmul's operand neuron goes to the slots whose output slices read it (operand-rows.ts).
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
      total += tables[0]!.slot.length;
      checkRows(total, src);
      out.set(src, { start: tables[0]!.start, slot: tables[0]!.slot });
      continue;
    }
    const start = new Int32Array(n + 1);
    // split: slots from splitAt on stored less splitAt, from each neuron's first such row (DestTable.high)
    const split = splitAt !== undefined && splitAt <= HIGH_SLOT && layout.slots <= 2 * splitAt;
    const slots = new IntList(layout.slots <= HIGH_SLOT || split);
    const high = split ? new Int32Array(n) : undefined;
    const at = split ? splitAt : 0;
    let anyHigh = false;
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (const r of operandOf)
        for (const s of readingSlots(r, i))
          if (!mark[s]) {
            mark[s] = 1;
            here[m++] = s;
          }
      for (const t of tables)
        for (let r = t.start[i]!; r < t.start[i + 1]!; r++) {
          const s = t.slot[r]!;
          if (!mark[s]) {
            mark[s] = 1;
            here[m++] = s;
          }
        }
      sortSmall(here, m);
      const row = slots.n;
      let first = row + m;
      for (let k = 0; k < m; k++) {
        const s = here[k]!;
        mark[s] = 0;
        if (high && s >= at) {
          if (first === row + m) first = row + k;
          slots.push(s - at);
        } else slots.push(s);
      }
      if (high) {
        high[i] = first;
        if (first < row + m) anyHigh = true;
      }
      start[i + 1] = slots.n;
    }
    total += slots.n;
    checkRows(total, src);
    out.set(src, { start, slot: slots.done(), ...(anyHigh ? { high: { row: high!, at } } : {}) });
  }
  return out;
}
