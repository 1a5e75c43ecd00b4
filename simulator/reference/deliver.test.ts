// Event-driven fan-out delivery (deliver.ts) against a gather of the connectivity definitions, for every
// connectivity of random modules, on the float64 path and on the exact BigInt path past 2^53.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nmirModuleArb } from "../../compiler/nmir/arbitrary.js";
import { connInSize } from "../../compiler/nmir/connectivity.js";
import { createFan, deliverBig } from "./deliver.js";
import { emptyFrame, indexFrame } from "./schedule.js";
import { accByDefinition } from "./test-helpers.js";

const connectivities = nmirModuleArb({ stage: "quantized" }).map((ir) =>
  ir.projections.map((p) => p.connectivity),
);

describe("fan-out delivery", () => {
  it("equals the definition's sums; counts one op per (event, nonzero weight) pair", () => {
    fc.assert(
      fc.property(connectivities, fc.integer({ min: 0, max: 1000 }), fc.boolean(), (conns, seed, huge) => {
        for (const c of conns) {
          const n = connInSize(c);
          const scale = huge ? 2 ** 31 - 1 : 1;
          const x = Array.from({ length: n }, (_, i) => {
            const v = ((i * 7919 + seed) % 11) - 5;
            return v === 0 ? 0 : Math.max(-(2 ** 31), Math.min(v * scale, 2 ** 31 - 1));
          });
          const frame = emptyFrame(n);
          frame.values.set(x);
          indexFrame(frame);
          const fan = createFan(c);
          const want = accByDefinition(c, x);
          const big: bigint[] = new Array(fan.outSize).fill(0n);
          const opsBig = deliverBig(fan, frame, big);
          expect(big).toEqual(want);
          if (!huge) {
            const acc = new Float64Array(fan.outSize);
            expect(fan.deliver(frame, acc)).toBe(opsBig);
            expect([...acc]).toEqual(want.map(Number));
          }
          // bound used to pick the float path: |acc| ≤ maxInL1 · max|x|
          for (const a of want) expect(Math.abs(Number(a))).toBeLessThanOrEqual(fan.maxInL1 * frame.maxAbs);
        }
      }),
      { numRuns: 200 },
    );
  });
});
