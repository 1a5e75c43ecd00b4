// One setup, one answer: `demo` and `table` on the same network, dataset, chip and samples run the same
// pipeline (pipeline/), so their tables show the same SOPs, chip energy, latency and accuracy — they once
// differed (table compiled without calibration and ran the chip in the profile's pipelined semantics).

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../explore/test-helpers.js";
import { cli } from "../../test/cli-run.js";

/** The columns of the markdown table's first data row, by header. */
function firstRow(md: string): Record<string, string> {
  const lines = md.split("\n").filter((l) => l.startsWith("| "));
  const cells = (l: string) =>
    l
      .slice(2, -2)
      .split(" | ")
      .map((c) => c.replace(/ \[\w\]$/, "").trim());
  const head = cells(lines[0]!);
  const row = cells(lines[2]!);
  return Object.fromEntries(head.map((h, i) => [h, row[i]!]));
}

describe("one setup, one answer", () => {
  it("demo and table agree on spiking-lmuformer-smnist, mnist-rows, loihi, 16 samples", async () => {
    const dir = join(tempDir(), "demo");
    const demo = await cli("demo", "--samples", "16", "--out-dir", dir, "--workers", "1");
    expect(demo.code, demo.err).toBe(0);
    const table = await cli(
      "table",
      "zoo:spiking-lmuformer-smnist",
      "--dataset",
      "mnist-rows",
      "--profile",
      "loihi",
      "--samples",
      "16",
    );
    expect(table.code, table.err).toBe(0);
    const d = firstRow(demo.out);
    const t = firstRow(table.out);
    for (const col of ["SOPs", "ACs", "MACs", "E theory", "E chip", "Latency", "Accuracy"]) {
      expect(t[col], col).toBeDefined();
      expect(t[col], col).toBe(d[col]);
    }
  }, 120_000);
});
