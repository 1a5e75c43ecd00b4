// Property tests over random NMIR modules × the shipped profiles and a generous custom one: a mapping,
// when there is one, puts every neuron on exactly one core, keeps every core within its limits and routes
// every synapse's source core to its destination core (checkMapping); otherwise the error explains why.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUILTIN_PROFILES, loadProfile } from "../../hw-profiles/index.js";
import { nmirModuleArb } from "../nmir/arbitrary.js";
import { checkMapping, MappingError, mapNetwork, PLACEMENTS } from "./index.js";
import { generousProfile } from "./test-fixtures.js";

describe("mapping properties", () => {
  it("always fits the generous profile, validly, with every placement", () => {
    const p = generousProfile();
    fc.assert(
      fc.property(nmirModuleArb(), fc.constantFrom(...PLACEMENTS), (ir, placement) => {
        const { mapping, fit } = mapNetwork(ir, p, { placement, suggestProfiles: false });
        expect(fit.fits).toBe(true);
        expect(checkMapping(mapping, ir, p)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it.each([...BUILTIN_PROFILES])("on %s: a valid mapping or an explained misfit", (name) => {
    const p = loadProfile(name);
    fc.assert(
      fc.property(nmirModuleArb(), fc.integer({ min: 1, max: 64 }), (ir, npc) => {
        try {
          const { mapping } = mapNetwork(ir, p, {
            placement: "anneal",
            neuronsPerCore: npc,
            suggestProfiles: false,
          });
          expect(checkMapping(mapping, ir, p)).toEqual([]);
          for (const c of mapping.cores) expect(c.usage.neurons).toBeLessThanOrEqual(npc);
        } catch (e) {
          if (!(e instanceof MappingError)) throw e;
          expect(e.fit.misfits.length).toBeGreaterThan(0);
          for (const m of e.fit.misfits) expect(m.suggestion.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 25 },
    );
  });
});
