// The stable (key, time) orders of time-order.ts against a comparator sort, on times made to crowd the buckets:
// equal times, a few distinct values interleaved, far outliers, values spread over many scales.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderByTime, type Scratch, sortItemsByKeyTime, sortRunByTime } from "./time-order.js";

/** Times as a phase makes them, and worse: per-core arithmetic runs, duplicates, outliers, powers of two. */
const times = fc.oneof(
  fc.array(
    fc.integer({ min: 0, max: 40 }).map((k) => k / 4),
    { maxLength: 2000, size: "max" },
  ),
  fc.array(fc.constantFrom(3.25, 1e9, 7.5), { maxLength: 2000, size: "max" }),
  fc.array(
    fc.integer({ min: -60, max: 60 }).map((k) => 2 ** k),
    { maxLength: 2000, size: "max" },
  ),
  fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { maxLength: 2000, size: "max" }),
  fc
    .tuple(
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 200 }),
      fc.double({ min: 0.5, max: 5, noNaN: true }),
    )
    .map(([cores, per, dt]) => {
      // cores' packet times interleaved in frame order, each core's runs from its own start
      const out: number[] = [];
      for (let k = 0; k < per; k++) for (let c = 0; c < cores; c++) out.push(c * 1.75 + k * dt);
      return out;
    }),
  // a phase's packets core after core: a few ascending runs (merged, not bucketed), ties within and across
  fc
    .array(
      fc.array(
        fc.integer({ min: 0, max: 60 }).map((k) => k / 2),
        { maxLength: 300, size: "max" },
      ),
      { minLength: 1, maxLength: 20 },
    )
    .map((runs) => runs.flatMap((r) => [...r].sort((a, b) => a - b))),
);

const byTime = (ts: readonly number[]) => ts.map((_, i) => i).sort((x, y) => ts[x]! - ts[y]! || x - y);

describe("sortRunByTime", () => {
  it("orders indices by (time, insertion) like a stable comparator sort, on a run inside the array too", () => {
    fc.assert(
      fc.property(times, fc.integer({ min: 0, max: 5 }), (ts, pad) => {
        const n = ts.length;
        const order = new Int32Array(n + 2 * pad);
        for (let i = 0; i < n; i++) order[pad + i] = i;
        order.fill(-7, 0, pad);
        order.fill(-7, pad + n);
        sortRunByTime(Float64Array.from(ts), order, pad, pad + n, new Int32Array(2 * n + 2));
        expect([...order.subarray(pad, pad + n)]).toEqual(byTime(ts));
        // nothing outside the run is touched
        expect([...order.subarray(0, pad), ...order.subarray(pad + n)].every((x) => x === -7)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("sorts 2,000,000 packets of 2,000 cores interleaved, late cores first, in seconds", () => {
    const cores = 2000;
    const n = 2_000_000;
    const time = new Float64Array(n);
    // core c's k-th packet at (cores − c)·1000 + k·4.2: each bucket of the first round holds many cores' times
    for (let i = 0; i < n; i++) time[i] = (cores - (i % cores)) * 1000 + Math.floor(i / cores) * 4.2;
    time[n - 1] = 1e12;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    sortRunByTime(time, order, 0, n, new Int32Array(2 * n + 2));
    for (let k = 1; k < n; k++) {
      const [a, b] = [order[k - 1]!, order[k]!];
      if (time[a]! > time[b]! || (time[a] === time[b] && a > b)) expect.fail(`out of order at ${k}`);
    }
  }, 20_000);
});

describe("orderByTime", () => {
  it("orders 0..n − 1 by (time, insertion) like a stable comparator sort", () => {
    fc.assert(
      fc.property(times, (ts) => {
        const order = new Int32Array(ts.length);
        orderByTime(Float64Array.from(ts), ts.length, order, (size) => new Int32Array(size));
        expect([...order]).toEqual(byTime(ts));
      }),
      { numRuns: 300 },
    );
  });

  it("asks for n + 1 indices of scratch where times spread, twice the crowded bucket where they crowd", () => {
    const asked: number[] = [];
    const scratch: Scratch = (size) => {
      asked.push(size);
      return new Int32Array(size);
    };
    const n = 100_000;
    orderByTime(
      Float64Array.from({ length: n }, (_, i) => (i * 7919) % n),
      n,
      new Int32Array(n),
      scratch,
    );
    expect(Math.max(...asked)).toBe(n + 1);
    asked.length = 0;
    // 1,000 times crowd one bucket by a far outlier: 2 · 1,000 + 2 more
    const crowded = Float64Array.from({ length: n }, (_, i) => (i < 1000 ? 1 + i / 1e6 : (n - i) * 10 + 100));
    const order = new Int32Array(n);
    orderByTime(crowded, n, order, scratch);
    expect(asked).toEqual([n + 1, 2 * 1000 + 2]);
    expect([...order]).toEqual(byTime([...crowded]));
  });
});

describe("sortItemsByKeyTime", () => {
  /** Sorts the columns (values: insertion indices) and returns the order they give. */
  const sortedOrder = (key: Int32Array, time: Float64Array) => {
    const n = key.length;
    const value = Float64Array.from({ length: n }, (_, i) => i);
    const [k0, t0] = [key.slice(), time.slice()];
    sortItemsByKeyTime(key, time, value, n, (size) => new Int32Array(size));
    // every item's key and time travel with its value
    expect([...key]).toEqual(Array.from(value, (i) => k0[i]!));
    expect([...time]).toEqual(Array.from(value, (i) => t0[i]!));
    return {
      order: [...value],
      want: [...k0.keys()].sort((x, y) => k0[x]! - k0[y]! || t0[x]! - t0[y]! || x - y),
    };
  };

  it("orders items by (key, time, insertion) like a stable comparator sort", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 12 })), {
          maxLength: 800,
        }),
        fc.integer({ min: 0, max: 3000 }),
        (xs, far) => {
          const key = Int32Array.from(xs, ([k]) => (k === 9 ? far : k));
          const time = Float64Array.from(xs, ([, t], i) => (i % 97 === 5 ? 1e15 : t * 1.05));
          const { order, want } = sortedOrder(key, time);
          expect(order).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("orders long key runs like a stable comparator sort", () => {
    fc.assert(
      fc.property(times, fc.integer({ min: 1, max: 4 }), fc.integer(), (ts, keys, seed) => {
        const key = Int32Array.from(ts, (_, i) => ((i * 7 + seed) >>> 0) % (keys + (i % 2)));
        const { order, want } = sortedOrder(key, Float64Array.from(ts));
        expect(order).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it("asks for the pairs, the positions and the rounds' scratch, no more", () => {
    const n = 1000;
    const key = Int32Array.from({ length: n }, (_, i) => i % 3);
    const time = Float64Array.from({ length: n }, (_, i) => (i * 37) % 101);
    const asked: number[] = [];
    sortItemsByKeyTime(key, time, new Float64Array(n), n, (size) => {
      asked.push(size);
      return new Int32Array(size);
    });
    // runs of 334, 333, 333: 4n + 334 (even) + 2·334 + 2
    expect(asked).toEqual([4 * n + 334 + 2 * 334 + 2]);
  });
});
