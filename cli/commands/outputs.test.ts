// Output paths, number flags and input shapes across commands: a directory, a missing folder, an input named
// as the output, an absurd --timesteps or --samples, an input of the wrong shape — each is exit 2 with one
// line naming the flag, before any work, and nothing is written or overwritten.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readNpyFile, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { cli } from "../../test/cli-run.js";
import { sharedFixture } from "../../test/shared-fixtures.js";

const LIF = sharedFixture("nir/01_lif/lif_norse.nir");
const MLP = "test/fixtures/golden/onnx/mlp.onnx"; // input [8] per step
const dir = mkdtempSync(join(tmpdir(), "sg-outputs-"));
const model = join(dir, "lif.nmir");
const spikes = join(dir, "spikes.npy");

function npy(name: string, shape: number[]): string {
  const path = join(dir, name);
  const n = shape.reduce((a, b) => a * b, 1);
  writeNpyFile(path, { dtype: "float32", shape, data: Float32Array.from({ length: n }, (_, i) => i % 3) });
  return path;
}

/** Exit 2, one USAGE error matching `msg`, no stack trace, and `written` absent afterwards. */
function refused(r: Awaited<ReturnType<typeof cli>>, msg: RegExp, written: string[] = []) {
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/error \[USAGE\]/);
  expect(r.err).toMatch(msg);
  expect(r.err).not.toMatch(/internal error|at .*\.[jt]s:\d+/);
  for (const w of written) expect(existsSync(w)).toBe(false);
}

beforeAll(async () => {
  const r = await cli("compile", LIF, "--dt", "1e-4", "-o", model);
  expect(r.code).toBe(0);
  writeNpyFile(spikes, { dtype: "float32", shape: [2, 5, 1], data: new Float32Array(10).fill(1) });
}, 60_000);

describe("output paths are checked before any work", () => {
  const missing = join(dir, "no-such-folder", "x.out");

  it("compile: a directory or a missing folder", async () => {
    refused(await cli("compile", LIF, "-o", dir), /-o\/--out .* is a directory/);
    refused(await cli("compile", LIF, "-o", missing), /the folder .*no-such-folder does not exist/);
    expect(existsSync(join(dir, "no-such-folder"))).toBe(false);
  });

  it("map: a directory, a missing folder, the input itself", async () => {
    refused(await cli("map", model, "--profile", "loihi", "-o", dir), /is a directory/);
    refused(await cli("map", model, "--profile", "loihi", "-o", missing), /does not exist/);
    const before = readFileSync(model);
    refused(
      await cli("map", model, "--profile", "loihi", "-o", model),
      /is the input .*would be overwritten/,
    );
    // another spelling of the same file counts too
    const other = join(dir, ".", "..", dir.split("/").pop()!, "lif.nmir");
    refused(await cli("map", model, "--profile", "loihi", "-o", other), /is the input/);
    expect(readFileSync(model).equals(before)).toBe(true);
  });

  it("report: -o/--out (and the old --output) at a directory, a missing folder, the run JSON", async () => {
    const run = join(dir, "run.json");
    const sim = await cli("simulate", model, "--engine", "reference", "--input", spikes, "--json", run);
    expect(sim.code).toBe(0);
    const before = readFileSync(run, "utf8");
    refused(await cli("report", run, "-o", dir), /is a directory/);
    refused(await cli("report", run, "--out", missing), /does not exist/);
    refused(await cli("report", run, "--output", missing), /does not exist/);
    refused(await cli("report", run, "-o", run), /is the input/);
    expect(readFileSync(run, "utf8")).toBe(before);
    const md = join(dir, "run.md");
    expect((await cli("report", run, "--format", "md", "--out", md)).code).toBe(0);
    expect(readFileSync(md, "utf8")).toMatch(/#/);
  });

  it("simulate: every output is checked before the first is written", async () => {
    const a = join(dir, "a.npy");
    for (const engine of ["reference", "chip"]) {
      const r = await cli(
        "simulate",
        model,
        "--engine",
        engine,
        ...(engine === "chip" ? ["--profile", "loihi"] : []),
        "--input",
        spikes,
        "--out",
        a,
        "--json",
        dir,
      );
      refused(r, /--json .* is a directory/, [a]);
      refused(
        await cli(
          "simulate",
          model,
          "--engine",
          engine,
          ...(engine === "chip" ? ["--profile", "loihi"] : []),
          "--input",
          spikes,
          "--json",
          missing,
        ),
        /does not exist/,
      );
      refused(
        await cli(
          "simulate",
          model,
          "--engine",
          engine,
          ...(engine === "chip" ? ["--profile", "loihi"] : []),
          "--input",
          spikes,
          "-o",
          a,
          "--json",
          a,
        ),
        /same file/,
        [a],
      );
    }
    refused(
      await cli("simulate", model, "--engine", "reference", "--input", spikes, "-o", spikes),
      /is the input/,
    );
    expect(readNpyFile(spikes).shape).toEqual([2, 5, 1]);
  });

  it("simulate: a file written beside -o/--out may not be an input either", async () => {
    const x = npy("y.input.npy", [5, 8]);
    const before = readFileSync(x);
    refused(
      await cli("simulate", MLP, "--input", x, "-o", join(dir, "y.npy"), "--record", "input"),
      /the file for "input" beside -o\/--out .*is the input/,
      [join(dir, "y.npy")],
    );
    expect(readFileSync(x).equals(before)).toBe(true);
  });

  it("table, explore and explore merge", async () => {
    refused(await cli("table", LIF, "-o", dir), /is a directory/);
    refused(await cli("table", LIF, "--output", missing), /does not exist/);
    const shard = join(dir, "shard.jsonl");
    writeFileSync(shard, "");
    refused(await cli("explore", "merge", shard, "-o", shard), /is the input/);
    expect(readFileSync(shard, "utf8")).toBe("");
    refused(
      await cli("explore", "merge", shard, "-o", join(dir, "m.jsonl"), "--html", dir),
      /--html .* is a directory/,
    );
    refused(
      await cli("explore", LIF, "--profiles", "loihi", "--input", spikes, "-o", missing),
      /does not exist/,
    );
    refused(
      await cli("explore", LIF, "--profiles", "loihi", "--input", spikes, "-o", spikes),
      /is the input/,
    );
  });

  it("demo: --out-dir naming a file", async () => {
    const file = join(dir, "plain-file");
    writeFileSync(file, "keep");
    refused(await cli("demo", "--out-dir", file), /is a file, not a folder/);
    expect(readFileSync(file, "utf8")).toBe("keep");
  });
});

describe("number flags are checked against their limits", () => {
  it("table --samples 0 / 1e9 and --timesteps 1e9", async () => {
    refused(
      await cli("table", LIF, "--dataset", "mnist-rows", "--samples", "0"),
      /--samples must be an integer in 1\.\.2000/,
    );
    refused(
      await cli("table", LIF, "--dataset", "mnist-rows", "--samples", "1e9"),
      /--samples .* got 1000000000/,
    );
    refused(await cli("table", LIF, "--timesteps", "1e9"), /--timesteps must be an integer in 1\.\.1000000/);
  });

  it("simulate --timesteps 1e9 on every engine, and a batch past the kept-values budget", async () => {
    const y = join(dir, "y.npy");
    refused(await cli("simulate", LIF, "--input", spikes, "-o", y, "--timesteps", "1e9"), /1\.\.1000000/, [
      y,
    ]);
    refused(
      await cli("simulate", model, "--engine", "reference", "--input", spikes, "-o", y, "--timesteps", "1e9"),
      /--timesteps must be an integer in 1\.\.1000000/,
    );
    refused(
      await cli(
        "simulate",
        model,
        "--engine",
        "chip",
        "--profile",
        "loihi",
        "--input",
        spikes,
        "-o",
        y,
        "--timesteps",
        "0",
      ),
      /--timesteps must be an integer/,
    );
    // 200 samples × 10^6 steps: each step keeps its output value
    const big = npy("batch.npy", [200, 1, 1]);
    refused(
      await cli(
        "simulate",
        model,
        "--engine",
        "reference",
        "--input",
        big,
        "-o",
        y,
        "--timesteps",
        "1000000",
      ),
      /values kept, above the limit of 134217728 .*--timesteps/s,
      [y],
    );
  });

  it("explore --timesteps 1e8 and a grid file with timesteps: [1e9]", async () => {
    const out = join(dir, "e.jsonl");
    refused(
      await cli("explore", LIF, "--profiles", "loihi", "--input", spikes, "--timesteps", "1e8", "-o", out),
      /--timesteps.*at most 1000000 steps/s,
      [out],
    );
    const grid = join(dir, "grid.yaml");
    writeFileSync(grid, `model: ${LIF}\nprofiles: [loihi]\ninput: ${spikes}\ntimesteps: [1e9]\n`);
    refused(await cli("explore", "--grid", grid, "-o", out), /grid\.yaml:4.*at most 1000000 steps/s, [out]);
  });
});

describe("simulate --engine float checks the full input shape", () => {
  const y = join(dir, "mlp.npy");
  it("refuses [2,5,7] and [5,3] for an [8] input, naming expected and given", async () => {
    refused(
      await cli("simulate", MLP, "--input", npy("wide.npy", [2, 5, 7]), "-o", y),
      /shape \[2,5,7\] does not fit input "[^"]+" \[8\]: expected \[T, 8\] or \[batch, T, 8\]/,
      [y],
    );
    refused(
      await cli("simulate", MLP, "--input", npy("narrow.npy", [5, 3]), "-o", y),
      /\[5,3\] does not fit/,
      [y],
    );
  });

  it("runs [batch, T, 8] and [T, 8]", async () => {
    expect((await cli("simulate", MLP, "--input", npy("ok.npy", [2, 5, 8]), "-o", y)).code).toBe(0);
    expect(readNpyFile(y).shape.slice(0, 2)).toEqual([2, 5]);
    expect((await cli("simulate", MLP, "--input", npy("ok1.npy", [5, 8]), "-o", y)).code).toBe(0);
    expect(readNpyFile(y).shape[0]).toBe(5);
  });
});

describe("simulate --engine float --sequence whole|stream", () => {
  const tiny = ["--set", "dModel=8", "--set", "nLayers=1", "--set", "nSsm=8", "--set", "dState=4"];
  it("a bidirectional zoo model is refused streamed and runs whole, as its hint says", async () => {
    const x = npy("tokens.npy", [6, 18]);
    const y = join(dir, "s4.npy");
    const stream = await cli("simulate", "zoo:binary-s4d-listops", ...tiny, "--input", x, "-o", y);
    expect(stream.code).toBe(2);
    expect(stream.err).toMatch(/--sequence whole/);
    expect(existsSync(y)).toBe(false);
    const whole = await cli(
      "simulate",
      "zoo:binary-s4d-listops",
      ...tiny,
      "--sequence",
      "whole",
      "--input",
      x,
      "-o",
      y,
    );
    expect(whole.err).not.toMatch(/error/);
    expect(whole.code).toBe(0);
    expect(readNpyFile(y).shape).toEqual([6, 10]);
  });

  it("--sequence is float-only and --timesteps may not stretch a whole clip", async () => {
    refused(
      await cli(
        "simulate",
        model,
        "--engine",
        "reference",
        "--sequence",
        "whole",
        "--input",
        spikes,
        "--json",
        join(dir, "r.json"),
      ),
      /--sequence applies to --engine float only/,
    );
    refused(
      await cli(
        "simulate",
        MLP,
        "--sequence",
        "whole",
        "--input",
        npy("ok2.npy", [5, 8]),
        "--timesteps",
        "9",
        "-o",
        join(dir, "w.npy"),
      ),
      /--sequence whole runs the clip as given/,
    );
  });
});
