// The (key, time) order of item-order.ts against a comparator sort, on times made to crowd the buckets.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortItemsByKeyTime } from "./item-order.js";
import { times } from "./test-times.js";

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

  it("asks for the pairs and twice the longest run's counts, no more", () => {
    const n = 1000;
    const key = Int32Array.from({ length: n }, (_, i) => i % 3);
    const time = Float64Array.from({ length: n }, (_, i) => (i * 37) % 101);
    const asked: number[] = [];
    sortItemsByKeyTime(key, time, new Float64Array(n), n, (size) => {
      asked.push(size);
      return new Int32Array(size);
    });
    // runs of 334, 333, 333: 4n + 2·334 + 2
    expect(asked).toEqual([4 * n + 2 * 334 + 2]);
  });
});
