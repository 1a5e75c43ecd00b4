// `spikegrid map` and `simulate` on invalid-but-CRC-valid .nmir files (generated here through the codec):
// exit 2 with the file and the problem, nothing written, never an internal error or a hang.

import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { brokenModules, emptyModule, wideModule } from "../../compiler/nmir/hostile.js";
import { writeNmirFile } from "../../compiler/nmir/index.js";
import { cli } from "../../test/cli-run.js";

const dir = mkdtempSync(join(tmpdir(), "sg-map-hostile-"));

describe("map refuses invalid NMIR", () => {
  const cases: [string, Parameters<typeof writeNmirFile>[1]][] = [
    ...brokenModules(),
    ["2^32 − 1 neurons", wideModule(2 ** 32 - 1)],
  ];
  for (const [name, m] of cases) {
    it(`${name}: exit 2 naming the file, no mapping written`, async () => {
      const file = join(dir, `${name.replace(/\W+/g, "_")}.nmir`);
      writeNmirFile(file, m);
      const out = join(dir, "never.json");
      const r = await cli("map", file, "--profile", "loihi", "-o", out);
      expect(r.code).toBe(2);
      expect(r.err).toContain(file);
      expect(r.err).toMatch(/not valid NMIR/);
      expect(r.err).not.toMatch(/internal error/);
      expect(existsSync(out)).toBe(false);
    }, 20_000);
  }

  it("an empty network: exit 2 saying there is nothing to map and what to do", async () => {
    const file = join(dir, "empty.nmir");
    writeNmirFile(file, emptyModule());
    const r = await cli("map", file, "--profile", "loihi");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no populations/);
    expect(r.err).toMatch(/at least one neuron layer/);
  });

  it("simulate --engine reference refuses a 2^32 − 1 step delay with exit 2", async () => {
    const [, m] = brokenModules().find(([n]) => n.startsWith("delay"))!;
    const file = join(dir, "delay.nmir");
    writeNmirFile(file, m);
    const input = join(dir, "in.npy");
    writeNpyFile(input, { dtype: "float32", shape: [2, 1, 4, 4], data: new Float32Array(32) });
    const out = join(dir, "sim.npy");
    const r = await cli("simulate", file, "--engine", "reference", "--input", input, "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/NMIR_LIMITS\.delay/);
    expect(existsSync(out)).toBe(false);
  }, 20_000);
});
