// The per-unit plan of the chip model (model.ts): for every population and dynamic matmul, the slots holding it,
// its inputs with their synapse tables, lags, AC/MAC kind and bit planes, and whether each input's work waits
// for this step's packets (layer-sync, delay 0). Built once when a mapping is loaded.

import { encodingsOf, popcount } from "../../compiler/mapping/encoding.js";
import { runsAsTerms } from "../../compiler/mapping/term-nodes.js";
import type { DynamicMatmul } from "../../compiler/nmir/types.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { Frame } from "../reference/schedule.js";
import { AC, MAC } from "./costs.js";
import type { Datapath, Unit } from "./datapath.js";
import type { Layout } from "./layout.js";
import { MatmulSplit } from "./matmul-split.js";
import { type DestTable, highAt, highFrom, type SlotTable } from "./tables.js";

interface InPlan {
  src: number;
  lag: number;
  kind: number;
  table: SlotTable;
  /** Consumed in the step it was sent (layer-sync, delay 0): work waits for the packets. */
  sameStep: boolean;
  /** Bit planes of the source (0: its events arrive as they are). */
  planes: number;
}

export interface UnitPlan {
  unit: Unit;
  src: number;
  slotOf: Int32Array;
  /** Distinct slots holding the unit, ascending, and its neurons on each. */
  slots: Int32Array;
  counts: Int32Array;
  /** Active neurons on each of those slots in the last update (populations; the datapath counts them). */
  active: Float64Array;
  inputs: InPlan[];
  operands: number[];
  spikes: boolean;
  /** Bit planes of the unit's own events (0: sent as they are). */
  planes: number;
  prevAc: number;
  prevMac: number;
  /**
   * A matmul realised by term neurons on a chip with their neurons: its term rows' totals at the last step
   * (termTotals), for deltas; absent where the chip multiplies natively (one AC/MAC per product).
   */
  prevTerms?: Float64Array;
  /** A matmul's work per slot from the operands each reads. */
  split?: MatmulSplit;
}

/**
 * What a matmul's counted term neurons did in total so far: [AC, MAC] of their synapses (operands in, terms
 * to accumulators), [all, active] updates of terms and accumulators, and term events (spikes or products).
 */
export function termTotals(unit: Unit): Float64Array | undefined {
  if (unit.kind !== "matmul" || !unit.terms) return undefined;
  const { fromA, fromB, sum, terms, accumulators: acc } = unit.terms;
  return Float64Array.of(
    fromA.ac + fromB.ac + sum.ac,
    fromA.mac + fromB.mac + sum.mac,
    terms.neuronUpdates + acc.neuronUpdates,
    terms.activeNeuronUpdates + acc.activeNeuronUpdates,
    terms.spikes + terms.gradedEvents,
  );
}

/** The split of a matmul's work over its slots (ascending), by the slot of each output. */
function matmulSplit(dm: DynamicMatmul, slotOf: Int32Array, slots: Int32Array): MatmulSplit {
  const q = new Map<number, number>();
  slots.forEach((s, k) => {
    q.set(s, k);
  });
  return new MatmulSplit(
    dm,
    Int32Array.from(slotOf, (s) => q.get(s)!),
    slots.length,
  );
}

export function buildUnitPlans(
  dp: Datapath,
  profile: ChipProfile,
  layout: Layout,
  synapses: ReadonlyMap<string, SlotTable>,
  index: ReadonlyMap<string, number>,
): UnitPlan[] {
  const sameStep = dp.mode === "layer-sync";
  // the mapping carries exactly these (validateMapping checks them against the same rule)
  const enc = encodingsOf(dp.ir, profile);
  const planesOf = (id: string) => enc[id]?.bits ?? 0;
  return dp.plan.order.map((id) => {
    const unit = dp.units.get(id)!;
    const slotOf = layout.slotOf.get(id)!;
    const perSlot = new Map<number, number>();
    for (const s of layout.slices.get(id)!) perSlot.set(s.slot, (perSlot.get(s.slot) ?? 0) + s.count);
    const slots = Int32Array.from([...perSlot.keys()].sort((a, b) => a - b));
    const runs = unit.kind === "population" ? unit.projections.flat() : [];
    const active = new Float64Array(slots.length);
    if (unit.kind === "population") {
      const q = new Int32Array(layout.slots);
      slots.forEach((s, k) => {
        q[s] = k;
      });
      unit.coreOf = Int32Array.from(slotOf, (s) => q[s]!);
      unit.activeByCore = active;
    }
    return {
      unit,
      src: index.get(id)!,
      slotOf,
      slots,
      counts: Int32Array.from(slots, (s) => perSlot.get(s)!),
      active,
      inputs: runs.map((r) => {
        const table = synapses.get(r.p.id)!;
        const src = index.get(r.p.src)!;
        const same = sameStep && r.lag === 0;
        return {
          src,
          lag: r.lag,
          kind: r.tally.srcEvent === "spike" || planesOf(r.p.src) > 0 ? AC : MAC,
          table,
          sameStep: same,
          planes: planesOf(r.p.src),
        };
      }),
      operands: unit.kind === "matmul" ? [index.get(unit.dm.a)!, index.get(unit.dm.b)!] : [],
      spikes: unit.kind === "population" && unit.pop.output.kind === "spike",
      planes: planesOf(id),
      prevAc: 0,
      prevMac: 0,
      // realised by term neurons, charged as such where the chip has their neurons (as the mapper placed it)
      ...(unit.kind === "matmul" && runsAsTerms(profile, unit.dm) ? { prevTerms: new Float64Array(5) } : {}),
      ...(unit.kind === "matmul" ? { split: matmulSplit(unit.dm, slotOf, slots) } : {}),
    };
  });
}

/**
 * Per source, the last phase reading its arrivals in the step they were sent (−1: none): layer-sync inputs with
 * no delay, and a dynamic matmul's operands when it reads them in the same step (matmulLag 0).
 */
export function lastSameStepReaders(phases: UnitPlan[][], sources: number, matmulLag: number): Int32Array {
  const until = new Int32Array(sources).fill(-1);
  phases.forEach((phase, k) => {
    for (const u of phase) {
      for (const ip of u.inputs) if (ip.sameStep) until[ip.src] = k;
      if (matmulLag === 0) for (const si of u.operands) until[si] = k;
    }
  });
  // arrivals are written into the buffer of the source the phase sent: one unit per phase (layer-sync)
  if (until.some((k) => k >= 0) && phases.some((p) => p.length > 1))
    throw new Error("same-step arrivals need one unit per phase (layer-sync)");
  return until;
}

/**
 * The first row of d's list k whose slot is at least `slot` (a list's rows ascend by slot), by binary search:
 * a residual stream's term has rows for every later block, most of them before one reader's.
 */
export function firstRowAt(d: DestTable, k: number, slot: number): number {
  const high = highFrom(d, k);
  const at = highAt(d);
  let lo = d.rowStart[k]!;
  let hi = d.rowStart[k + 1]! - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((mid >= high ? at + d.slot[mid]! : d.slot[mid]!) < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The packets `emit` sends for frame f of a source with destination table d: per event and set bit plane, one
 * per destination row (multicast: one, when it has any). */
export function packetsOf(f: Frame, d: DestTable, planes: number, multicast: boolean): number {
  let n = 0;
  for (let e = 0; e < f.count; e++) {
    const i = f.idx[e]!;
    const k = d.listOf[i]!;
    const rows = d.rowStart[k + 1]! - d.rowStart[k]!;
    n += (planes > 0 ? popcount(f.values[i]!, planes) : 1) * (multicast ? Math.min(1, rows) : rows);
  }
  return n;
}

/**
 * The work items ChipModel.unitStep pushes for unit u, added to `count` by core: one per synapse row of every
 * event whose work waits for its packet (same-step inputs; `frameOf` gives an input's frame this step), on the
 * row's core, and one per slot of a dynamic matmul with no lag.
 */
export function countItems(
  u: UnitPlan,
  matmulLag: number,
  frameOf: (ip: UnitPlan["inputs"][number]) => Frame | undefined,
  count: Int32Array,
): void {
  if (u.unit.kind === "matmul" && matmulLag === 0)
    for (let q = 0; q < u.slots.length; q++) count[u.slots[q]!]!++;
  for (const ip of u.inputs) {
    if (!ip.sameStep) continue;
    const f = frameOf(ip);
    if (!f) continue;
    const { listOf, rowStart, slot } = ip.table;
    for (let e = 0; e < f.count; e++) {
      const sk = listOf[f.idx[e]!]!;
      const end = rowStart[sk + 1]!;
      for (let r = rowStart[sk]!; r < end; r++) count[slot[r]!]!++;
    }
  }
}
