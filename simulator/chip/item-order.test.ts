// The time order of item-order.ts against a comparator sort, on times made to crowd the buckets.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairsByTime } from "./item-order.js";
import { byTime, times } from "./test-times.js";

/** pairsByTime over a run at `pad` inside larger arrays: values are insertion indices. */
function sortRun(ts: readonly number[], pad: number) {
  const n = ts.length;
  const pairs = new Float64Array(2 * (n + 2 * pad)).fill(-7);
  ts.forEach((t, j) => {
    pairs[2 * (pad + j)] = t;
    pairs[2 * (pad + j) + 1] = j;
  });
  const time = new Float64Array(n + 2 * pad).fill(-7);
  const value = new Float64Array(n + 2 * pad).fill(-7);
  pairsByTime(pairs, pad, pad + n, time, value, new Int32Array(2 * n + 2), 0);
  return { time, value };
}

describe("pairsByTime", () => {
  it("orders (time, value) pairs by (time, insertion) like a stable comparator sort, inside larger arrays", () => {
    fc.assert(
      fc.property(times, fc.integer({ min: 0, max: 5 }), (ts, pad) => {
        const n = ts.length;
        const { time, value } = sortRun(ts, pad);
        const want = byTime(ts);
        expect([...value.subarray(pad, pad + n)]).toEqual(want);
        expect([...time.subarray(pad, pad + n)]).toEqual(want.map((j) => ts[j]!));
        // nothing outside the run is written
        const outside = [...time.subarray(0, pad), ...time.subarray(pad + n), ...value.subarray(0, pad)];
        expect(outside.every((x) => x === -7)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("orders 1,000,000 items of 1,000 interleaved ascending runs, a far outlier and crowded buckets", () => {
    const n = 1_000_000;
    // run r's k-th item at k·3.7 + r·0.001 (each run ascends; runs interleave), every 1,000th item doubled
    const ts = Array.from({ length: n }, (_, i) => Math.floor(i / 1000) * 3.7 + (i % 1000) * 0.001);
    for (let i = 0; i < n; i += 1000) ts[i] = ts[i + 1] ?? 0;
    ts[n - 1] = 1e12;
    const shuffled = ts.map((_, i) => ts[(i % 1000) * 1000 + Math.floor(i / 1000)]!);
    const { value } = sortRun(shuffled, 0);
    for (let k = 1; k < n; k++) {
      const [a, b] = [value[k - 1]!, value[k]!];
      const [ta, tb] = [shuffled[a]!, shuffled[b]!];
      if (ta > tb || (ta === tb && a > b)) expect.fail(`out of order at ${k}`);
    }
  }, 20_000);
});
