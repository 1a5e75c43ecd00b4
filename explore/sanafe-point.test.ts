// A sanafe-convention point's simulation job is plain data: structured-cloned (as a worker thread receives it)
// it simulates to the same result, with SANA-FE's view of the network on board.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { calibrationRanges } from "../pipeline/calibrate.js";
import { loadPipelineData } from "../pipeline/data.js";
import { twoLayerNet } from "../test/sanafe/small-files.js";
import { preparePoint } from "./evaluate.js";
import {
  checkGridSpec,
  gridCompileOptions,
  gridDataSpec,
  gridFingerprint,
  gridSize,
  pointAt,
} from "./grid.js";
import { simulateJob } from "./simulate-job.js";
import { tempDir } from "./test-helpers.js";

const NET = twoLayerNet("1.0");

describe("a sanafe-convention point", () => {
  it("travels to a worker thread as plain data and simulates the same there", async () => {
    const file = join(tempDir(), "net.yaml");
    writeFileSync(file, NET);
    const grid = checkGridSpec({ model: file, profiles: ["loihi-sanafe"], convention: "sanafe" });
    const data = await loadPipelineData(gridDataSpec(grid));
    const ranges = await calibrationRanges(gridDataSpec(grid), data, gridCompileOptions(grid, data));
    const id = { grid, fingerprint: gridFingerprint(grid), size: gridSize(grid), ranges };
    const prepared = preparePoint(id, pointAt(grid, 0), data);
    if (!("job" in prepared)) throw new Error(`the point does not fit: ${prepared.result.reason}`);
    const job = prepared.job;
    expect(job.sanafe?.neurons).toBe(5);
    const here = simulateJob(job);
    const there = simulateJob(structuredClone(job));
    expect(there).toEqual(here);
    // 7 input spikes × 3 synapses, the zero weight included
    expect(here).toMatchObject({ convention: "sanafe", ops: { ac: 21, mac: 0 } });
    expect(here.energy?.chipJ).toBeGreaterThan(0);
  }, 60_000);
});
