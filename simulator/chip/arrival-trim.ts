// Dropping this step's arrival times as soon as no phase still to run reads them: a source's deliveries go to
// the cores of readers in different phases (a residual stream's term to every later block), and once a phase
// is done the rows to slots outside every later reader's slots are dead. Each list's rows ascend by slot, so the
// rows of an event to slots from the lowest to the highest a later reader reads at are one run of its list, and
// the buffer is copied down to those runs.

import { popcount } from "../../compiler/mapping/encoding.js";
import type { Frame } from "../reference/schedule.js";
import type { UnitPlan } from "./model-plan.js";
import type { ArrivalStore, SourceArrivals } from "./scratch.js";
import { type DestTable, highAt, highFrom } from "./tables.js";

/** The first row of d's list k from row `lo` on whose slot is at least `slot` (the list's end when none is). */
function firstRowFrom(d: DestTable, k: number, lo: number, slot: number): number {
  const high = highFrom(d, k);
  const at = highAt(d);
  let hi = d.rowStart[k + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((mid >= high ? at + d.slot[mid]! : d.slot[mid]!) < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class ArrivalTrim {
  /**
   * Per source, the phases reading its arrivals in the step they were sent (ascending), and from each of them
   * on the lowest and highest slot such a phase reads at (a unit reads only at its own slots): after phase p,
   * the rows to slots outside the window of the first reader after p are read by nothing.
   */
  private readonly readers: Int32Array[];
  private readonly floors: Int32Array[];
  private readonly ceils: Int32Array[];
  private scratch = new Int32Array(1024);

  constructor(phases: UnitPlan[][], sources: number, matmulLag: number) {
    const lists: { phase: number; slot: number; top: number }[][] = Array.from({ length: sources }, () => []);
    phases.forEach((phase, k) => {
      for (const u of phase) {
        const low = u.slots.length > 0 ? u.slots[0]! : Number.MAX_SAFE_INTEGER;
        const top = u.slots.length > 0 ? u.slots[u.slots.length - 1]! : -1;
        const read = new Set<number>();
        for (const ip of u.inputs) if (ip.sameStep) read.add(ip.src);
        if (matmulLag === 0) for (const si of u.operands) read.add(si);
        for (const s of read) {
          const l = lists[s]!;
          const last = l[l.length - 1];
          if (last?.phase === k) [last.slot, last.top] = [Math.min(last.slot, low), Math.max(last.top, top)];
          else l.push({ phase: k, slot: low, top });
        }
      }
    });
    this.readers = lists.map((l) => Int32Array.from(l, (x) => x.phase));
    this.floors = lists.map((l) => {
      const f = new Float64Array(l.length);
      for (let j = l.length - 1, m = Number.MAX_SAFE_INTEGER; j >= 0; j--) f[j] = m = Math.min(m, l[j]!.slot);
      return Int32Array.from(f, (x) => Math.min(x, 2 ** 31 - 1));
    });
    this.ceils = lists.map((l) => {
      const c = new Int32Array(l.length);
      for (let j = l.length - 1, m = -1; j >= 0; j--) c[j] = m = Math.max(m, l[j]!.top);
      return c;
    });
  }

  /** The first of source s's readers after `phase` (−1: none), whose floor and ceiling are the window. */
  private nextReader(s: number, phase: number): number {
    const r = this.readers[s]!;
    let lo = 0;
    let hi = r.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid]! <= phase) lo = mid + 1;
      else hi = mid;
    }
    return lo < r.length ? lo : -1;
  }

  /**
   * After `phase`: each held source's arrivals cut down to the rows a later phase reads, when that frees at
   * least half of its buffer (all cuts together copy at most its first size: cutting at an eighth freed, up to
   * 7 times, made a fresh buffer each time, and its copies and page faults cost the active spikformer-8-768 at
   * 224×224 ≈ 19 s for ≈ 0.4 GB less at the peak); a source no later phase reads is released.
   * `frame(s)`: source s's events this step; `planes[s]`: its bit planes.
   */
  after(
    phase: number,
    store: ArrivalStore,
    dest: readonly DestTable[],
    frame: (s: number) => Frame,
    planes: Int32Array,
  ): void {
    for (const s of [...store.sources()]) {
      const j = this.nextReader(s, phase);
      if (j < 0) store.release(s);
      else {
        const a = store.entries(s)!;
        const floor = this.floors[s]![j]!;
        const ceil = this.ceils[s]![j]!;
        if (floor > a.checkedFloor || ceil < a.checkedCeil)
          this.cut(a, dest[s]!, frame(s), planes[s]!, floor, ceil);
      }
    }
  }

  private cut(a: SourceArrivals, d: DestTable, f: Frame, planes: number, floor: number, ceil: number): void {
    // the window only narrows (floors ascend, ceilings descend along the readers)
    a.checkedFloor = floor;
    a.checkedCeil = ceil;
    const n = f.count;
    if (this.scratch.length < 2 * n) this.scratch = new Int32Array(2 * n + (n >> 1));
    const q0 = this.scratch;
    const q1 = this.scratch.subarray(n);
    let kept = 0;
    for (let e = 0; e < n; e++) {
      const i = f.idx[e]!;
      const k = d.listOf[i]!;
      const r0 = d.rowStart[k]!;
      const rows = d.rowStart[k + 1]! - r0;
      // an event with no bit set sent nothing and is read as no wait
      const bits = planes > 0 ? popcount(f.values[i]!, planes) : 1;
      const end = Math.min(rows, a.to[e]!);
      q0[e] = bits > 0 ? Math.min(firstRowFrom(d, k, r0 + a.from[e]!, floor) - r0, end) : end;
      // rows to slots past the ceiling: the first row at ceil + 1 or more, within the rows still kept
      q1[e] = Math.min(firstRowFrom(d, k, r0 + q0[e]!, ceil + 1) - r0, end);
      kept += q1[e]! - q0[e]!;
    }
    if (kept > a.buf.length * 0.5) return;
    const old = a.buf;
    const buf = new Float64Array(kept);
    let w = 0;
    for (let e = 0; e < n; e++) {
      const q = q0[e]!;
      const len = q1[e]! - q;
      const src = a.at[e]! + q;
      // a long run as one block copy (a view costs an allocation: not worth it for a few entries)
      if (len > 64) buf.set(old.subarray(src, src + len), w);
      else for (let j = 0; j < len; j++) buf[w + j] = old[src + j]!;
      a.at[e] = w - q;
      a.from[e] = q;
      a.to[e] = q + len;
      w += len;
    }
    a.buf = buf;
    a.floor = floor;
    a.ceil = ceil;
  }
}

/**
 * When the last packet of a source's events this step reached each slot: ready[c] = max(ready[c], that time)
 * for every slot c its kept rows go to (slots no packet reached keep their value). One pass over the frame's
 * events in order, each event's kept rows (SourceArrivals: the rows to slots a reader still to run reads at),
 * the first row to a slot per event only, as a search of the event's rows for c would find it. `seen` is
 * scratch, one entry per slot, with no entry at or above `stamp` (the next free stamp, returned advanced).
 */
function lastArrivals(
  a: SourceArrivals | undefined,
  d: DestTable,
  f: Frame,
  planes: number,
  ready: Float64Array,
  seen: Int32Array,
  stamp: number,
): number {
  if (!a) return stamp;
  const { buf, at, from, to } = a;
  const dSlot = d.slot;
  const dAt = highAt(d);
  for (let e = 0; e < f.count; e++) {
    const i = f.idx[e]!;
    // an event with no bit set sent nothing and is read as no wait
    if (planes > 0 && popcount(f.values[i]!, planes) === 0) continue;
    const k = d.listOf[i]!;
    const r0 = d.rowStart[k]!;
    // kept rows: to[e] is a bound past the list's end until a cut sets it
    const r1 = Math.min(d.rowStart[k + 1]!, r0 + to[e]!);
    const rHigh = highFrom(d, k);
    const s = stamp++;
    const base = at[e]! - r0;
    for (let r = r0 + from[e]!; r < r1; r++) {
      const c = r >= rHigh ? dAt + dSlot[r]! : dSlot[r]!;
      if (seen[c] === s) continue;
      seen[c] = s;
      const x = buf[base + r]!;
      if (x > ready[c]!) ready[c] = x;
    }
  }
  return stamp;
}

/** Per slot of a dynamic matmul, when the last packet of its operands reached it this step. */
export class OperandsReady {
  private readonly ready: Float64Array;
  /** Per slot, the stamp of the last event seen reaching it (lastArrivals); stamps number events across calls. */
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(slots: number) {
    this.ready = new Float64Array(slots);
    this.seen = new Int32Array(slots).fill(-1);
  }

  /** ready[c] for each slot c of u: its operands' last arrival there (0: none came). Valid until the next call. */
  of(
    u: UnitPlan,
    store: ArrivalStore,
    dest: readonly DestTable[],
    frame: (s: number) => Frame,
    planes: Int32Array,
  ): Float64Array {
    const { ready } = this;
    for (let q = 0; q < u.slots.length; q++) ready[u.slots[q]!] = 0;
    // restarted long before the stamps could overflow
    if (this.stamp > 2 ** 30) {
      this.seen.fill(-1);
      this.stamp = 0;
    }
    for (const si of u.operands)
      this.stamp = lastArrivals(
        store.entries(si),
        dest[si]!,
        frame(si),
        planes[si]!,
        ready,
        this.seen,
        this.stamp,
      );
    return ready;
  }
}
