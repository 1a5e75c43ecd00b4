// The bidirectional S4D's three-phase schedule: at stage lowered, run phase by phase through the reference
// interpreter, it equals the float reference's whole-clip run (S4's two-sided kernel), skips included.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runFloat } from "../../simulator/float/index.js";
import { runReferencePhased } from "../../simulator/reference/phased.js";
import { phasePlan } from "../nmir/phases.js";
import { mulberry, randomBidirectionalGraph } from "./bidirectional-testing.js";
import { compile } from "./pipeline.js";

describe("bidirectional DiagonalSsm as three phases", () => {
  it("lowered and run phase by phase = the float whole-clip run (random instances, 1–2 layers, skip)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer(),
        (h, m, T, layers, seed) => {
          const rnd = mulberry(seed);
          const g = randomBidirectionalGraph(h, m, rnd, layers);
          const x = Array.from({ length: T * h }, () => rnd() * 2 - 1);
          const want = runFloat(g, { u: { shape: [T, h], data: x } }, { sequence: "whole" }).outputs.get(
            "y",
          )!;
          const { ir } = compile(g, { stopAfter: "lowerToNmir", bidirectional: "phases" });
          expect(phasePlan(ir).phases).toBe(1 + 2 * layers);
          const got = runReferencePhased(ir, { u: { shape: [T, h], data: x } });
          expect(got.counts.totals.steps).toBe(T * (1 + 2 * layers));
          const y = got.outputsScaled.get("y")!;
          expect(y.length).toBe(T);
          for (let t = 0; t < T; t++)
            for (let c = 0; c < h; c++) expect(Math.abs(y[t]![c]! - want[t]![c]!)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 40, seed: 15 },
    );
  });
});
