// Multi-chip systems end to end: `profiles show` draws the chip grid and lists the link numbers, `map` spreads
// the sinabs CNN over a Kapoho Point board's chips and names the chips needed when --max-chips is too small,
// `simulate --engine chip` writes the run JSON's system section and `report` shows it.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkMapping } from "../../compiler/mapping/index.js";
import { readNmirFile } from "../../compiler/nmir/index.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

const CNN = sharedFixture("nir/02_cnn/cnn_sinabs.nir");
const dir = mkdtempSync(join(tmpdir(), "sg-system-"));
const model = join(dir, "cnn.nmir");
const P = "loihi2-kapoho-point";

beforeAll(async () => {
  const r = await cli(
    "compile",
    CNN,
    "-o",
    model,
    "--profile",
    P,
    "--reset-mode",
    "subtract",
    "--input-event",
    "spike",
  );
  expect(r.code).toBe(0);
}, 60_000);

describe("multi-chip systems on the command line", () => {
  it("profiles show draws the chip grid and the link numbers", async () => {
    const r = await cli("profiles", "show", P);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/chip grid of loihi2-kapoho-point: 2 × 4 chips of 8 × 16 tiles \(128 cores each\)/);
    expect(r.out).toMatch(/\[ +\]─\[ +\]/);
    expect(r.out).toMatch(/energy per packet +320 pJ \(32-bit packets\)/);
    expect(r.out).toMatch(/bandwidth +8\.68 Gbit\/s/);
    const hala = await cli("profiles", "show", "loihi2-hala-point");
    expect(hala.out).toMatch(/chip grid clipped to 32 × 32 chips/);
  });

  it("maps across chips, says chips needed vs available, simulates and reports the system", async () => {
    const out = join(dir, "m.json");
    const m = await cli("map", model, "--profile", P, "--neurons-per-core", "64", "-o", out);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/fits on loihi2-kapoho-point: \d+ of 1024 cores, 2 of 8 chips/);
    expect(m.out).toMatch(/chips in use: 2 of 8/);
    const mapping = JSON.parse(readFileSync(out, "utf8"));
    expect(checkMapping(mapping, readNmirFile(model), loadProfile(P))).toEqual([]);
    expect(new Set(mapping.cores.map((c: { chip: number }) => c.chip))).toEqual(new Set([0, 1]));

    const small = await cli("map", model, "--profile", P, "--neurons-per-core", "64", "--max-chips", "1");
    expect(small.code).toBe(2);
    expect(small.err).toMatch(
      /--max-chips 1 is too small: .* needs 2 chips \(\d+ cores\) on loihi2-kapoho-point/,
    );
    expect(small.err).toMatch(/chips needs 2, available 1 — .*raise --max-chips to 2/);

    const json = join(dir, "run.json");
    const s = await cli(
      "simulate",
      model,
      "--engine",
      "chip",
      "--profile",
      P,
      "--mapping",
      out,
      "--input",
      "examples/events.npy",
      "--json",
      json,
      "-o",
      join(dir, "o.npy"),
    );
    expect(s.code).toBe(0);
    const run = JSON.parse(readFileSync(json, "utf8"));
    expect(run.system.chipsUsed).toBe(2);
    expect(run.system.links.length).toBeGreaterThan(0);
    const e = run.system.energy;
    // the board declares a host link: input events in and output values out are the host share
    expect(e.onChipJ + e.interChipJ + e.hostJ).toBeCloseTo(run.energy.chip.dynamicJ, 12);
    expect(run.system.host.packetsIn).toBe(run.counts.inputPackets);
    expect(e.hostJ).toBeCloseTo((run.system.host.packetsIn + run.system.host.packetsOut) * 3.2e-9, 12);
    expect(e.staticJ).toBe(run.energy.chip.staticJ);
    const rep = await cli("report", json);
    expect(rep.out).toMatch(/System: chips, energy split, chip-to-chip links/);
    expect(rep.out).toMatch(/chips used 2 of 8 \(2 × 4\)/);
    expect(rep.out).toMatch(/link chip \d+ → chip \d+/);
    expect(rep.out).toMatch(/host → system: \d+ bits, link busy/);
    const html = join(dir, "r.html");
    expect((await cli("report", json, "-o", html)).code).toBe(0);
    expect(readFileSync(html, "utf8")).toMatch(/System: chips, energy split, chip-to-chip links/);
  }, 120_000);
});
