// `spikegrid simulate --engine chip`: a .nmir mapped here on loihi writes outputs equal to the reference engine's
// and a run JSON with the chip sections; bad inputs and mappings are usage errors (exit 2).

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpyFile, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { exampleNmir } from "../../compiler/nmir/example.js";
import { shapeSize, writeNmirFile } from "../../compiler/nmir/index.js";
import { checkRunJson } from "../../reports/run-json.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("simulate --engine chip", () => {
  const dir = mkdtempSync(join(tmpdir(), "sim-chip-"));
  const ir = exampleNmir();
  const model = join(dir, "m.nmir");
  writeNmirFile(model, ir);
  const port = ir.inputs[0]!;
  const T = 6;
  const data = new Float64Array(T * shapeSize(port.shape)).map((_, i) => (i % 3 === 0 ? 1 : 0));
  const input = join(dir, "in.npy");
  writeNpyFile(input, { dtype: "float64", shape: [T, ...port.shape], data });

  it("matches the reference engine and writes the chip sections", async () => {
    const chip = await run(
      "simulate",
      model,
      "--engine",
      "chip",
      "--profile",
      "generic-45nm",
      "--mode",
      "layer-sync",
      "--raw-input",
      "--input",
      input,
      "--out",
      join(dir, "c.npy"),
      "--json",
      join(dir, "c.json"),
    );
    expect(chip.code, chip.err).toBe(0);
    expect(chip.out).toContain("chip engine, detailed timing");
    const ref = await run(
      "simulate",
      model,
      "--engine",
      "reference",
      "--raw-input",
      "--input",
      input,
      "--out",
      join(dir, "r.npy"),
    );
    expect(ref.code, ref.err).toBe(0);
    expect(readNpyFile(join(dir, "c.npy")).data).toEqual(readNpyFile(join(dir, "r.npy")).data);
    const json = checkRunJson(JSON.parse(readFileSync(join(dir, "c.json"), "utf8")));
    expect(json.run.engine).toBe("chip");
    expect(json.run.timing).toBe("detailed");
    expect(json.energy.chip?.totalJ).toBeGreaterThan(0);
    expect(json.cores?.length).toBeGreaterThan(0);
    expect(json.latency?.timing).toBe("detailed");
  });

  it("a wrong input shape, NaN input, or a mapping of another module is a usage error", async () => {
    const bad = join(dir, "bad.npy");
    writeNpyFile(bad, {
      dtype: "float64",
      shape: [T, shapeSize(port.shape) + 1],
      data: new Float64Array(T * (shapeSize(port.shape) + 1)),
    });
    const a = await run(
      "simulate",
      model,
      "--engine",
      "chip",
      "--profile",
      "generic-45nm",
      "--input",
      bad,
      "--out",
      join(dir, "x.npy"),
    );
    expect(a.code).toBe(2);
    expect(a.err).toContain("do not fit input");
    const nan = join(dir, "nan.npy");
    writeNpyFile(nan, {
      dtype: "float64",
      shape: [T, ...port.shape],
      data: new Float64Array(data).fill(Number.NaN),
    });
    const b = await run(
      "simulate",
      model,
      "--engine",
      "chip",
      "--profile",
      "generic-45nm",
      "--input",
      nan,
      "--out",
      join(dir, "x.npy"),
    );
    expect(b.code).toBe(2);
    expect(b.err).toContain("NaN");
    const mapping = join(dir, "map.json");
    writeFileSync(
      mapping,
      JSON.stringify({
        schemaVersion: 1,
        profile: "generic-45nm",
        cores: [],
        routes: [],
        routingTables: {},
        placement: "greedy",
        cost: { trafficHops: 0, trafficSource: "fan-out" },
      }),
    );
    const c = await run(
      "simulate",
      model,
      "--engine",
      "chip",
      "--profile",
      "generic-45nm",
      "--mapping",
      mapping,
      "--input",
      input,
      "--out",
      join(dir, "x.npy"),
    );
    expect(c.code).toBe(2);
    expect(c.err).toContain("invalid mapping");
  });
});
