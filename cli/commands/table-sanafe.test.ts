// `spikegrid table --convention sanafe`: SANA-FE's counts in the ops columns, its energy and timing in the chip
// columns, each footnote saying so; the same numbers as `simulate --convention sanafe`; refused without a chip.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../test/cli-run.js";
import { twoLayerNet } from "../../test/sanafe/small-files.js";

// two inputs (0.0) → three LIFs (0.1); one weight is 0: SANA-FE counts its look-ups, spikegrid's convention not
const NET = twoLayerNet();

describe("table --convention sanafe", () => {
  it("states SANA-FE's rules and agrees with simulate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "table-sanafe-"));
    const net = join(dir, "net.yaml");
    writeFileSync(net, NET);
    const common = ["--profile", "loihi-sanafe", "--convention", "sanafe", "--timesteps", "6"];
    const t = await cli("table", net, ...common, "--format", "csv");
    expect(t.code).toBe(0);
    // 7 input spikes × 3 synapses (the zero weight included) = 21 look-ups
    const row = t.out
      .split("\n")
      .find((l) => l.startsWith(net))!
      .split(",");
    expect(Number(row[3])).toBe(21);
    expect(t.out).toMatch(/SANA-FE's rules \(convention sanafe\): one per synapse a message reaches/);
    expect(t.out).toMatch(/E chip and latency by SANA-FE's rules/);
    expect(t.out).toMatch(/not of this table's SANA-FE SOPs/);
    const json = join(dir, "run.json");
    const s = await cli("simulate", net, "--engine", "chip", ...common, "--json", json);
    expect(s.code).toBe(0);
    const run = JSON.parse(readFileSync(json, "utf8"));
    expect(run.counts.ac).toBe(21);
    const plain = await cli("table", net, "--profile", "loihi-sanafe", "--timesteps", "6", "--format", "csv");
    // spikegrid's own convention leaves out the zero weight: 4 + 3 … = one op per nonzero synapse
    expect(
      Number(
        plain.out
          .split("\n")
          .find((l) => l.startsWith(net))!
          .split(",")[3],
      ),
    ).toBeLessThan(21);
    const bad = await cli("table", net, "--convention", "sanafe", "--timesteps", "6");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--convention sanafe is a convention of the chip columns: give --profile/);
  }, 60_000);
});
