// Static traffic tables built once at load: for every projection, per source neuron, the synaptic ops (nonzero
// weights) it causes on each core; for every source, per neuron, the cores a packet must reach (cores holding a
// nonzero synapse of it, and every core of a dynamic matmul reading it). Conv kernels are walked, never
// expanded: a table row holds one entry per destination core, not per synapse. Rows are a few per neuron and
// these tables are most of a loaded chip's memory, so they are typed arrays filled in place (no per-neuron
// arrays), and a source read by one projection alone shares that projection's rows as its destinations.

import type { Connectivity } from "../../compiler/nmir/connectivity.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import { type AxisTable, convAxes } from "../reference/deliver.js";
import type { ProjectionRun } from "../reference/projection.js";
import type { Layout } from "./layout.js";

/** Row entries: 16 bits when every value fits (slots of fewer than 65,536 cores, counts below 65,536). */
export type RowInts = Int32Array | Uint16Array;

/** CSR over source neurons of destination slots, ascending per neuron. */
export interface DestTable {
  start: Int32Array;
  slot: RowInts;
}

/** A DestTable with the synaptic ops (nonzero synapses) of each (source neuron, destination slot) row. */
export interface SlotTable extends DestTable {
  count: RowInts;
}

/** Non-negative ints filled by push, grown by half again when full; `done` gives the filled part (a copy). */
class IntList {
  n = 0;
  private a = new Int32Array(1024);
  private max = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(Math.ceil(this.a.length * 1.5));
      b.set(this.a);
      this.a = b;
    }
    if (x > this.max) this.max = x;
    this.a[this.n++] = x;
  }
  /** The values, 16-bit when they fit. */
  done(): RowInts {
    const part = this.a.subarray(0, this.n);
    const out = this.max < 65536 ? Uint16Array.from(part) : part.slice();
    this.a = new Int32Array(0);
    return out;
  }
}

/** Sorts the first n entries ascending (insertion sort for the usual few rows of a neuron). */
function sortSmall(x: Int32Array, n: number): void {
  if (n > 32) {
    x.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = x[i]!;
    let j = i - 1;
    while (j >= 0 && x[j]! > v) {
      x[j + 1] = x[j]!;
      j--;
    }
    x[j + 1] = v;
  }
}

/** Per projection: synaptic ops per (source neuron, destination slot). */
export function synapseTable(run: ProjectionRun, layout: Layout): SlotTable {
  const { fan } = run;
  const dstSlot = layout.slotOf.get(run.p.dst)!;
  const perSlot = new Int32Array(layout.slots);
  const touched = new Int32Array(layout.slots);
  let nTouched = 0;
  const start = new Int32Array(fan.inSize + 1);
  const slots = new IntList();
  const counts = new IntList();
  const visit = (j: number, w: number) => {
    if (w === 0) return;
    const s = dstSlot[j]!;
    if (perSlot[s] === 0) touched[nTouched++] = s;
    perSlot[s]!++;
  };
  const conn = run.p.connectivity;
  const conv = conn.kind === "conv1d" || conn.kind === "conv2d" ? new ConvWalk(conn) : undefined;
  for (let i = 0; i < fan.inSize; i++) {
    if (conv) nTouched = conv.count(i, dstSlot, perSlot, touched, nTouched);
    else fan.forEach(i, visit);
    sortSmall(touched, nTouched);
    for (let k = 0; k < nTouched; k++) {
      const s = touched[k]!;
      slots.push(s);
      counts.push(perSlot[s]!);
      perSlot[s] = 0;
    }
    nTouched = 0;
    start[i + 1] = slots.n;
  }
  return { start, slot: slots.done(), count: counts.done() };
}

/**
 * A conv kernel's synapses of one source neuron, walked without a call per synapse (the fan's `forEach` takes
 * a callback; loading a large model walks every synapse once, so this is most of its load time).
 */
class ConvWalk {
  private readonly w: Connectivity["weights"];
  private readonly rows: AxisTable;
  private readonly cols: AxisTable;
  private readonly plane: number;
  private readonly wd: number;
  private readonly cinG: number;
  private readonly taps: number;
  private readonly kw: number;
  private readonly wo: number;
  private readonly outPlane: number;
  private readonly coutG: number;

  constructor(c: Connectivity & { kind: "conv1d" | "conv2d" }) {
    const g = convAxes(c);
    [this.rows, this.cols, this.w] = [g.rows, g.cols, c.weights];
    [this.plane, this.wd, this.cinG, this.taps, this.kw] = [g.plane, g.wd, g.cinG, g.taps, g.kw];
    [this.wo, this.outPlane, this.coutG] = [g.wo, g.outPlane, g.coutG];
  }

  /** Adds source neuron i's nonzero synapses to perSlot (new slots appended to touched); returns nTouched. */
  count(i: number, dstSlot: Int32Array, perSlot: Int32Array, touched: Int32Array, nTouched: number): number {
    const { w, rows, cols, plane, wd, cinG, taps, kw, wo, outPlane, coutG } = this;
    const ci = Math.floor(i / plane);
    const y = Math.floor((i - ci * plane) / wd);
    const x = i - ci * plane - y * wd;
    const g = Math.floor(ci / cinG);
    const cil = ci - g * cinG;
    for (let co = g * coutG; co < (g + 1) * coutG; co++) {
      const wBase = (co * cinG + cil) * taps;
      const oBase = co * outPlane;
      for (let r = rows.start[y]!; r < rows.start[y + 1]!; r++) {
        const wRow = wBase + rows.tap[r]! * kw;
        const oRow = oBase + rows.out[r]! * wo;
        for (let s = cols.start[x]!; s < cols.start[x + 1]!; s++) {
          if (w[wRow + cols.tap[s]!] === 0) continue;
          const c = dstSlot[oRow + cols.out[s]!]!;
          if (perSlot[c] === 0) touched[nTouched++] = c;
          perSlot[c]!++;
        }
      }
    }
    return nTouched;
  }
}

/**
 * Per source id: CSR over its neurons of destination slots. A source read by one projection and no dynamic
 * matmul shares that projection's `start` and `slot` (the same rows); otherwise the union, built in place.
 */
export function destinationTables(
  ir: NmirModule,
  sizes: ReadonlyMap<string, number>,
  layout: Layout,
  synapses: ReadonlyMap<string, SlotTable>,
): Map<string, DestTable> {
  const out = new Map<string, DestTable>();
  const mark = new Uint8Array(layout.slots);
  const here = new Int32Array(layout.slots);
  for (const [src, n] of sizes) {
    const tables = ir.projections.filter((p) => p.src === src).map((p) => synapses.get(p.id)!);
    const readers = ir.dynamicMatmuls.filter((d) => d.a === src || d.b === src);
    const always = [...new Set(readers.flatMap((d) => layout.slices.get(d.id)!.map((s) => s.slot)))];
    if (tables.length === 1 && always.length === 0) {
      out.set(src, { start: tables[0]!.start, slot: tables[0]!.slot });
      continue;
    }
    const start = new Int32Array(n + 1);
    const slots = new IntList();
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (const s of always) {
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
      for (let k = 0; k < m; k++) {
        slots.push(here[k]!);
        mark[here[k]!] = 0;
      }
      start[i + 1] = slots.n;
    }
    out.set(src, { start, slot: slots.done() });
  }
  return out;
}
