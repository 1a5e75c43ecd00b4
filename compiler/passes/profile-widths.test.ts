// With --profile P the compiler's width defaults are P's own (what `profiles list` shows), except where P's
// format says otherwise (Loihi's sign-magnitude weights), and the compile output says which and why.

import { describe, expect, it } from "vitest";
import { BUILTIN_PROFILES, loadProfile } from "../../hw-profiles/index.js";
import { compile } from "./pipeline.js";
import { profileWeightBits, type QuantCompileOptions, resolveQuantOptions } from "./quant-plan.js";
import { buildRandomNet } from "./random-net.js";

const net = buildRandomNet({
  seed: 5,
  spatial: false,
  layers: [
    [
      { kind: "affine", out: 3 },
      { kind: "LIF", tau: 2, r: 1, leak: 0, th: 0.55, reset: "value", fire: "gt" },
    ],
  ],
  loop: undefined,
  spikes: true,
});
const at = (o: QuantCompileOptions) => compile(net.g, { dt: 1, inputEvent: "spike", ...o });

describe("width defaults with a profile", () => {
  it("are the profile's weight and state widths (weights less a sign-magnitude sign bit, at most 16)", () => {
    const want: Record<string, [number, number]> = {
      loihi: [8, 24],
      "loihi-sanafe": [16, 32],
      loihi2: [8, 16],
      truenorth: [9, 20],
      spinnaker2: [16, 32],
      speck: [8, 16],
      xylo: [8, 16],
      "generic-45nm": [16, 32],
      // systems: their chip's widths
      "loihi2-kapoho-point": [8, 16],
      "loihi2-hala-point": [8, 16],
      "loihi-pohoiki-springs": [8, 24],
      "spinnaker2-48": [16, 32],
      "spinnaker2-sandia": [16, 32],
    };
    for (const name of BUILTIN_PROFILES) {
      const p = loadProfile(name);
      const r = resolveQuantOptions({ profile: p });
      expect([r.weightBits, r.stateBits], name).toEqual(want[name]);
      expect(r.weightBits).toBe(profileWeightBits(p));
      expect(r.stateBits).toBe(Math.min(32, p.core.stateBits ?? 16));
    }
    expect(loadProfile("loihi").core).toMatchObject({ weightBits: 9, weightFormat: "signMagnitude" });
    // SpiNNaker 2's 32-bit packet payload: without it graded demos fell back to 8-bit payloads (≈ 45 % on the
    // sMNIST S4D demos, against 96 % at the declared width)
    expect(resolveQuantOptions({ profile: loadProfile("spinnaker2") }).payloadBits).toBe(32);
  });

  it("the compile diagnostics say which widths came from the profile and why one differs from its figure", () => {
    for (const name of BUILTIN_PROFILES) {
      const { ir, diagnostics } = at({ profile: name });
      const note = diagnostics.find((d) => d.message.startsWith("widths from profile"))?.message;
      expect(note, name).toMatch(
        new RegExp(`^widths from profile ${name}: weights \\d+.*, state \\d+.*, payload`),
      );
      // the defaults never exceed what the chip stores: no width warning from markUnsupported
      expect(
        diagnostics.filter((d) => d.pass === "markUnsupported" && /weight/.test(d.message)),
        name,
      ).toEqual([]);
      expect(ir.projections.every((p) => p.weightBits === profileWeightBits(loadProfile(name)))).toBe(true);
    }
    const loihi = at({ profile: "loihi" }).diagnostics;
    expect(loihi.map((d) => d.message)).toContainEqual(
      expect.stringMatching(/weights 8 \(its 9-bit weights are sign \+ magnitude/),
    );
    // explicit widths are not the profile's business
    const given = at({ profile: "loihi", weightBits: 4, stateBits: 16 });
    expect(given.diagnostics.find((d) => d.message.startsWith("widths from"))?.message).toMatch(
      /: payload 8/,
    );
  });
});
