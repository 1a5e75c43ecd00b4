// Test support: a small real grid (the demo architecture at width 16, untrained, on held-out MNIST rows) and
// temporary folders.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkGridSpec, type GridSpecInput } from "./grid.js";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "spikegrid-explore-"));
}

/** 2 profiles × 3 weight bits = 6 points, 4 samples of 28 steps each: a fraction of a second per point. */
export function smallGrid(over: Partial<GridSpecInput> = {}) {
  return checkGridSpec({
    model: "zoo:spiking-lmuformer-smnist",
    set: { dim: 16 },
    profiles: ["loihi2", "generic-45nm"],
    weightBits: [2, 4, 8],
    dataset: "mnist-rows",
    samples: 4,
    ...over,
  });
}
