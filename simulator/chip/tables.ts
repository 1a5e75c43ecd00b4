// Static traffic tables built once at load: for every projection, per source neuron, the synaptic ops (nonzero
// weights) it causes on each core; for every source, per neuron, the cores a packet must reach (cores holding a
// nonzero synapse of it, and every core of a dynamic matmul reading it). Conv kernels are walked, never
// expanded: a table row holds one entry per destination core, not per synapse.

import type { NmirModule } from "../../compiler/nmir/types.js";
import type { ProjectionRun } from "../reference/projection.js";
import type { Layout } from "./layout.js";

/** CSR over source neurons of (slot, count) pairs. */
export interface SlotTable {
  start: Int32Array;
  slot: Int32Array;
  count: Int32Array;
}

/** Per projection: synaptic ops per (source neuron, destination slot). */
export function synapseTable(run: ProjectionRun, layout: Layout): SlotTable {
  const { fan } = run;
  const dstSlot = layout.slotOf.get(run.p.dst)!;
  const perSlot = new Int32Array(layout.slots);
  const touched: number[] = [];
  const start = new Int32Array(fan.inSize + 1);
  const slots: number[] = [];
  const counts: number[] = [];
  const visit = (j: number, w: number) => {
    if (w === 0) return;
    const s = dstSlot[j]!;
    if (perSlot[s] === 0) touched.push(s);
    perSlot[s]!++;
  };
  for (let i = 0; i < fan.inSize; i++) {
    fan.forEach(i, visit);
    touched.sort((a, b) => a - b);
    for (const s of touched) {
      slots.push(s);
      counts.push(perSlot[s]!);
      perSlot[s] = 0;
    }
    touched.length = 0;
    start[i + 1] = slots.length;
  }
  return { start, slot: Int32Array.from(slots), count: Int32Array.from(counts) };
}

/** Per source id: CSR over its neurons of destination slots (count unused: 1). */
export function destinationTables(
  ir: NmirModule,
  sizes: ReadonlyMap<string, number>,
  layout: Layout,
  synapses: ReadonlyMap<string, SlotTable>,
): Map<string, SlotTable> {
  const out = new Map<string, SlotTable>();
  for (const [src, n] of sizes) {
    const tables = ir.projections.filter((p) => p.src === src).map((p) => synapses.get(p.id)!);
    const readers = ir.dynamicMatmuls.filter((d) => d.a === src || d.b === src);
    const always = [...new Set(readers.flatMap((d) => layout.slices.get(d.id)!.map((s) => s.slot)))];
    const mark = new Uint8Array(layout.slots);
    const start = new Int32Array(n + 1);
    const slots: number[] = [];
    for (let i = 0; i < n; i++) {
      const here: number[] = [...always];
      for (const s of always) mark[s] = 1;
      for (const t of tables) {
        for (let r = t.start[i]!; r < t.start[i + 1]!; r++) {
          const s = t.slot[r]!;
          if (!mark[s]) {
            mark[s] = 1;
            here.push(s);
          }
        }
      }
      here.sort((a, b) => a - b);
      for (const s of here) {
        slots.push(s);
        mark[s] = 0;
      }
      start[i + 1] = slots.length;
    }
    out.set(src, { start, slot: Int32Array.from(slots), count: new Int32Array(slots.length).fill(1) });
  }
  return out;
}
