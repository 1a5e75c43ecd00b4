// The import budget: defaults, environment overrides, a clear USAGE error for a bad setting, and the
// exit-2 error naming the limit and its variable.

import { afterEach, describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import { Budget, checkLimit, IMPORT_LIMITS, importLimit } from "./budget.js";

afterEach(() => {
  delete process.env.SPIKEGRID_MAX_DECODED_BYTES;
  delete process.env.SPIKEGRID_MAX_TENSOR_ELEMENTS;
});

describe("import budget", () => {
  it("uses the defaults, or a positive integer from the environment", () => {
    expect(importLimit("decodedBytes")).toBe(IMPORT_LIMITS.decodedBytes.defaultValue);
    process.env.SPIKEGRID_MAX_TENSOR_ELEMENTS = "1000";
    expect(importLimit("tensorElements")).toBe(1000);
  });

  it.each(["0", "-5", "1.5", "lots"])("refuses %s as a setting with a USAGE error", (v) => {
    process.env.SPIKEGRID_MAX_DECODED_BYTES = v;
    expect(() => importLimit("decodedBytes")).toThrowError(SpikegridError);
    try {
      importLimit("decodedBytes");
    } catch (e) {
      expect((e as SpikegridError).code).toBe("USAGE");
      expect((e as SpikegridError).message).toContain(`SPIKEGRID_MAX_DECODED_BYTES=${v}`);
    }
  });

  it("a running total refuses the charge that passes the limit, naming file, place and variable", () => {
    process.env.SPIKEGRID_MAX_DECODED_BYTES = "100";
    const b = new Budget("decodedBytes", "m.pth");
    b.charge(60, "a");
    let err: unknown;
    try {
      b.charge(41, "zip entry 'b'");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpikegridError);
    const e = err as SpikegridError;
    expect(e.code).toBe("IMPORT_FAILED");
    expect(e.message).toBe(
      "m.pth: 101 decoded bytes exceed the limit of 100 decoded bytes per file (at zip entry 'b')",
    );
    expect(e.hint).toMatch(/set SPIKEGRID_MAX_DECODED_BYTES/);
    expect(b.used).toBe(60);
    expect(() => checkLimit("tensorElements", Number.NaN, "f", "x")).toThrowError(/elements per tensor/);
  });
});
