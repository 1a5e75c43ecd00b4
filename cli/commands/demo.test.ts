import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PointResult } from "../../explore/result.js";
import { tempDir } from "../../explore/test-helpers.js";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";
import { demoModel } from "./demo.js";

describe("spikegrid demo", () => {
  it("compiles, maps, simulates, prints the table and the sweep, and writes the report it names", async () => {
    const dir = join(tempDir(), "demo");
    const io = bufferIo();
    const code = await runCli(["demo", "--samples", "32", "--out-dir", dir, "--workers", "1"], io);
    const out = io.stdout.join("\n");
    expect(io.stderr.join("\n")).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(out).toMatch(/simulated 32 digits on the loihi chip model: accuracy/);
    expect(out).toMatch(/\| Model \| Params.*\| E chip.*\| Accuracy/);
    expect(out).toMatch(/Pareto front \(energy \(chip\) × latency × accuracy\)/);
    // one core is too few for the trained network on loihi: those points say why
    expect(out).toMatch(
      /loihi\|cores=1\|w=8\|s=auto\|T=auto: cores needs \d+, available 1 .*raise --max-cores/,
    );
    const report = /report: (\S+)/.exec(out)?.[1];
    expect(report).toBe(join(dir, "report.html"));
    expect(existsSync(report!)).toBe(true);
    const html = readFileSync(report!, "utf8");
    expect(html).toMatch(/<section class="explore">/);
    expect(html).toMatch(/Accuracy vs weight bits/);
    const points = readFileSync(join(dir, "explore.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as PointResult);
    expect(points).toHaveLength(15);
    // accuracy falls as the weight bits fall (4-core budget: every width fits)
    const acc = (w: number) => points.find((p) => p.maxCores === 4 && p.weightBits === w)!.accuracy!;
    expect(acc(8)).toBeGreaterThanOrEqual(0.9);
    expect(acc(8)).toBeGreaterThan(acc(3));
    expect(acc(3)).toBeGreaterThan(acc(2));
  });
});

describe("spikegrid demo --model", () => {
  it("takes a trained demo's bare name as its zoo model, and passes zoo:NAME and files through", () => {
    expect(demoModel("binary-s4d-smnist")).toBe("zoo:binary-s4d-smnist");
    expect(demoModel("spiking-lmuformer-smnist")).toBe("zoo:spiking-lmuformer-smnist");
    expect(demoModel("zoo:gsu-image")).toBe("zoo:gsu-image");
  });

  it("runs the Binary S4D demo by its bare name on loihi2 (its LayerNorm needs function neurons loihi lacks)", async () => {
    const dir = join(tempDir(), "demo-s4d");
    const io = bufferIo();
    const code = await runCli(
      ["demo", "--model", "binary-s4d-smnist", "--samples", "8", "--out-dir", dir, "--workers", "1"],
      io,
    );
    expect(io.stderr.join("\n")).not.toMatch(/error/);
    expect(code).toBe(0);
    const out = io.stdout.join("\n");
    expect(out).toMatch(/model zoo:binary-s4d-smnist: 8 held-out MNIST digits/);
    expect(out).toMatch(/compiled for loihi2 \(8-bit weights\)/);
    expect(out).toMatch(/simulated 8 digits on the loihi2 chip model: accuracy/);
    expect(existsSync(join(dir, "report.html"))).toBe(true);
  }, 300_000);

  it("refuses a name that is neither a file nor a trained demo in one line (exit 2), listing the demos", async () => {
    const dir = join(tempDir(), "demo-unknown");
    const io = bufferIo();
    const code = await runCli(["demo", "--model", "no-such-demo", "--out-dir", dir], io);
    expect(code).toBe(2);
    const err = io.stderr.join("\n");
    expect(err).toMatch(/--model no-such-demo: no such file, and no trained demo is called that/);
    expect(err).toMatch(/binary-s4d-smnist/);
    expect(err).not.toMatch(/\bat .*\.js:\d+/);
    expect(existsSync(dir)).toBe(false);
  });
});
