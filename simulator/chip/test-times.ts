// Times as a phase makes them, for the property tests of the time orders (time-order.ts, item-order.ts).
import fc from "fast-check";

/** Times as a phase makes them, and worse: per-core arithmetic runs, duplicates, outliers, powers of two. */
export const times = fc.oneof(
  // a spike's packets at one time, one a destination: groups of equal times (ordered as groups), -0 and 0
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.integer({ min: 0, max: 30 }).map((k) => k / 2),
          fc.constantFrom(0, -0, 1e12),
        ),
        fc.integer({ min: 1, max: 12 }),
      ),
      { maxLength: 400, size: "max" },
    )
    .map((groups) => groups.flatMap(([t, k]) => Array.from({ length: k }, () => t))),
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

export const byTime = (ts: readonly number[]) => ts.map((_, i) => i).sort((x, y) => ts[x]! - ts[y]! || x - y);
