// `spikegrid table` over the trained demos: `--dataset auto` / `--profile auto` give each demo its own dataset
// and chip (Dataset and Profile columns say which), a misfit is named in its row, and bad setups exit 2 early.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../test/cli-run.js";
import { twoLayerNet } from "../../test/sanafe/small-files.js";

const csv = (text: string) => {
  const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
  const head = lines[0]!.split(",");
  const rows = lines.slice(1).map((l) => l.split(","));
  const cell = (row: string[], name: string) => row[head.indexOf(name)]!;
  return { head, rows, cell, num: (row: string[], name: string) => Number(cell(row, name)) };
};

describe("table --dataset auto --profile auto", () => {
  it("runs each demo on its own dataset and chip, says which, and matches the explicit setup", async () => {
    const demos = ["zoo:spiking-lmuformer-smnist", "zoo:spikformer-mnist"];
    const r = await cli(
      "table",
      ...demos,
      "--dataset",
      "auto",
      "--profile",
      "auto",
      "--samples",
      "4",
      "--format",
      "csv",
    );
    expect(r.code, r.err).toBe(0);
    const t = csv(r.out);
    expect(t.head.slice(0, 3)).toEqual(["Model", "Dataset", "Profile"]);
    for (const c of ["ACs", "MACs", "E theory", "E chip", "Latency", "Accuracy"]) expect(t.head).toContain(c);
    const [lmu, sf] = t.rows;
    expect([t.cell(lmu!, "Dataset"), t.cell(lmu!, "Profile")]).toEqual(["mnist-rows", "loihi"]);
    expect([t.cell(sf!, "Dataset"), t.cell(sf!, "Profile")]).toEqual(["mnist-images", "loihi2"]);
    for (const row of [lmu!, sf!]) {
      expect(t.num(row, "ACs")).toBeGreaterThan(0);
      expect(t.num(row, "MACs")).toBeGreaterThan(0);
      expect(t.num(row, "E chip")).toBeGreaterThan(0);
      expect(t.num(row, "Accuracy")).toBeGreaterThanOrEqual(0.75);
    }
    // both on real chips: the Spikformer's attention lowered for loihi2, so it has a latency (no misfit note)
    for (const row of [lmu!, sf!]) expect(t.num(row, "Latency")).toBeGreaterThan(0);
    expect(r.out).not.toMatch(/misfit|does not fit/);
    // every chip number states its convention
    expect(r.out).toMatch(/chip columns: each row's Profile .*convention neurobench/);
    expect(r.out).toMatch(/NeuroBench Effective_ACs \/ Effective_MACs/);
    // auto is the explicit setup, row by row: the same run, the same numbers
    const one = await cli(
      "table",
      demos[0]!,
      ...["--dataset", "mnist-rows", "--profile", "loihi"],
      ...["--samples", "4", "--format", "csv"],
    );
    const u = csv(one.out);
    expect(u.head).not.toContain("Dataset");
    for (const c of ["ACs", "MACs", "E chip", "Latency", "Accuracy"])
      expect(u.num(u.rows[0]!, c)).toBe(t.num(lmu!, c));
  }, 120_000);

  it("a model that does not fit the chip keeps the chip columns, its cells say misfit and its note names the limits", async () => {
    const r = await cli(
      "table",
      "zoo:spiking-lmuformer-smnist",
      "--dataset",
      "auto",
      "--profile",
      "xylo",
      "--samples",
      "2",
    );
    expect(r.code, r.err).toBe(0);
    const row = r.out.split("\n").find((l) => l.startsWith("| zoo:spiking-lmuformer-smnist"))!;
    const letter = /^\| zoo:spiking-lmuformer-smnist \[(\w)\]/.exec(row)?.[1];
    expect(letter).toBeDefined();
    expect(r.out).toMatch(/\| E chip \[\w\] \| Latency \[\w\] \|/);
    expect(row.match(/\| misfit /g)).toHaveLength(2);
    const note = r.out.split("\n").find((l) => l.startsWith(`[${letter}] `))!;
    expect(note).toMatch(
      /^\[\w\] does not fit xylo \(no chip figures\): .*cores needs \d+, available 1 \(network\)/,
    );
  }, 60_000);
});

describe("table: naming the demos, and setups refused before any work", () => {
  it("exits 2 naming the model and the flag when a model declares no dataset or chip", async () => {
    const d = await cli("table", "zoo:spiking-lmuformer-smnist", "zoo:lmuformer", "--dataset", "auto");
    expect(d.code).toBe(2);
    expect(d.err).toMatch(
      /--dataset auto: zoo:lmuformer declares no dataset \(only the trained demos do: .*gsu-smnist/,
    );
    expect(d.err).toMatch(/hint: give one dataset for every model \(--dataset NAME\)/);
    expect(d.err).not.toMatch(/measured/);
    const dir = mkdtempSync(join(tmpdir(), "table-demos-"));
    const net = join(dir, "net.yaml");
    writeFileSync(net, twoLayerNet());
    const p = await cli("table", net, "--profile", "auto");
    expect(p.code).toBe(2);
    expect(p.err).toContain(`--profile auto: ${net} declares no chip profile`);
  });

  it("--demos names every trained demo; no models at all and a bad chip are usage errors", async () => {
    const none = await cli("table");
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/table needs models: network files or zoo:NAME, or --demos/);
    // the chip is loaded before any model is measured
    const bad = await cli("table", "--demos", "--profile", "nope");
    expect(bad.code).toBe(2);
    expect(bad.err).not.toMatch(/measured/);
    const help = await cli("table", "--help");
    for (const d of [
      "spiking-lmuformer-smnist",
      "spikformer-mnist",
      "fwformer-mnist",
      "binary-s4d-smnist",
      "gsu-smnist",
    ])
      expect(help.out).toContain(`zoo:${d}`);
  });
});
