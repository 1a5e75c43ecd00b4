// OperandsReady (one pass over each operand's events) against its definition: for each slot of the matmul,
// each event of each operand searched for its first row to that slot, the latest of those arrivals. Random
// destination lists (split into low and high slots or not), bit-plane payloads with no bit set, and arrival
// buffers cut down to a window of slots as ArrivalTrim leaves them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { popcount } from "../../compiler/mapping/encoding.js";
import type { Frame } from "../reference/schedule.js";
import { OperandsReady } from "./arrival-trim.js";
import type { UnitPlan } from "./model-plan.js";
import type { ArrivalStore, SourceArrivals } from "./scratch.js";
import type { DestTable } from "./tables.js";

const SLOTS = 40;

interface Operand {
  d: DestTable;
  lists: number[][];
  f: Frame;
  planes: number;
  a: SourceArrivals;
}

/** A source of `lists` (neuron i's slots ascending), `events` of it firing, arrivals kept in [floor, ceil]. */
function operand(
  lists: number[][],
  events: { i: number; v: number }[],
  planes: number,
  split: number | undefined,
  floor: number,
  ceil: number,
  times: number[],
): Operand {
  const rowStart = new Int32Array(lists.length + 1);
  lists.forEach((l, i) => {
    rowStart[i + 1] = rowStart[i]! + l.length;
  });
  const flat = lists.flat();
  const d: DestTable = {
    listOf: Int32Array.from(lists, (_, i) => i),
    rowStart,
    slot: Int32Array.from(flat, (c) => (split !== undefined && c >= split ? c - split : c)),
  };
  if (split !== undefined)
    d.high = {
      from: Int32Array.from(lists, (l, i) => rowStart[i]! + l.filter((c) => c < split).length),
      at: split,
    };
  const values = new Float64Array(lists.length);
  for (const { i, v } of events) values[i] = v;
  const f: Frame = { values, idx: Int32Array.from(events, (e) => e.i), count: events.length, maxAbs: 0 };
  // each event's kept rows (slots in [floor, ceil]) stored back to back, as a cut leaves them
  const at = new Int32Array(events.length);
  const from = new Int32Array(events.length);
  const to = new Int32Array(events.length);
  const buf: number[] = [];
  events.forEach(({ i }, e) => {
    const l = lists[i]!;
    const q0 = l.findIndex((c) => c >= floor);
    const lo = q0 < 0 ? l.length : q0;
    const hi = l.filter((c) => c <= ceil).length;
    const kept = Math.max(0, hi - lo);
    at[e] = buf.length - lo;
    from[e] = lo;
    // an uncut buffer's bound lies past the list's end
    to[e] = floor === 0 && ceil === SLOTS ? 2 ** 31 - 1 : lo + kept;
    for (let q = 0; q < kept; q++) buf.push(times[(buf.length * 7 + e) % times.length]!);
  });
  const a: SourceArrivals = {
    buf: Float64Array.from(buf),
    at,
    from,
    to,
    floor,
    ceil,
    checkedFloor: floor,
    checkedCeil: ceil,
  };
  return { d, lists, f, planes, a };
}

/** The definition: per slot, each event's first row there, the latest arrival (0: none). */
function readyBySearch(ops: Operand[], slots: number[]): number[] {
  return slots.map((c) => {
    let ready = 0;
    for (const { lists, f, planes, a } of ops)
      for (let e = 0; e < f.count; e++) {
        const i = f.idx[e]!;
        if (planes > 0 && popcount(f.values[i]!, planes) === 0) continue;
        const q = lists[i]!.indexOf(c);
        if (q >= 0) ready = Math.max(ready, a.buf[a.at[e]! + q]!);
      }
    return ready;
  });
}

const slotList = fc
  .uniqueArray(fc.integer({ min: 0, max: SLOTS - 1 }), { maxLength: 12 })
  .map((l) => l.sort((x, y) => x - y));

const operandArb = fc
  .record({
    lists: fc.array(slotList, { minLength: 1, maxLength: 8 }),
    fire: fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 15 })), { minLength: 8, maxLength: 8 }),
    planes: fc.constantFrom(0, 0, 2, 4),
  })
  .map(({ lists, fire, planes }) => ({
    lists,
    planes,
    events: lists.flatMap((_, i) => (fire[i]![0] ? [{ i, v: planes > 0 ? fire[i]![1] : 1 }] : [])),
  }));

describe("OperandsReady", () => {
  it("gives each slot its operands' latest first-row arrival, as searching every event for the slot does", () => {
    fc.assert(
      fc.property(
        fc.array(operandArb, { minLength: 1, maxLength: 2 }),
        fc.option(fc.integer({ min: 1, max: SLOTS - 1 }), { nil: undefined }),
        fc.tuple(fc.integer({ min: 0, max: SLOTS }), fc.integer({ min: 0, max: SLOTS })),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        (specs, split, [x, y], times, calls) => {
          // uncut (the whole window) or cut to [floor, ceil]; the matmul's slots lie inside the window
          const [floor, ceil] = x === y ? [0, SLOTS] : [Math.min(x, y), Math.max(x, y)];
          const ops = specs.map((s) => operand(s.lists, s.events, s.planes, split, floor, ceil, times));
          const slots = Array.from({ length: SLOTS }, (_, c) => c).filter((c) => c >= floor && c <= ceil);
          const u = { slots: Int32Array.from(slots), operands: ops.map((_, k) => k) } as unknown as UnitPlan;
          const store = { entries: (s: number) => ops[s]!.a } as unknown as ArrivalStore;
          const want = readyBySearch(ops, slots);
          // called again (the same matmul next step): stamps from earlier calls must not hide a row
          const r = new OperandsReady(SLOTS);
          for (let k = 0; k < calls; k++) {
            const ready = r.of(
              u,
              store,
              ops.map((o) => o.d),
              (s) => ops[s]!.f,
              Int32Array.from(ops, (o) => o.planes),
            );
            expect(slots.map((c) => ready[c]!)).toEqual(want);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
