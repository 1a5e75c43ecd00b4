import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArrivalStore, PacketBuffer, RELEASE_ENTRIES } from "./scratch.js";

describe("PacketBuffer.sortByTime", () => {
  it("orders packet indices by (time, insertion); columns stay where they were pushed", () => {
    const buf = new PacketBuffer();
    buf.keepRows(true);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 3000 }), (times) => {
        buf.clear();
        times.forEach((t, i) => {
          buf.push(t, 5 * i, 7 * i, 3 * i + 1);
        });
        expect(buf.sortByTime()).toBe(times.length);
        const want = times.map((_, i) => i).sort((x, y) => times[x]! - times[y]! || x - y);
        const order = [...buf.order.subarray(0, times.length)];
        expect(order).toEqual(want);
        expect(order.map((i) => [buf.time[i], buf.pair[i], buf.row[i], buf.entry[i]])).toEqual(
          want.map((i) => [times[i], 5 * i, 7 * i, 3 * i + 1]),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("orders times crowded into one bucket by a far outlier (the merge path) as (time, insertion)", () => {
    const buf = new PacketBuffer();
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 70, maxLength: 2000 }),
        fc.integer({ min: 0, max: 69 }),
        (ticks, at) => {
          buf.clear();
          // quarter-cycle times (exact) and one packet far later: the rest crowd the first bucket
          const times = ticks.map((k) => k / 4);
          times[at] = 1e9;
          times.forEach((t) => {
            buf.push(t, 0, 0, 0);
          });
          buf.sortByTime();
          const want = times.map((_, i) => i).sort((x, y) => times[x]! - times[y]! || x - y);
          expect([...buf.order.subarray(0, times.length)]).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("sorts 400,000 crowded packets, late ones first, in well under the quadratic insertion's minute", () => {
    const buf = new PacketBuffer();
    const n = 400_000;
    // a late core's packets first, then an early core's, crowded into one bucket by a far outlier
    for (let i = 0; i < n; i++) buf.push(i < n / 2 ? 1000 + i / n : i / n, 0, 0, 0);
    buf.push(1e9, 0, 0, 0);
    buf.sortByTime();
    const o = buf.order;
    expect([o[0], o[n / 2 - 1], o[n / 2], o[n - 1], o[n]]).toEqual([n / 2, n - 1, 0, n / 2 - 1, n]);
  }, 20_000);

  it("holds one index per packet beside time and pair; rows and entries only when asked for", () => {
    const buf = new PacketBuffer();
    for (let i = 0; i < 5000; i++) buf.push(i, i, i, i);
    const m = buf.time.length;
    expect([buf.pair.length, buf.order.length, buf.row.length, buf.entry.length]).toEqual([m, m, 0, 0]);
    buf.keepRows(true);
    expect([buf.row.length, buf.entry.length]).toEqual([m, m]);
    // no other array per packet (a sorted copy of each column, bucket numbers)
    const perPacket = Object.entries(buf)
      .filter(([, v]) => ArrayBuffer.isView(v) && (v as Int32Array).length === m)
      .map(([k]) => k)
      .sort();
    expect(perPacket).toEqual(["entry", "order", "pair", "row", "time"]);
  });
});

const NO_EVENTS = new Int32Array(0);

describe("reserve", () => {
  it("makes room once for the packets to come, keeping those held, and never grows while they are pushed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (phases, rows) => {
          const buf = new PacketBuffer();
          buf.keepRows(rows);
          let pushed = 0;
          for (const n of phases) {
            buf.reserve(n);
            const time = buf.time;
            for (let i = 0; i < n; i++) buf.push(pushed + i, i, 2 * i, 3 * i);
            // the columns reserved are the ones filled: no growth (a copy of every column) while pushing
            expect(buf.time).toBe(time);
            expect(buf.time.length).toBeLessThanOrEqual(Math.max(1024, buf.n + (buf.n >> 3)));
            pushed += n;
          }
          expect(buf.n).toBe(pushed);
          expect([...buf.time.subarray(0, pushed)]).toEqual(
            phases.flatMap((n, p) => {
              const before = phases.slice(0, p).reduce((a, b) => a + b, 0);
              return Array.from({ length: n }, (_, i) => before + i);
            }),
          );
          if (rows) expect(buf.entry[pushed - 1]).toBe(3 * (phases.at(-1)! - 1));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("gives back a buffer grown past RELEASE_ENTRIES once used, and keeps a smaller one for the next phase", () => {
    const small = new PacketBuffer();
    small.keepRows(true);
    small.reserve(5000);
    const columns = [small.time, small.pair, small.row, small.entry];
    for (let i = 0; i < 5000; i++) small.push(i, i, i, i);
    small.release();
    expect(small.n).toBe(0);
    expect([small.time, small.pair, small.row, small.entry]).toEqual(columns);
    expect(small.time).toBe(columns[0]);
    const big = new PacketBuffer();
    big.keepRows(true);
    big.reserve(RELEASE_ENTRIES + 1);
    big.push(1, 2, 3, 4);
    big.release();
    expect([big.n, big.time.length, big.pair.length, big.row.length, big.entry.length]).toEqual([
      0, 1024, 1024, 1024, 1024,
    ]);
    big.push(5, 6, 7, 8);
    expect([big.time[0], big.pair[0], big.row[0], big.entry[0]]).toEqual([5, 6, 7, 8]);
  });
});

describe("ArrivalStore", () => {
  it("reuses freed buffers and keeps no more of them than were in use at once", () => {
    const store = new ArrivalStore();
    // two sources in use at once, then freed
    store.open(0, 100, NO_EVENTS).fill(1);
    store.open(1, 100, NO_EVENTS).fill(2);
    expect([store.of(0)[99], store.of(1)[99], store.of(2).length]).toEqual([1, 2, 0]);
    store.releaseAll();
    expect(store.heldEntries()).toBe(2 * 1024);
    // a fitting free buffer is reused
    expect(store.open(2, 1000, NO_EVENTS).length).toBe(1024);
    store.release(2);
    // growing traffic: a new buffer an eighth larger replaces the largest free one, too small
    for (const n of [5_000, 20_000, 80_000]) {
      expect(store.open(3, n, NO_EVENTS).length).toBe(n + n / 8);
      store.release(3);
    }
    expect(store.heldEntries()).toBe(1024 + 90_000);
  });

  it("gives a source no free buffer more than a quarter larger than it asks for", () => {
    const store = new ArrivalStore();
    store.open(0, 80_000, NO_EVENTS);
    store.release(0);
    // 90,000 free entries, written once: a 10,000-entry source gets a new buffer, the large one is dropped
    expect(store.open(1, 10_000, NO_EVENTS).length).toBe(11_250);
    store.release(1);
    expect(store.heldEntries()).toBe(11_250);
    // within a quarter: reused
    expect(store.open(2, 9_000, NO_EVENTS).length).toBe(11_250);
  });
});
