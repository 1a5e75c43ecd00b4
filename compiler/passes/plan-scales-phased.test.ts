// planScales on modules with sequence buffers (a bidirectional S4D's three phases): each buffer input takes its
// source's range and payload LSB, so the replay is an exact copy, and the quantized phased run tracks the real one.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runReferencePhased } from "../../simulator/reference/phased.js";
import { sequenceBuffers } from "../nmir/phases.js";
import { mulberry, randomBidirectionalGraph } from "./bidirectional-testing.js";
import { compile } from "./pipeline.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { inputScaleExp, quantizeInputs } from "./quantize-inputs.js";

describe("planScales on phased modules", () => {
  it("replays are exact copies and the calibrated quantized run is within 1 % of the real one (random 1–2 layer blocks)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer(),
        (h, m, T, layers, seed) => {
          const rnd = mulberry(seed);
          const g = randomBidirectionalGraph(h, m, rnd, layers);
          const x = Float64Array.from({ length: T * h }, () => rnd() * 2 - 1);
          const input = { u: { shape: [T, h], data: x } };
          const lowered = compile(g, { stopAfter: "lowerToNmir" }).ir;
          const want = runReferencePhased(lowered, input).outputsScaled.get("y")!;
          // calibrated on the clip itself (observeRanges runs the lowered module phase by phase): static
          // worst-case ranges of stacked SSMs are loose enough to cost several percent
          const q = compile(g, {
            weightBits: 12,
            stateBits: 24,
            payloadBits: 16,
            calibration: input,
          } as QuantCompileOptions).ir;
          expect(q.stage).toBe("quantized");
          for (const b of sequenceBuffers(q)) {
            const o = q.outputs.find((x) => x.id === b.output)!;
            expect(inputScaleExp(q, b.input), b.input).toBe(o.scaleExp);
          }
          const xi = quantizeInputs(q, input).get("u")!;
          const got = runReferencePhased(q, { u: { shape: xi.shape, data: Float64Array.from(xi.data) } });
          expect(got.counts.totals.steps).toBe(T * (1 + 2 * layers));
          const y = got.outputsScaled.get("y")!;
          let peak = 0;
          for (const row of want) for (const v of row) peak = Math.max(peak, Math.abs(v));
          for (let t = 0; t < T; t++)
            for (let c = 0; c < h; c++)
              expect(Math.abs(y[t]![c]! - want[t]![c]!)).toBeLessThanOrEqual(0.01 * peak + 1e-3);
        },
      ),
      { numRuns: 30, seed: 21 },
    );
  });
});
