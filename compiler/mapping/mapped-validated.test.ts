// The mapper's own result is not checked again by the simulator that loads it (its traffic-edge check costs
// gigabytes on a large system); a copy, another module or another profile object is still checked.

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { mapNetwork } from "./map-network.js";
import { cnnIr } from "./test-fixtures.js";
import { alreadyValidated, checkMapping } from "./validate.js";

describe("mapNetwork marks its mapping as validated", () => {
  it.each(["generic-45nm", "spinnaker2-48"])(
    "on %s: the same objects pass, anything else is checked",
    async (name) => {
      const ir = await cnnIr();
      const profile = loadProfile(name);
      const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
      expect(alreadyValidated(mapping, ir, profile)).toBe(true);
      // the trust is earned: a full check of the same mapping finds nothing
      expect(checkMapping(mapping, ir, profile)).toEqual([]);
      expect(alreadyValidated(JSON.parse(JSON.stringify(mapping)), ir, profile)).toBe(false);
      expect(alreadyValidated(mapping, { ...ir }, profile)).toBe(false);
      expect(alreadyValidated(mapping, ir, { ...profile })).toBe(false);
    },
  );
});
