// The NIR paper's single-LIF task end to end: the .nir files through the importer, the float reference and the
// CLI, against the traces other simulators wrote (../shared/fixtures/nir/01_lif).

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../cli/io.js";
import { runCli } from "../../cli/main.js";
import { applyRockpoolConvention } from "../../compiler/importers/nir/conventions.js";
import "../../compiler/importers/register-all.js";
import { importFile } from "../../compiler/importers/registry.js";
import { readNpyFile, toFloat32, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { runFloat } from "../../simulator/float/index.js";

const DIR = "../shared/fixtures/nir/01_lif";

function trace(name: string): { input: Float64Array; v: Float64Array; spikes: number[] } {
  const rows = readFileSync(join(DIR, name), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(",").map(Number));
  return {
    input: Float64Array.from(rows.map((r) => r[0]!)),
    v: Float64Array.from(rows.map((r) => r[1]!)),
    spikes: rows.flatMap((r, i) => (r[2]! > 0 ? [i] : [])),
  };
}

async function drive(file: string, dt: number, convention?: "rockpool") {
  const { graph } = await importFile(join(DIR, file));
  if (convention) applyRockpoolConvention(graph, dt);
  const lif = [...graph.nodes].find(([, n]) => n.kind === "LIF")![0];
  const t = trace(file.replace(".nir", ".csv"));
  const r = runFloat(
    graph,
    { input: { shape: [t.input.length, 1], data: t.input } },
    { dt, recordState: [lif] },
  );
  const out = [...r.outputs.values()][0]!;
  return {
    t,
    spikes: out.flatMap((o, i) => (o[0]! > 0 ? [i] : [])),
    v: r.states.get(lif)!.map((s) => s[0]!),
  };
}

describe("NIR paper task 1: one LIF neuron", () => {
  it("lif_norse.nir at dt = 1e-4 spikes at 460, 510, 710, 760 and follows Norse's voltage within 1e-6", async () => {
    const { t, spikes, v } = await drive("lif_norse.nir", 1e-4);
    expect(spikes).toEqual([460, 510, 710, 760]);
    expect(t.spikes).toEqual(spikes);
    expect(Math.max(...v.map((x, i) => Math.abs(x - t.v[i]!)))).toBeLessThan(1e-6);
  });

  it("lif_rockpool.nir read with Rockpool's convention gives Rockpool's spike steps and voltage", async () => {
    const { t, spikes, v } = await drive("lif_rockpool.nir", 1e-4, "rockpool");
    expect(t.spikes).toEqual([450, 500, 710, 760]);
    expect(spikes).toEqual(t.spikes);
    expect(Math.max(...v.map((x, i) => Math.abs(x - t.v[i]!)))).toBeLessThan(1e-6);
  });

  it("lif_rockpool.nir read literally (NIR forward Euler) differs, as its parameters say", async () => {
    const { spikes } = await drive("lif_rockpool.nir", 1e-4);
    expect(spikes).toEqual([460, 520, 720, 780]);
  });

  it("the CLI runs the same: simulate --engine float --dt 1e-4", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-lif-"));
    const t = trace("lif_norse.csv");
    writeNpyFile(join(dir, "in.npy"), { dtype: "float64", shape: [1000, 1], data: t.input });
    const io = bufferIo();
    const code = await runCli(
      [
        "simulate",
        join(DIR, "lif_norse.nir"),
        "--input",
        join(dir, "in.npy"),
        "--dt",
        "1e-4",
        "--out",
        join(dir, "out.npy"),
      ],
      io,
    );
    expect(code).toBe(0);
    const y = toFloat32(readNpyFile(join(dir, "out.npy")));
    expect([...y].flatMap((s, i) => (s > 0 ? [i] : []))).toEqual([460, 510, 710, 760]);
  });
});

it("simulate --nir-convention rockpool reproduces Rockpool's spike steps from the CLI", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sg-rp-"));
  const t = trace("lif_rockpool.csv");
  writeNpyFile(join(dir, "in.npy"), { dtype: "float64", shape: [1000, 1], data: t.input });
  const io = bufferIo();
  const args = ["simulate", join(DIR, "lif_rockpool.nir"), "--input", join(dir, "in.npy"), "--dt", "1e-4"];
  expect(await runCli([...args, "--nir-convention", "rockpool", "--out", join(dir, "out.npy")], io)).toBe(0);
  const y = toFloat32(readNpyFile(join(dir, "out.npy")));
  expect([...y].flatMap((s, i) => (s > 0 ? [i] : []))).toEqual([450, 500, 710, 760]);
});
