// The per-group ops of nonzero weights: the table made ahead (on the scheduling thread) gives the walk's sums.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nonzeroOpsByWalk, nonzeroOpsFromTable, nonzeroTargetsByGroup } from "./nonzero-ops.js";

/** A random net: groups of 1–5 neurons, each neuron's targets anywhere (repeats allowed), weights often zero. */
const nets = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map(({ sizes, seed }) => {
    let a = seed;
    const rnd = (n: number) => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a % n;
    };
    const n = sizes.reduce((x, y) => x + y, 0);
    const groupStart = new Int32Array(sizes.length + 1);
    sizes.forEach((s, g) => {
      groupStart[g + 1] = groupStart[g]! + s;
    });
    const postStart = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) postStart[k + 1] = postStart[k]! + rnd(6);
    const total = postStart[n]!;
    const post = Int32Array.from({ length: total }, () => rnd(n));
    const weight64 = Int32Array.from({ length: total }, () => (rnd(3) === 0 ? 0 : rnd(200) - 100));
    const delivered = Int32Array.from({ length: n }, () => (rnd(3) === 0 ? 0 : rnd(1000)));
    return { n, groupStart, postStart, post, weight64, delivered };
  });

describe("nonzero ops per group", () => {
  it("the table made ahead gives the walk's sums, and both the definition's", () => {
    fc.assert(
      fc.property(nets, ({ n, groupStart, postStart, post, weight64, delivered }) => {
        const groups = groupStart.length - 1;
        const table = nonzeroTargetsByGroup(postStart, post, weight64, groupStart);
        expect(table.length).toBe(n * groups);
        const fromTable = nonzeroOpsFromTable(table, groups, delivered);
        const byWalk = nonzeroOpsByWalk(postStart, post, weight64, groupStart, delivered);
        const want = new Float64Array(groups);
        for (let k = 0; k < n; k++)
          for (let r = postStart[k]!; r < postStart[k + 1]!; r++) {
            if (weight64[r] === 0) continue;
            let g = 0;
            while (post[r]! >= groupStart[g + 1]!) g++;
            want[g]! += delivered[k]!;
          }
        expect(fromTable).toEqual(want);
        expect(byWalk).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});
