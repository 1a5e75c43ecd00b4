// `spikegrid table`: the formats and footnotes on a reduced model, --init zeros, untrained rows, and the
// NeuroBench columns (the published-size LMUFormers are table-published.full.test.ts).

import { describe, expect, it } from "vitest";
import { measureRow } from "../../pipeline/table.js";
import { paperTable } from "../../reports/paper-table.js";
import { cli } from "../../test/cli-run.js";

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
