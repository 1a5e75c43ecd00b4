// `spikegrid table`: the paper table of the two LMUFormers at their published configuration (Params and dense
// FLOPs equal the zoo's counts, ACs/MACs split per the counting contract, fast), the formats and footnotes on
// a reduced model, --init zeros, and the NeuroBench columns.

import { describe, expect, it } from "vitest";
import { measureRow } from "../../pipeline/table.js";
import { paperTable } from "../../reports/paper-table.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const csvRows = (text: string) =>
  text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(","));

/** A reduced Spiking LMUFormer on 8 steps of the seeded synthetic input. */
const reduced = {
  model: "zoo:spiking-lmuformer",
  set: { dim: 16, inChannels: 8, theta: 8 },
  syntheticSteps: 8,
};

describe("spikegrid table", () => {
  it("zoo:lmuformer and zoo:spiking-lmuformer: Params and dense FLOPs as established, ACs/MACs split", async () => {
    const t0 = performance.now();
    const r = await cli(
      "table",
      "zoo:lmuformer",
      "zoo:spiking-lmuformer",
      "--profile",
      "generic-45nm",
      "--format",
      "csv",
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code, r.err).toBe(0);
    expect(seconds).toBeLessThan(60);
    const [head, ann, snn] = csvRows(r.out);
    expect(head).toEqual([
      "Model",
      "Params",
      "FLOPs (dense)",
      "SOPs",
      "ACs",
      "MACs",
      "E theory",
      "E chip",
      "Latency",
      "Notes",
    ]);
    const col = (row: string[], name: string) => Number(row[head!.indexOf(name)]);
    expect(col(ann!, "Params")).toBe(1_621_796);
    expect(col(snn!, "Params")).toBe(1_689_894);
    // 2 × dense MACs per step (1,680,640 for LMUFormer, seed-models.md §5.13) × 128 frames.
    expect(col(ann!, "FLOPs (dense)")).toBe(2 * 1_680_640 * 128);
    expect(col(snn!, "FLOPs (dense)")).toBe(2 * 1_943_040 * 128);
    // LMUFormer (GELU) is not compilable: ANN convention, every dense MAC a MAC.
    expect(col(ann!, "ACs")).toBe(0);
    expect(col(ann!, "MACs")).toBe(1_680_640 * 128);
    // Spiking LMUFormer: spikes give ACs, the graded input and LMU memory give MACs.
    expect(col(snn!, "ACs")).toBeGreaterThan(0);
    expect(col(snn!, "MACs")).toBeGreaterThan(0);
    expect(col(snn!, "SOPs")).toBe(col(snn!, "ACs") + col(snn!, "MACs"));
    expect(col(snn!, "E theory")).toBeCloseTo(0.9e-12 * col(snn!, "ACs") + 4.6e-12 * col(snn!, "MACs"), 15);
    expect(r.out).toMatch(/# \[\w\] Not compilable to the integer IR/);
    expect(r.out).toMatch(/# \[\w\] untrained weights: activity is illustrative/);
    expect(r.out).toMatch(/# \[\w\] Inputs: one synthetic sample: i\.i\.d\. standard normal values, seeded/);
    // Chip columns: the compiled spiking model mapped onto generic-45nm and run on the chip simulator; the
    // profile's energies are the 45 nm ones, so its synaptic energy is the theoretical one plus neuron, spike,
    // hop and static terms. generic-45nm models no latency: the column stays empty and a note says why.
    expect(col(snn!, "E chip")).toBeGreaterThan(col(snn!, "E theory") * 0.5);
    expect(snn![head!.indexOf("Latency")]).toBe("");
    expect(r.out).toMatch(/zoo:spiking-lmuformer: generic-45nm models no latency/);
    expect(ann![head!.indexOf("E chip")]).toBe("");
  }, 120_000);

  it("markdown, CSV and LaTeX of a reduced model state every convention; NeuroBench columns on request", async () => {
    const row = await measureRow({ ...reduced, init: "random" });
    row.model = "zoo:spiking-lmuformer (reduced)";
    expect(row.run!.counts.ac).toBeGreaterThan(0);
    const md = paperTable([row], { format: "md", neurobench: true });
    expect(md).toMatch(
      /^\| Model \| Params \[b\] \| FLOPs \(dense\) \[c\] \| SOPs \[d\] \| ACs \[d\] \| MACs \[d\] \| E theory \[e\] \| Footprint \[f\]/,
    );
    for (const c of ["Conn. sparsity", "Act. sparsity", "Dense", "Membrane updates"]) expect(md).toContain(c);
    expect(md).toMatch(/\[e\] E theory = 0\.9 pJ × ACs \+ 4\.6 pJ × MACs/);
    const tex = paperTable([row], { format: "tex" });
    expect(tex).toContain("\\begin{tabular}{lrrrrrr}");
    expect(tex).toContain("zoo:spiking-lmuformer (reduced)\\textsuperscript{f}");
    expect(tex).not.toMatch(/[^\\]%/);
    const csv = csvRows(paperTable([row], { format: "csv" }));
    expect(Number(csv[1]![1])).toBe(row.params);
    expect(Number(csv[1]![4])).toBe(row.run!.counts.ac);
  });

  it("--init zeros keeps an untrained zoo model (nearly) silent and says so; bad flags are usage errors", async () => {
    const row = await measureRow({ ...reduced, init: "zeros" });
    const random = await measureRow({ ...reduced, init: "random" });
    expect(row.zeroWeights).toBe(true);
    expect(random.initialised).toBe(true);
    const ops = (r: typeof row) => r.run!.counts.ac + r.run!.counts.mac;
    expect(ops(row) * 5).toBeLessThan(ops(random));
    expect(paperTable([row], { format: "md" })).toMatch(/Weights untrained: all zero/);
    const d = await cli("table", "zoo:spiking-lmuformer", "--dataset", "nope");
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/unknown dataset "nope"/);
    const m = await cli("table", "zoo:lmuformer", "--dataset", "mnist-rows");
    expect(m.code).toBe(2);
    expect(m.err).toMatch(
      /dataset mnist-rows: samples shaped \[\d+,28,28\] do not fit input "\w+" \[128\] of zoo:lmuformer/,
    );
  }, 60_000);

  it("a row whose run JSON records untrained weights is marked, whatever the network facts say", async () => {
    const row = await measureRow({ ...reduced, init: "random" });
    expect(row.run!.model.weights).toBe("seeded-init");
    // a network that came with an init (no pipeline init, no zero weights): only the run JSON knows
    const given = { ...row, initialised: false, zeroWeights: false };
    delete given.weights;
    const md = paperTable([given], { format: "md" });
    expect(md).toMatch(/\| zoo:spiking-lmuformer \[\w\] \|/);
    expect(md).toMatch(/\[\w\] Weights untrained \(a deterministic init, not a checkpoint\)/);
    const trained = {
      ...given,
      run: { ...given.run!, model: { ...given.run!.model, weights: "trained" as const } },
    };
    expect(paperTable([trained], { format: "md" })).not.toMatch(/untrained/i);
  }, 60_000);
});
