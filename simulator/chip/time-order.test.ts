// The stable (key, time) orders of time-order.ts against a comparator sort, on times made to crowd the buckets:
// equal times, a few distinct values interleaved, far outliers, values spread over many scales.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byTime, times } from "./test-times.js";
import { orderByTime, type Scratch, sortRunByTime } from "./time-order.js";

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
