// referenceRun: one runner, reset between sequences, gives for each sequence exactly what a fresh runReference
// gives (outputs, records, counts, warnings), at both stages and in both modes, in any order of sequences;
// `peaks` equal the max |value| over the recorded events.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nmirModuleArb } from "../../compiler/nmir/arbitrary.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import { referenceRun, runReference } from "./run.js";
import { TIMESTEP_MODES } from "./schedule.js";
import { inputsArb } from "./test-helpers.js";

const T = 5;

describe("referenceRun", () => {
  for (const stage of ["quantized", "lowered"] as const) {
    it(`${stage}: three sequences through one runner equal three fresh runs`, () => {
      const arb = nmirModuleArb({ stage }).chain((ir) =>
        fc.tuple(fc.constant(ir), fc.array(inputsArb(ir, T), { minLength: 3, maxLength: 3 })),
      );
      fc.assert(
        fc.property(arb, fc.constantFrom(...TIMESTEP_MODES), ([ir, seqs], mode) => {
          const record = [...sourceTable(ir).keys()];
          const run = referenceRun(ir, { mode, record });
          for (const inputs of seqs) {
            const fresh = runReference(ir, inputs, { mode, record });
            expect(run(inputs)).toEqual(fresh);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it("peaks: the max |value| of each source's events over every step, as its records give", () => {
    const arb = nmirModuleArb({ stage: "lowered" }).chain((ir) =>
      fc.tuple(fc.constant(ir), inputsArb(ir, T)),
    );
    fc.assert(
      fc.property(arb, ([ir, inputs]) => {
        const ids = [...sourceTable(ir).keys()];
        const r = runReference(ir, inputs, { record: ids, peaks: ids });
        for (const id of ids) {
          let want = 0;
          for (const ev of r.records.get(id)!) for (const v of ev.value) want = Math.max(want, Math.abs(v));
          expect(r.peaks.get(id)).toBe(want);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("refuses a peak id that is not a source", () => {
    const ir = fc.sample(nmirModuleArb({ stage: "lowered" }), { numRuns: 1, seed: 7 })[0]!;
    expect(() => referenceRun(ir, { peaks: ["no-such-node"] })).toThrow(
      /cannot watch the peak of "no-such-node"/,
    );
  });
});
