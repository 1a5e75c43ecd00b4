// The scheduler's key heap against a plain scan for the minimum: random pushes, pops, re-keyed minimums and
// clears, with many equal times (the tie decides), past its first growth — the same entry on top every time.

import { describe, expect, it } from "vitest";
import { rng } from "../../../compiler/mapping/math.js";
import { KeyHeap } from "./schedule.js";

interface Entry {
  time: number;
  tie: number;
  value: number;
}

const before = (a: Entry, b: Entry) => a.time < b.time || (a.time === b.time && a.tie < b.tie);

function smallest(entries: Entry[]): number {
  let best = 0;
  for (let i = 1; i < entries.length; i++) if (before(entries[i]!, entries[best]!)) best = i;
  return best;
}

describe("KeyHeap", () => {
  it("keeps the smallest (time, tie) on top, as a scan of every entry finds it", () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = rng(seed);
      const heap = new KeyHeap();
      let entries: Entry[] = [];
      let nextTie = 0;
      // few distinct times: equal times are common and the tie orders them
      const time = () => (r() < 0.5 ? Math.floor(r() * 8) : r() * 8);
      for (let op = 0; op < 6000; op++) {
        const x = r();
        if (entries.length === 0 || x < 0.45) {
          const e = { time: time(), tie: nextTie++, value: Math.floor(r() * 1000) };
          heap.push(e.time, e.tie, e.value);
          entries.push(e);
        } else if (x < 0.7) {
          entries.splice(smallest(entries), 1);
          heap.pop();
        } else if (x < 0.998) {
          const top = entries[smallest(entries)]!;
          top.time = time();
          top.tie = nextTie++;
          heap.replaceTop(top.time, top.tie);
        } else {
          entries = [];
          heap.clear();
        }
        expect(heap.size).toBe(entries.length);
        if (entries.length) {
          const top = entries[smallest(entries)]!;
          expect([heap.topTime(), heap.topValue()]).toEqual([top.time, top.value]);
        }
      }
      // it grew past its first 64 entries along the way
      expect(nextTie).toBeGreaterThan(64);
    }
  });

  it("grows past 64 entries and pops them all in order", () => {
    const heap = new KeyHeap();
    const r = rng(9);
    const entries = Array.from({ length: 300 }, (_, i) => ({ time: Math.floor(r() * 20), tie: i, value: i }));
    for (const e of entries) heap.push(e.time, e.tie, e.value);
    const popped: number[] = [];
    while (heap.size) {
      popped.push(heap.topValue());
      heap.pop();
    }
    const sorted = [...entries].sort((a, b) => (before(a, b) ? -1 : 1)).map((e) => e.value);
    expect(popped).toEqual(sorted);
  });
});
