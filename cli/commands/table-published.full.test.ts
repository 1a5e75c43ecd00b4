// `spikegrid table` on the two LMUFormers at their published configuration (slow: the full-size models are
// measured end to end): Params and dense FLOPs equal the zoo's counts, ACs/MACs split per the counting contract.

import { describe, expect, it } from "vitest";
import { cli } from "../../test/cli-run.js";

const csvRows = (text: string) =>
  text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(","));

describe("spikegrid table at the published size", () => {
  it("zoo:lmuformer and zoo:spiking-lmuformer: Params and dense FLOPs as established, ACs/MACs split, both compiled", async () => {
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
    // LMUFormer (GELU) compiles since GELU lowers to a table function neuron (generic-45nm has them): a graded
    // network, so its ops are mostly MACs, fewer than the dense count (zero payloads are not events); its ACs are
    // the compiler-made constant source's spikes (one IF neuron firing every step to deliver the biases).
    expect(col(ann!, "MACs")).toBeGreaterThan(10 * col(ann!, "ACs"));
    expect(col(ann!, "MACs")).toBeLessThan(1_680_640 * 128);
    expect(col(ann!, "SOPs")).toBe(col(ann!, "ACs") + col(ann!, "MACs"));
    // Spiking LMUFormer: spikes give ACs, the graded input and LMU memory give MACs.
    expect(col(snn!, "ACs")).toBeGreaterThan(0);
    expect(col(snn!, "MACs")).toBeGreaterThan(0);
    expect(col(snn!, "SOPs")).toBe(col(snn!, "ACs") + col(snn!, "MACs"));
    expect(col(snn!, "E theory")).toBeCloseTo(0.9e-12 * col(snn!, "ACs") + 4.6e-12 * col(snn!, "MACs"), 15);
    expect(r.out).toMatch(/# \[\w\] untrained weights: activity is illustrative/);
    expect(r.out).toMatch(/# \[\w\] Inputs: one synthetic sample: i\.i\.d\. standard normal values, seeded/);
    // Chip columns: the compiled spiking model mapped onto generic-45nm and run on the chip simulator; the
    // profile's energies are the 45 nm ones, so its synaptic energy is the theoretical one plus neuron, spike,
    // hop and static terms. generic-45nm models no latency: the column stays empty and a note says why.
    expect(col(snn!, "E chip")).toBeGreaterThan(col(snn!, "E theory") * 0.5);
    expect(snn![head!.indexOf("Latency")]).toBe("");
    // the row carries the note's letter; the note says why its Latency cell is empty
    const noLatency = r.out.match(/# \[(\w)\] generic-45nm models no latency/);
    expect(noLatency).not.toBeNull();
    expect(snn![snn!.length - 1]!.split(" ")).toContain(noLatency![1]);
    expect(col(ann!, "E chip")).toBeGreaterThan(0);
  }, 120_000);
});
