// SpikegridError across copies of its module: an error a start-up bundle throws is still a user's error.

import { describe, expect, it } from "vitest";
import { MappingError } from "../compiler/mapping/map-network.js";
import { isSpikegridError, SpikegridError } from "./errors.js";

describe("SpikegridError", () => {
  it("is recognised whichever copy of the class made it, and nothing else is", () => {
    // what another copy of this module makes: another class, the same global brand
    class OtherCopy extends Error {
      constructor() {
        super("bad.yaml:3: x");
        Object.defineProperty(this, Symbol.for("spikegrid.SpikegridError"), { value: true });
      }
    }
    const other = new OtherCopy();
    expect(other instanceof SpikegridError).toBe(true);
    expect(isSpikegridError(other)).toBe(true);
    expect(new SpikegridError("USAGE", "x") instanceof SpikegridError).toBe(true);
    for (const x of [
      new Error("x"),
      null,
      undefined,
      "SpikegridError",
      { code: "USAGE", name: "SpikegridError" },
    ])
      expect(x instanceof SpikegridError).toBe(false);
    // the brand is not an enumerable property: JSON and spreads of an error are as before
    expect(Object.keys(new SpikegridError("USAGE", "x"))).not.toContain(
      Symbol.for("spikegrid.SpikegridError"),
    );
    expect(Object.getOwnPropertySymbols({ ...new SpikegridError("USAGE", "x") })).toEqual([]);
  });

  it("keeps a subclass's own test: a MappingError is a SpikegridError, not the reverse", () => {
    const m = new MappingError("USAGE", "too many cores", { misfits: [] } as unknown as MappingError["fit"]);
    expect(m instanceof MappingError).toBe(true);
    expect(m instanceof SpikegridError).toBe(true);
    expect(new SpikegridError("USAGE", "x") instanceof MappingError).toBe(false);
  });
});
