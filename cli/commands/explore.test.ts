import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../explore/test-helpers.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const MODEL = ["zoo:spiking-lmuformer-smnist", "--set", "dim=16"];
const SAMPLES = ["--dataset", "mnist-rows", "--samples", "3"];

async function cli(args: string[]) {
  const io = bufferIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("spikegrid explore", () => {
  const dir = tempDir();

  it("runs a small sweep, prints the table and the front, writes JSONL and HTML", async () => {
    const out = join(dir, "r.jsonl");
    const html = join(dir, "r.html");
    const grid = ["--profiles", "loihi,loihi2", "--max-cores", "1,auto", "--weight-bits", "4,16"];
    const r = await cli(["explore", ...MODEL, ...grid, ...SAMPLES, "-o", out, "--html", html]);
    expect(r.err).toMatch(/\[8\/8\]/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Pareto front \(energy \(chip\) × latency × accuracy\)/);
    // 16-bit weights exceed both chips' weight width: those points say why instead of failing the sweep
    expect(r.out).toMatch(
      /loihi\|cores=auto\|w=16\|s=auto\|T=auto: weightBits needs 16, available 9 .*--weight-bits 9/,
    );
    expect(r.out).toMatch(/loihi2\|cores=1\|w=16\|s=auto\|T=auto: weightBits needs 16, available 8/);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines).toHaveLength(8);
    const fits = lines.map((l) => JSON.parse(l)).filter((p) => p.fits);
    expect(fits.map((p) => p.weightBits)).toEqual([4, 4, 4, 4]);
    for (const p of fits) {
      expect(p.energy.chipJ).toBeGreaterThan(0);
      expect(p.latency.perSampleS).toBeGreaterThan(0);
    }
    expect(readFileSync(html, "utf8")).toMatch(/<svg[^>]*>.*Pareto/s);
  });

  it("merges shards into the unsharded file and says what is missing", async () => {
    const grid = ["--profiles", "loihi2", "--weight-bits", "2,4,8"];
    const full = join(dir, "full.jsonl");
    expect((await cli(["explore", ...MODEL, ...grid, ...SAMPLES, "-o", full])).code).toBe(0);
    const shards = [1, 2, 3].map((i) => join(dir, `s${i}.jsonl`));
    for (const [i, f] of shards.entries())
      expect(
        (await cli(["explore", ...MODEL, ...grid, ...SAMPLES, "--shard", `${i + 1}/3`, "-o", f])).code,
      ).toBe(0);
    const merged = join(dir, "merged.jsonl");
    const m = await cli(["explore", "merge", ...shards, "-o", merged]);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/3 of 3 points/);
    expect(readFileSync(merged, "utf8")).toBe(readFileSync(full, "utf8"));
    const part = await cli(["explore", "merge", shards[0]!, "-o", join(dir, "part.jsonl")]);
    expect(part.err).toMatch(/2 point\(s\) missing \(grid indices 1, 2\)/);
  });

  it("reads the grid from YAML, flags overriding its keys", async () => {
    const yaml = join(dir, "grid.yaml");
    writeFileSync(
      yaml,
      "model: zoo:spiking-lmuformer-smnist\nset: {dim: 16}\nprofiles: [loihi2]\nweightBits: [2, 4, 8]\ndataset: mnist-rows\nsamples: 3\n",
    );
    const out = join(dir, "yaml.jsonl");
    const r = await cli(["explore", "--grid", yaml, "--weight-bits", "4", "-o", out]);
    expect(r.code).toBe(0);
    const keys = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).key);
    expect(keys).toEqual(["loihi2|cores=auto|w=4|s=auto|T=auto"]);
  });

  it("refuses invalid grids with exit 2 before any work", async () => {
    const out = join(dir, "never.jsonl");
    const bad = await cli([
      "explore",
      ...MODEL,
      "--profiles",
      "loihi,nochip",
      "--weight-bits",
      "0,8",
      ...SAMPLES,
      "-o",
      out,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--profiles: unknown chip profile "nochip"|--profiles: .*nochip/);
    expect(bad.err).toMatch(/--weight-bits: weightBits must be an integer in 2\.\.16, got 0/);
    expect(existsSync(out)).toBe(false);
    const chips = await cli([
      "explore",
      ...MODEL,
      "--profiles",
      "loihi2-kapoho-point",
      "--max-chips",
      "2,0",
      ...SAMPLES,
      "-o",
      out,
    ]);
    expect(chips.code).toBe(2);
    expect(chips.err).toMatch(/--max-chips: Too small/);
    const yaml = join(dir, "bad.yaml");
    writeFileSync(yaml, "model: zoo:spiking-lmuformer-smnist\nprofiles: [loihi2\n");
    const y = await cli(["explore", "--grid", yaml, "-o", out]);
    expect(y.code).toBe(2);
    expect(y.err).toMatch(/bad\.yaml:\d+:\d+/);
    const words = await cli([
      "explore",
      ...MODEL,
      "--profiles",
      "loihi2",
      "--weight-bits",
      "4,x",
      ...SAMPLES,
      "-o",
      out,
    ]);
    expect(words.code).toBe(2);
    expect(words.err).toMatch(/--weight-bits: "x" is not an integer/);
    const shape = await cli([
      "explore",
      ...MODEL,
      "--profiles",
      "loihi2",
      "--dataset",
      "mnist-pixels",
      "--samples",
      "1",
      "-o",
      out,
    ]);
    expect(shape.code).toBe(2);
    expect(shape.err).toMatch(/do not fit input/);
    expect(existsSync(out)).toBe(false);
  });
});
