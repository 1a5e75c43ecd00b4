import { describe, expect, it } from "vitest";
import { formatSI, renderTable } from "./table.js";

describe("renderTable", () => {
  it("aligns columns and right-aligns numbers", () => {
    const text = renderTable(
      [{ header: "name" }, { header: "cores", align: "right" }],
      [
        ["loihi", "128"],
        ["truenorth", "4096"],
      ],
    );
    expect(text.split("\n")).toEqual([
      "name       cores",
      "---------  -----",
      "loihi        128",
      "truenorth   4096",
    ]);
  });

  it("renders 500,000 rows (no spread of the rows into Math.max)", () => {
    const rows = Array.from({ length: 500_000 }, (_, i) => [`t${i}`, String(i)]);
    const text = renderTable([{ header: "tensor" }, { header: "n", align: "right" }], rows);
    expect(text.split("\n")).toHaveLength(500_002);
    expect(text.split("\n")[2]).toBe(`t0${" ".repeat(12)}0`);
  });
});

describe("formatSI", () => {
  it("picks the prefix and keeps 3 significant digits", () => {
    expect(formatSI(23.6e-12, "J")).toBe("23.6 pJ");
    expect(formatSI(1.048576e6, "bit")).toBe("1.05 Mbit");
    expect(formatSI(0.0035e-6, "s")).toBe("3.5 ns");
    expect(formatSI(0, "J")).toBe("0 J");
  });
});
