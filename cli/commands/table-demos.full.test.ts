// `spikegrid table --demos --dataset auto --profile auto` (slow: all five trained demos compiled, mapped and run
// on their chips): one row per seed family with ACs, MACs, energy, latency and the demo's accuracy.

import { describe, expect, it } from "vitest";
import { cli } from "../../test/cli-run.js";

describe("table of the five trained demos", () => {
  it("each family on its own digits and default chip, near its published chip accuracy", async () => {
    const r = await cli(
      "table",
      "--demos",
      ...["--dataset", "auto", "--profile", "auto"],
      "--samples",
      "64",
      "--format",
      "csv",
    );
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split("\n").filter((l) => l && !l.startsWith("#"));
    const head = lines[0]!.split(",");
    const rows = new Map(lines.slice(1).map((l) => [l.split(",")[0]!, l.split(",")]));
    const num = (model: string, c: string) => Number(rows.get(`zoo:${model}`)![head.indexOf(c)]);
    const setup = (model: string) =>
      ["Dataset", "Profile"].map((c) => rows.get(`zoo:${model}`)![head.indexOf(c)]).join(" on ");
    expect([...rows.keys()]).toEqual(
      [
        "spiking-lmuformer-smnist",
        "spikformer-mnist",
        "fwformer-mnist",
        "binary-s4d-smnist",
        "gsu-smnist",
      ].map((d) => `zoo:${d}`),
    );
    expect(setup("spiking-lmuformer-smnist")).toBe("mnist-rows on loihi");
    expect(setup("spikformer-mnist")).toBe("mnist-images on loihi2");
    expect(setup("fwformer-mnist")).toBe("mnist-images on loihi2");
    expect(setup("binary-s4d-smnist")).toBe("mnist-rows on loihi2");
    expect(setup("gsu-smnist")).toBe("mnist-rows on loihi2");
    for (const model of [...rows.keys()].map((k) => k.slice(4))) {
      // the demos' chip accuracies are 95–98 % on 1,000+ digits (models/README.md); 64 digits allow a few more misses
      expect(num(model, "Accuracy"), model).toBeGreaterThanOrEqual(0.9);
      expect(num(model, "ACs"), model).toBeGreaterThan(0);
      expect(num(model, "MACs"), model).toBeGreaterThan(0);
      expect(num(model, "SOPs"), model).toBeCloseTo(num(model, "ACs") + num(model, "MACs"), 6);
      expect(num(model, "E chip"), model).toBeGreaterThan(0);
      expect(num(model, "Latency"), model).toBeGreaterThan(0);
    }
    // the same setup as `npm start`: the README's demo figures
    expect(num("spiking-lmuformer-smnist", "Accuracy")).toBeCloseTo(63 / 64, 10);
  }, 600_000);
});
