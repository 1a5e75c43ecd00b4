// Explore says when its network is untrained: every point result records the weights' provenance, and the
// sweep's summary warns once (not once per point).

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSweep } from "./run.js";
import { renderSweep } from "./summary.js";
import { smallGrid, tempDir } from "./test-helpers.js";

describe("explore on untrained weights", () => {
  it("points carry weights: default-zeros and the summary warns once", async () => {
    const grid = smallGrid({ profiles: ["generic-45nm"], weightBits: [4, 8], samples: 2 });
    const sweep = await runSweep(grid, { out: join(tempDir(), "r.jsonl") });
    expect(sweep.results.map((r) => r.weights)).toEqual(["default-zeros", "default-zeros"]);
    const text = renderSweep(sweep.results);
    expect(text.match(/warning: the network has no trained weights/g)).toHaveLength(1);
  }, 60_000);

  it("a trained network's points say trained, and the summary has no such warning", async () => {
    const grid = smallGrid({ set: undefined, profiles: ["generic-45nm"], weightBits: [8], samples: 2 });
    const sweep = await runSweep(grid, { out: join(tempDir(), "r.jsonl") });
    expect(sweep.results[0]?.weights).toBe("trained");
    expect(renderSweep(sweep.results)).not.toMatch(/no trained weights/);
  }, 60_000);
});
