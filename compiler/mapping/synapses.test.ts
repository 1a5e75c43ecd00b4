// sliceSynapses' direct counts (conv windows, sparse columns, rowwise rows) against walking every synapse with
// forEachSynapse, for every connectivity of random modules and random destination ranges.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nmirModuleArb } from "../nmir/arbitrary.js";
import { type Connectivity, connInSize, connOutSize } from "../nmir/index.js";
import { forEachSynapse, sliceSynapses } from "./synapses.js";

function walked(c: Connectivity, start: number, count: number) {
  const seen = new Set<number>();
  let synapses = 0;
  forEachSynapse(c, start, count, (i) => {
    synapses++;
    seen.add(i);
  });
  return { synapses, sources: seen.size };
}

describe("sliceSynapses", () => {
  it("equals the synapse walk for every connectivity kind and slice", () => {
    const conns = nmirModuleArb({ stage: "quantized" }).map((ir) =>
      ir.projections.map((p) => p.connectivity),
    );
    fc.assert(
      fc.property(
        conns,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (cs, a, b) => {
          for (const c of cs) {
            const n = connOutSize(c);
            const start = a % n;
            const count = 1 + (b % (n - start));
            expect(sliceSynapses(c, start, count)).toEqual(walked(c, start, count));
            expect(connInSize(c)).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
