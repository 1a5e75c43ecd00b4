// Sweeping multi-chip systems: system profiles on the profiles axis and chip budgets (`maxChips`, `--max-chips`)
// as an axis like core budgets — keys, fingerprint, and each point mapped within its chip budget.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorOf } from "../test/cli-run.js";
import { checkGridSpec, expandGrid, gridFingerprint } from "./grid.js";
import { runSweep } from "./run.js";
import { smallGrid, tempDir } from "./test-helpers.js";

/**
 * A system of 4 × 4 one-core loihi2 chips whose core holds 32 neurons (coreOverrides, per chip): the small
 * grid's network needs more than one chip.
 */
function tinySystem(dir: string): string {
  const q = (value: number, unit?: string) =>
    `{ value: ${value}${unit ? `, unit: ${unit}` : ""}, status: estimate, source: t }`;
  const file = join(dir, "tiny-system.yaml");
  writeFileSync(
    file,
    [
      "extends: loihi2",
      "name: tiny-system",
      "sources: { t: test system }",
      "grid:",
      `  width: ${q(1)}`,
      `  height: ${q(1)}`,
      `  coresPerTile: ${q(1)}`,
      "  routing: xy",
      "  multicast: false",
      `  chips: ${q(1)}`,
      `coreOverrides: [{ cores: [0], neurons: ${q(32)} }]`,
      "system:",
      `  chips: { x: ${q(4)}, y: ${q(4)} }`,
      `  packetBits: ${q(32)}`,
      "  link:",
      `    energyPerBit: ${q(10, "pJ")}`,
      `    latency: ${q(200, "ns")}`,
      `    bandwidth: ${q(8, "Gbit/s")}`,
      "",
    ].join("\n"),
  );
  return file;
}

describe("explore over systems and chip budgets", () => {
  it("a chip budget axis: keys and fingerprint carry it only when swept; order profiles > cores > chips > bits", () => {
    const plain = smallGrid({ weightBits: [8] });
    expect(expandGrid(plain).map((p) => p.key)).toEqual([
      "loihi2|cores=auto|w=8|s=auto|T=auto",
      "generic-45nm|cores=auto|w=8|s=auto|T=auto",
    ]);
    // the default axis leaves earlier grids' keys and fingerprints as they were
    expect(gridFingerprint(smallGrid({ weightBits: [8], maxChips: [null] }))).toBe(gridFingerprint(plain));
    const swept = smallGrid({ profiles: ["loihi2-kapoho-point"], maxChips: [1, null], weightBits: [4, 8] });
    expect(gridFingerprint(swept)).not.toBe(
      gridFingerprint(smallGrid({ profiles: ["loihi2-kapoho-point"] })),
    );
    expect(expandGrid(swept).map((p) => [p.key, p.maxChips])).toEqual([
      ["loihi2-kapoho-point|cores=auto|chips=1|w=4|s=auto|T=auto", 1],
      ["loihi2-kapoho-point|cores=auto|chips=1|w=8|s=auto|T=auto", 1],
      ["loihi2-kapoho-point|cores=auto|chips=auto|w=4|s=auto|T=auto", null],
      ["loihi2-kapoho-point|cores=auto|chips=auto|w=8|s=auto|T=auto", null],
    ]);
  });

  it("refuses bad chip budgets naming --max-chips", () => {
    for (const maxChips of [[0], [1.5], [2, 2]]) {
      const e = errorOf(() => checkGridSpec({ ...smallGrid(), maxChips }));
      expect(e.code).toBe("USAGE");
      expect(e.describe()).toMatch(/--max-chips/);
    }
  });

  it("maps each point within its chip budget: too few chips is a misfit naming the chips needed", async () => {
    const dir = tempDir();
    const system = tinySystem(dir);
    const grid = smallGrid({ profiles: [system], maxChips: [1, null], weightBits: [8] });
    const { results } = await runSweep(grid, { out: join(dir, "r.jsonl") });
    const [one, all] = results;
    expect(all!.fits).toBe(true);
    expect(all!.maxChips).toBeNull();
    const used = all!.chips!.used;
    expect(used).toBeGreaterThan(1);
    expect(all!.chips!.available).toBe(16);
    expect(all!.energy?.chipJ).toBeGreaterThan(0);
    expect(one!.maxChips).toBe(1);
    expect(one!.fits).toBe(false);
    expect(one!.stage).toBe("map");
    expect(one!.chips?.available).toBe(1);
    expect(one!.chips?.needed).toBeGreaterThan(1);
    expect(one!.reason).toMatch(/chips/);
  });
});
