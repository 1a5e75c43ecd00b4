// A sweep over state widths on the trained sMNIST demo: the 32-bit point (generic-45nm's default width, with its
// 32-bit payloads) classifies as well as the narrower ones instead of falling to chance with saturated
// accumulators, and so cannot sit on the Pareto front for the energy its dead activity saves.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../cli/io.js";
import { runCli } from "../cli/main.js";
import { readResults } from "./results-file.js";
import { tempDir } from "./test-helpers.js";

describe("explore --state-bits 16,24,32 on generic-45nm", () => {
  it("every width keeps the trained accuracy; no accumulator saturates at 32 bits", async () => {
    const out = join(tempDir(), "state-bits.jsonl");
    const io = bufferIo();
    const args = [
      "explore",
      "zoo:spiking-lmuformer-smnist",
      "--profiles",
      "generic-45nm",
      "--weight-bits",
      "8",
    ];
    const grid = ["--state-bits", "16,24,32", "--dataset", "mnist-rows", "--samples", "32", "-o", out];
    expect(await runCli([...args, ...grid, "--workers", "1"], io)).toBe(0);
    const points = readResults(out).results.filter((p) => p.fits);
    expect(points.map((p) => p.stateBits)).toEqual([16, 24, 32]);
    const acc = (bits: number) => points.find((p) => p.stateBits === bits)!.accuracy!;
    expect(acc(16)).toBeGreaterThanOrEqual(0.85);
    // chance is 10 %: before the accumulators were planned to hold the state's range this point gave 9.4 %
    expect(acc(32)).toBeGreaterThanOrEqual(acc(16) - 0.1);
    expect(acc(24)).toBeGreaterThanOrEqual(acc(16) - 0.1);
    const p32 = points.find((p) => p.stateBits === 32)!;
    expect(p32.ops!.saturations).toBeLessThan(1);
  }, 120_000);
});
