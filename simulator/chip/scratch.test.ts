import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ItemBuffer, PacketBuffer } from "./scratch.js";

describe("ItemBuffer.sort", () => {
  it("orders by (key, time, insertion) like a stable comparator sort, reusing its buffers", () => {
    const items = new ItemBuffer();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 6 })), {
          maxLength: 300,
        }),
        (xs) => {
          items.n = 0;
          for (const [k, t] of xs) items.push(k, t / 2, 0, 0, 0);
          const want = xs
            .map((_, i) => i)
            .sort((x, y) => xs[x]![0] - xs[y]![0] || xs[x]![1] - xs[y]![1] || x - y);
          expect([...items.sort().subarray(0, items.n)]).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("PacketBuffer.sortByTime", () => {
  it("orders packets by (time, insertion) and keeps pair and the insertion index with them", () => {
    const buf = new PacketBuffer();
    buf.keep(true, true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3000 }), (times) => {
        buf.clear();
        let [lo, hi] = [Infinity, -Infinity];
        times.forEach((t, i) => {
          buf.push(t, i, 7 * i, 3 * i + 1);
          [lo, hi] = [Math.min(lo, t), Math.max(hi, t)];
        });
        buf.bound(lo, hi);
        expect(buf.sortByTime()).toBe(times.length);
        const want = times.map((_, i) => i).sort((x, y) => times[x]! - times[y]! || x - y);
        expect([...buf.sPair.subarray(0, times.length)]).toEqual(want);
        expect([...buf.sTime.subarray(0, times.length)]).toEqual(want.map((i) => times[i]));
        expect([...buf.sIndex.subarray(0, times.length)]).toEqual(want);
        expect(want.map((i) => [buf.row[i], buf.entry[i]])).toEqual(want.map((i) => [7 * i, 3 * i + 1]));
      }),
      { numRuns: 100 },
    );
  });

  it("allocates the row, entry and index columns only when asked for", () => {
    const buf = new PacketBuffer();
    for (let i = 0; i < 5000; i++) buf.push(i, i, i, i);
    expect([buf.row.length, buf.entry.length, buf.sIndex.length]).toEqual([0, 0, 0]);
    buf.keep(false, true);
    expect([buf.row.length, buf.sIndex.length]).toEqual([0, buf.time.length]);
    buf.keep(true, true);
    expect([buf.row.length, buf.entry.length]).toEqual([buf.time.length, buf.time.length]);
  });
});
