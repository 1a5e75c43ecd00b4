// One setup, one answer, through `simulate` too: a network file simulated with `--engine chip` / `reference`
// runs the pipeline's chain (calibrated on its inputs, layer-sync), so its run JSON gives the numbers `table`
// prints for the same file, inputs and chip. simulate once compiled without calibration and ran loihi
// pipelined (SOPs 678,938 vs 774,808 per sample on the N-MNIST CNN; chip energy and latency about half).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../explore/test-helpers.js";
import { checkRunJson, type RunJson } from "../../reports/run-json.js";
import { cli } from "../../test/cli-run.js";

const CNN = "examples/cnn_sinabs.nir";
const EVENTS = "examples/events.npy";

/** The table's first row as numbers by column (csv). */
async function tableRow(...flags: string[]): Promise<Record<string, number>> {
  const t = await cli("table", CNN, "--input", EVENTS, "--format", "csv", ...flags);
  expect(t.code, t.err).toBe(0);
  const [head, row] = t.out.split("\n");
  const cols = head!.split(",");
  const cells = row!.split(",");
  return Object.fromEntries(cols.map((c, i) => [c, Number(cells[i])]));
}

async function simulateRun(engine: string, ...flags: string[]): Promise<{ run: RunJson; out: string }> {
  const json = join(tempDir(), `${engine}.json`);
  const s = await cli("simulate", CNN, "--engine", engine, "--input", EVENTS, "--json", json, ...flags);
  expect(s.code, s.err).toBe(0);
  return { run: checkRunJson(JSON.parse(readFileSync(json, "utf8"))), out: s.out };
}

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.abs(b));

describe("simulate runs the pipeline: the numbers of table", () => {
  it("--engine chip on loihi: SOPs, ACs, MACs, E theory, E chip, latency as table's row; layer-sync", async () => {
    const row = await tableRow("--profile", "loihi");
    const { run, out } = await simulateRun("chip", "--profile", "loihi");
    const n = run.run.batch;
    expect(n).toBe(4);
    close(run.counts.synapticOps! / n, row.SOPs!);
    close(run.counts.ac / n, row.ACs!);
    close(run.counts.mac / n, row.MACs!);
    close(run.energy.theoretical.totalJ / n, row["E theory"]!);
    close(run.energy.chip!.totalJ / n, row["E chip"]!);
    close(run.latency!.perSampleS, row.Latency!);
    expect(run.run.mode).toBe("layer-sync");
    expect(out).toContain("layer-sync");
  }, 120_000);

  it("--engine reference on the network file: the reference row of table (no profile)", async () => {
    const row = await tableRow();
    const { run } = await simulateRun("reference");
    const n = run.run.batch;
    close(run.counts.synapticOps! / n, row.SOPs!);
    close(run.energy.theoretical.totalJ / n, row["E theory"]!);
  }, 120_000);

  it("--mode pipelined is honoured and named; a .nmir is simulated as it is", async () => {
    const { run } = await simulateRun("chip", "--profile", "loihi", "--mode", "pipelined");
    expect(run.run.mode).toBe("pipelined");
    const nmir = join(tempDir(), "cnn.nmir");
    const c = await cli("compile", CNN, "--profile", "loihi", "-o", nmir);
    expect(c.code, c.err).toBe(0);
    const json = join(tempDir(), "nmir.json");
    const s = await cli(
      "simulate",
      nmir,
      "--engine",
      "chip",
      "--profile",
      "loihi",
      "--input",
      EVENTS,
      "--json",
      json,
    );
    expect(s.code, s.err).toBe(0);
    expect(s.err).not.toContain("note: compiled");
    expect(s.out).toContain("layer-sync");
  }, 120_000);
});
