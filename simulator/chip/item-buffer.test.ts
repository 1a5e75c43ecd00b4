import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ItemBuffer } from "./item-buffer.js";
import { RELEASE_ENTRIES } from "./scratch.js";
import { times } from "./test-times.js";

/** Items pushed for keys `keys` (in that run order) after counting them; values are insertion indices. */
function fill(items: ItemBuffer, keys: number[], xs: readonly (readonly [number, number])[]) {
  const count = items.begin(keys, 64);
  for (const [k] of xs) count[k]!++;
  items.open();
  xs.forEach(([k, t], i) => {
    items.push(k, t, i);
  });
  return items.sorted();
}

describe("ItemBuffer", () => {
  it("gives each key's items by (time, insertion), the runs in the keys' order, across growth and release", () => {
    const items = new ItemBuffer();
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...Array(40).keys()], { minLength: 1 }),
        times,
        fc.integer(),
        fc.boolean(),
        (keys, ts, seed, release) => {
          if (release) items.release();
          const xs = ts.map((t, i) => [keys[((i * 7 + seed) >>> 0) % keys.length]!, t] as const);
          const { pairs, end } = fill(items, keys, xs);
          const time = pairs.filter((_, j) => j % 2 === 0);
          const value = pairs.filter((_, j) => j % 2 === 1);
          let s = 0;
          keys.forEach((k, q) => {
            const want = xs
              .map((_, i) => i)
              .filter((i) => xs[i]![0] === k)
              .sort((x, y) => xs[x]![1] - xs[y]![1] || x - y);
            expect(end[q]! - s).toBe(want.length);
            expect([...value.subarray(s, end[q])]).toEqual(want);
            expect([...time.subarray(s, end[q])]).toEqual(want.map((i) => xs[i]![1]));
            s = end[q]!;
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("throws where a key's pushes do not match its count, or a key outside the list is pushed", () => {
    const items = new ItemBuffer();
    const count = items.begin([3, 5], 8);
    count[3] = 2;
    count[5] = 1;
    items.open();
    items.push(3, 1, 1);
    items.push(5, 1, 1);
    items.push(5, 2, 1);
    expect(() => items.sorted()).toThrow(/key 3 got 1 items where 2 were counted/);
    items.begin([3, 5], 8)[3] = 1;
    items.open();
    items.push(3, 1, 1);
    items.push(6, 1, 1);
    expect(() => items.sorted()).toThrow(/2 items pushed where 1 were counted/);
  });

  it("sizes its buffers once for a unit's items, and gives back ones grown past RELEASE_ENTRIES", () => {
    const items = new ItemBuffer();
    items.begin([0], 1)[0] = 10_000;
    items.open();
    const pairs = items.pairs;
    expect(pairs.length).toBe(2 * (10_000 + (10_000 >> 3)));
    for (let i = 0; i < 10_000; i++) items.push(0, 10_000 - i, i);
    expect([...items.sorted().pairs.subarray(0, 4)]).toEqual([1, 9_999, 2, 9_998]);
    items.release();
    expect(items.pairs).toBe(pairs);
    items.begin([0], 1)[0] = RELEASE_ENTRIES + 1;
    items.open();
    items.release();
    expect([items.n, items.pairs.length]).toEqual([0, 128]);
  });
});
