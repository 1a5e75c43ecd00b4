// A convolution + sparse network on the stock loihi profile: it fits in Loihi's own count (population axons
// per pixel, shared convolution lists) where counting every synapse and every source neuron did not — the
// over-count that made the DVS gesture network need 156 cores for its 49-core silicon mapping.

import { describe, expect, it } from "vitest";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { createConv2d, createSparse } from "../nmir/connectivity.js";
import {
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  spikeEvent,
} from "../nmir/factories.js";
import type { NmirModule } from "../nmir/index.js";
import { createIf } from "../nmir/neuron-factories.js";
import { checkMapping, mapNetwork, mappingForCores } from "./index.js";

const loihi = loadProfile("loihi");

/** Small nonzero 8-bit weights, deterministic. */
const ws = (n: number) => Int32Array.from({ length: n }, (_, i) => ((i * 37) % 200) - 100 || 1);

/**
 * x: 64 × 10 × 10 spikes → a: conv 3 × 3 to 16 × 8 × 8 (1024 neurons, 576 synapses each, 6400 sources) →
 * b: 10 neurons each reading 100 of a's (sparse).
 */
function convSparse(): NmirModule {
  const conv = createConv2d({ inShape: [64, 10, 10], kernel: [16, 64, 3, 3], weights: ws(16 * 64 * 9) });
  const cols: number[] = [];
  for (let i = 0; i < 1024; i++) if (i % 10 === 0) cols.push((i / 10) % 10);
  const rowPtr = Int32Array.from({ length: 1025 }, (_, i) => Math.ceil(i / 10));
  const sparse = createSparse({
    inSize: 1024,
    outSize: 10,
    rowPtr,
    colIdx: Int32Array.from(cols),
    weights: ws(cols.length),
  });
  const lif = () => createIf({ vth: 100, vBits: 16 });
  return createModule({
    name: "conv-sparse",
    stage: "quantized",
    inputs: [createInput("x", [6400], spikeEvent())],
    populations: [
      createPopulation({ id: "a", shape: [16, 8, 8], model: lif() }),
      createPopulation({ id: "b", shape: [10], model: lif() }),
    ],
    projections: [
      createProjection({ id: "xa", src: "x", dst: "a", connectivity: conv, weightBits: 8 }),
      createProjection({ id: "ab", src: "a", dst: "b", connectivity: sparse, weightBits: 8 }),
    ],
    outputs: [createOutput("y", "b")],
  });
}

/** The loihi profile with the per-synapse model it had: csr with 64-bit words, one input axon per source. */
function perSynapseLoihi(): ChipProfile {
  return { ...loihi, core: { ...loihi.core, memoryModel: { kind: "csr", wordBits: 64 } } };
}

describe("mapping a convolution on Loihi", () => {
  it("fits in the faithful count: population axons per pixel, shared conv lists", () => {
    const ir = convSparse();
    const { mapping, fit } = mapNetwork(ir, loihi, { suggestProfiles: false });
    expect(fit.fits).toBe(true);
    expect(checkMapping(mapping, ir, loihi)).toEqual([]);
    // 1024 + 10 neurons; the conv's shared lists take ≈ 1.25 Mbit, so a needs 2 cores and b shares one
    expect(mapping.cores.length).toBe(2);
    // every core holding part of a reads x on its 100 pixel axons (+ the sources of b's slices beside it)
    for (const c of mapping.cores) {
      const a = c.slices.some((s) => s.population === "a");
      const b = c.slices.some((s) => s.population === "b");
      if (a && !b) expect(c.usage.inputAxons).toBe(100);
      if (a && b) expect(c.usage.inputAxons).toBeGreaterThan(100);
    }
  });

  it("counting each synapse and each source neuron over-counts it many times over", () => {
    const ir = convSparse();
    const { mapping } = mapNetwork(ir, perSynapseLoihi(), { suggestProfiles: false });
    expect(mapping.cores.length).toBeGreaterThan(10);
  });

  it("accepts a hand placement whose cores read 6400 source neurons each (4096 input axons)", () => {
    const ir = convSparse();
    const cores = [
      { index: 0, slices: [{ population: "a", start: 0, count: 512 }] },
      { index: 1, slices: [{ population: "a", start: 512, count: 512 }] },
      { index: 2, slices: [{ population: "b", start: 0, count: 10 }] },
    ];
    const mapping = mappingForCores(ir, loihi, cores);
    expect(mapping.cores[0]!.usage.inputAxons).toBe(100);
    expect(mapping.cores[0]!.usage.synapseBits).toBeLessThanOrEqual(1 << 20);
    expect(checkMapping(mapping, ir, loihi)).toEqual([]);
  });
});
