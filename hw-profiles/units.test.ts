// Unit normalisation of profile quantities: every accepted spelling converts to SI exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dimensionOfUnit, SI_UNIT, toSI, unitsOf } from "./units.js";

describe("units", () => {
  it("normalises the common cases to SI", () => {
    expect(toSI("energy", 23.6, "pJ")).toBe(2.36e-11);
    expect(toSI("energy", 2.19, "nJ")).toBe(2.19e-9);
    expect(toSI("latency", 3.5, "ns")).toBe(3.5e-9);
    expect(toSI("duration", 1, "ms")).toBe(1e-3);
    expect(toSI("power", 104, "mW")).toBe(0.104);
    expect(toSI("power", 100, "µW")).toBe(1e-4);
    expect(toSI("memory", 128, "KiB")).toBe(16384 * 64);
    expect(toSI("memory", 128, "Kibit")).toBe(131072);
    expect(toSI("memory", 1, "kB")).toBe(8000);
    expect(toSI("frequency", 300, "MHz")).toBe(3e8);
  });

  it("accepts all three spellings of micro", () => {
    for (const u of ["µs", "μs", "us"]) expect(toSI("latency", 47.6, u)).toBe(4.76e-5);
  });

  it("turns cycles into seconds only with a clock", () => {
    expect(toSI("latency", 7, "cycles")).toBeUndefined();
    expect(toSI("latency", 3, "cycles", 3e8)).toBe(1e-8);
    expect(unitsOf("latency")).toContain("cycles");
    expect(unitsOf("duration")).not.toContain("cycles");
  });

  it("rejects the ambiguous KB", () => {
    expect(unitsOf("memory")).not.toContain("KB");
    expect(() => toSI("memory", 1, "KB")).toThrow(/not a memory unit/);
  });

  it("knows the dimension of every unit, and SI units map to factor 1", () => {
    for (const dim of ["energy", "power", "memory", "frequency"] as const) {
      for (const u of unitsOf(dim)) expect(dimensionOfUnit(u)).toBe(dim);
      expect(toSI(dim, 1, SI_UNIT[dim])).toBe(1);
    }
    expect(dimensionOfUnit("furlong")).toBeUndefined();
  });

  it("scales linearly, to 12 significant digits (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.constantFrom(...unitsOf("energy")),
        (v, u) => {
          const exact = v * toSI("energy", 1, u)!;
          expect(Math.abs(toSI("energy", v, u)! - exact) / exact).toBeLessThan(1e-11);
        },
      ),
    );
  });
});
