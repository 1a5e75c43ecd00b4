// referenceRun: one runner, reset between sequences, gives for each sequence exactly what a fresh runReference
// gives (outputs, records, counts, warnings), at both stages and in both modes, in any order of sequences.

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
});
