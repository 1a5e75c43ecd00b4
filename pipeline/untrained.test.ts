// Untrained weights never pass silently through the pipeline: every run JSON records where the weights came from
// and whether the payload ranges were calibrated, and a seeded-init network compiled without calibration says its
// activity is meaningless — while calibrating on the samples gives it real activity (DVS-like event counts).

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpyFile } from "../compiler/importers/tensors/index.js";
import { runPipeline } from "./pipeline.js";

/** Event-count frames [N, T, 2, H, H] as a DVS camera gives them: 30 % of pixels 0..19 events, seeded. */
function dvsLikeInput(h: number, steps: number): string {
  const n = 2 * steps * 2 * h * h;
  const data = new Float32Array(n);
  let s = 12345;
  const r = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = 0; i < n; i++) data[i] = r() < 0.3 ? Math.floor(r() * 20) : 0;
  const file = join(mkdtempSync(join(tmpdir(), "sg-untrained-")), "events.npy");
  writeNpyFile(file, { dtype: "float32", shape: [2, steps, 2, h, h], data });
  return file;
}

const small = { imageSize: 16, dim: 32, heads: 2, depth: 1, timesteps: 4 };

describe("untrained weights through the pipeline", () => {
  it("a seeded-init spikformer: calibrated on its samples it is active; uncalibrated it says its counts mean nothing", async () => {
    const input = dvsLikeInput(16, 4);
    const at = (calibrate: boolean) =>
      runPipeline({ model: "zoo:spikformer-2-256-dvs", set: small, init: "random", input, calibrate });
    const guessed = (await at(false)).run;
    const calibrated = (await at(true)).run;
    for (const run of [guessed, calibrated]) {
      expect(run.model.weights).toBe("seeded-init");
      expect(run.warnings).toContainEqual(expect.stringMatching(/no trained weights \(a deterministic init/));
    }
    expect(guessed.model.ranges).toBe("static");
    expect(guessed.warnings).toContainEqual(
      expect.stringMatching(/^no calibration data: .*spike, op and saturation counts are not meaningful/),
    );
    expect(calibrated.model.ranges).toBe("calibrated");
    expect(calibrated.warnings?.some((w) => w.startsWith("no calibration data"))).toBe(false);
    // the guessed input range (1) clips the event counts: the network barely spikes (saturations are no
    // reliable sign either way: a calibrated range is the observed maximum, with no headroom)
    expect(guessed.counts.spikes).toBeGreaterThan(0);
    expect(calibrated.counts.spikes).toBeGreaterThan(5 * guessed.counts.spikes);
  }, 60_000);

  it("a trained model's run JSON records trained weights and calibrated ranges, without either warning", async () => {
    const { run } = await runPipeline({
      model: "zoo:spiking-lmuformer-smnist",
      dataset: "mnist-rows",
      samples: 1,
    });
    expect(run.model.weights).toBe("trained");
    expect(run.model.ranges).toBe("calibrated");
    expect((run.warnings ?? []).filter((w) => /trained weights|calibration data/.test(w))).toEqual([]);
  }, 60_000);

  it("a zoo model kept at zero weights: its run JSON and every chip run say so", async () => {
    const { run } = await runPipeline({
      model: "zoo:spikformer-2-256-dvs",
      set: small,
      init: "keep",
      syntheticSteps: 2,
      profile: "generic-45nm",
    });
    expect(run.run.engine).toBe("chip");
    expect(run.model.weights).toBe("default-zeros");
    expect(run.warnings?.[0]).toMatch(/has no trained weights \(every learnable weight matrix is zero\)/);
  }, 60_000);
});
