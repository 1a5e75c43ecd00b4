// Per-core limit overrides on a multi-chip system: the schema counts override indices per chip (every chip of
// a system is the same chip), so they apply to that core of every chip. A small system built here (2 chips of
// 4 cores, core 0 of each chip larger) maps across both chips with every core within its own limits.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProfile, validateProfileFile } from "../../hw-profiles/index.js";
import { createChip } from "../../simulator/chip/index.js";
import {
  createDense,
  createInput,
  createLif,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../nmir/index.js";
import { checkMapping, mapNetwork } from "./index.js";
import { limitsOf } from "./memory-models.js";

const q = (v: number, unit = "") =>
  `{ value: ${v}, ${unit ? `unit: ${unit}, ` : ""}status: estimate, source: e }`;

/** loihi2 cores, 2 × 2 tiles of 1 core per chip (8 neurons each, core 0 32), 2 chips joined by one link. */
function writeSystem(): string {
  const file = join(mkdtempSync(join(tmpdir(), "sg-overrides-")), "two-chips.yaml");
  writeFileSync(
    file,
    [
      "extends: loihi2",
      "name: two-small-chips",
      "sources: { e: a test system }",
      "grid:",
      `  width: ${q(2)}`,
      `  height: ${q(2)}`,
      `  coresPerTile: ${q(1)}`,
      "  routing: xy",
      "  multicast: false",
      `  chips: ${q(1)}`,
      "coreOverrides:",
      `  - { cores: [0], neurons: ${q(32)} }`,
      `  - { cores: [1, 2, 3], neurons: ${q(8)} }`,
      "system:",
      `  chips: { x: ${q(2)}, y: ${q(1)} }`,
      `  packetBits: ${q(32)}`,
      "  link:",
      `    energyPerBit: ${q(1, "pJ")}`,
      `    latency: ${q(100, "ns")}`,
      `    bandwidth: ${q(8, "Gbit/s")}`,
    ].join("\n"),
  );
  return file;
}

/** x (4 spikes) → a (24 LIF) → b (80 LIF): 104 neurons, two chips of 32 + 3 × 8 = 56. */
function twoLayers(): NmirModule {
  const lif = () => createLif({ vth: 4, dv: 0, vBits: 16 });
  return createModule({
    name: "two-layers",
    stage: "quantized",
    inputs: [createInput("x", [4])],
    populations: [
      createPopulation({ id: "a", shape: [24], model: lif() }),
      createPopulation({ id: "b", shape: [80], model: lif() }),
    ],
    projections: [
      createProjection({
        id: "x->a",
        src: "x",
        dst: "a",
        connectivity: createDense({ inSize: 4, outSize: 24, weights: new Int32Array(96).fill(3) }),
        weightBits: 8,
      }),
      createProjection({
        id: "a->b",
        src: "a",
        dst: "b",
        connectivity: createDense({ inSize: 24, outSize: 80, weights: new Int32Array(1920).fill(2) }),
        weightBits: 8,
      }),
    ],
    dynamicMatmuls: [],
    outputs: [createOutput("y", "b")],
  });
}

describe("per-core overrides on a multi-chip system", () => {
  const file = writeSystem();

  it("a system profile may declare them, indexed by core on a chip", () => {
    expect(validateProfileFile(file).problems).toEqual([]);
    const p = loadProfile(file);
    expect([p.grid.coresPerChip, p.grid.chips, p.coreOverrides]).toEqual([
      4,
      2,
      [
        { cores: [0], limits: { neurons: 32 } },
        { cores: [1, 2, 3], limits: { neurons: 8 } },
      ],
    ]);
  });

  it("apply to that core of every chip: core c·4 + k has core k's limits", () => {
    const p = loadProfile(file);
    for (let chip = 0; chip < 2; chip++)
      for (let k = 0; k < 4; k++) expect(limitsOf(p, chip * 4 + k)).toEqual(limitsOf(p, k));
    expect(limitsOf(p, 4).neurons).toBe(32);
    expect(limitsOf(p, 5).neurons).toBe(8);
  });

  it("a network over both chips keeps every core within its own limits, and the chip loads it", () => {
    const p = loadProfile(file);
    const ir = twoLayers();
    const { mapping, fit } = mapNetwork(ir, p, { suggestProfiles: false });
    expect(fit.chipsUsed).toBe(2);
    for (const c of mapping.cores) {
      expect(c.limits, `core ${c.index}`).toEqual(limitsOf(p, c.index % 4));
      expect(c.usage.neurons ?? 0, `core ${c.index}`).toBeLessThanOrEqual(c.limits.neurons!);
    }
    expect(checkMapping(mapping, ir, p)).toEqual([]);
    const run = createChip(p)
      .load(ir, mapping)
      .run({ x: { shape: [3, 4], data: new Array(12).fill(1) } });
    expect(run.outputs.get("y")).toHaveLength(3);
  });
});
