// Shared matrices under `sharedWeights`: hand-computed bits of a small rowwise projection and a conv on one and
// on two cores (csr and dense), and a per-token-linear network whose core count drops to the hand count.
import { describe, expect, it } from "vitest";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { buildLayout } from "../../simulator/chip/layout.js";
import { coreMemory } from "../../simulator/chip/memory.js";
import {
  type Connectivity,
  createConv1d,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  createRowwise,
  type NmirModule,
} from "../nmir/index.js";
import { createLif } from "../nmir/neuron-factories.js";
import { mapNetwork } from "./map-network.js";
import { runsUsage } from "./memory-models.js";
import { mapNodes } from "./nodes.js";
import type { Run } from "./shared-weights.js";
import { validateMapping } from "./validate.js";

const lif = () => createLif({ dv: 0, vth: 10, vBits: 16 });

/** input [n_in sources] → population of `size` neurons through `c` at 8-bit weights. */
function oneProjection(c: Connectivity, inputs: number, size: number): NmirModule {
  return createModule({
    name: "shared",
    stage: "quantized",
    inputs: [createInput("x", [inputs])],
    populations: [createPopulation({ id: "y", shape: [size], model: lif() })],
    projections: [createProjection({ id: "p", src: "x", dst: "y", connectivity: c, weightBits: 8 })],
    outputs: [createOutput("out", "y")],
  });
}

function withModel(m: ChipProfile["core"]["memoryModel"], base = loadProfile("loihi2")): ChipProfile {
  return { ...base, core: { ...base.core, memoryModel: m } };
}

const CSR = withModel({ kind: "csr", sharedWeights: true });
const DENSE = withModel({ kind: "dense", sharedWeights: true });

function bitsOn(ir: NmirModule, profile: ChipProfile, runs: Run[]): number {
  const node = mapNodes(ir).find((n) => n.id === "y")!;
  const u = runsUsage(node, { srcPlanes: [0], planes: 0 }, runs, profile, new Set(["x"]), new Map());
  return u.synapseBits ?? Number.NaN;
}

// 4 tokens × [3 out, 2 in], token-major: neuron j = token·3 + feature
const rowwise = oneProjection(
  createRowwise({ rows: 4, kernel: [3, 2], weights: Int32Array.from([1, 2, 3, 4, 5, 6]) }),
  8,
  12,
);

describe("a rowwise matrix under sharedWeights", () => {
  it("csr on one core: 6 entries × (8 + 4 index bits) + 3 list pointers × 3 + 4 rows × (3 + 4) = 109 bits", () => {
    // per synapse (no sharing) it was 24 × 12 + 9 pointers × 5 = 333
    expect(bitsOn(rowwise, CSR, [{ start: 0, count: 12 }])).toBe(109);
    expect(bitsOn(rowwise, withModel({ kind: "csr" }), [{ start: 0, count: 12 }])).toBe(333);
  });

  it("csr on two cores by tokens: each 6 × 11 + 3 × 3 + 2 × (3 + 3) = 87 bits", () => {
    expect(bitsOn(rowwise, CSR, [{ start: 0, count: 6 }])).toBe(87);
    expect(bitsOn(rowwise, CSR, [{ start: 6, count: 6 }])).toBe(87);
  });

  it("csr on two cores by features: features 0-1 of every token 77 bits, feature 2 42 bits", () => {
    // the runs of one core share its matrix rows: 4 × 11 + 3 × 3 + 4 × 6 = 77; 2 × 10 + 3 × 2 + 4 × 4 = 42
    const f01 = [0, 3, 6, 9].map((start) => ({ start, count: 2 }));
    const f2 = [2, 5, 8, 11].map((start) => ({ start, count: 1 }));
    expect(bitsOn(rowwise, CSR, f01)).toBe(77);
    expect(bitsOn(rowwise, CSR, f2)).toBe(42);
  });

  it("dense: the hosted features' rows once (48 bits on one core; 32 + 16 by features)", () => {
    expect(bitsOn(rowwise, DENSE, [{ start: 0, count: 12 }])).toBe(48);
    expect(
      bitsOn(
        rowwise,
        DENSE,
        [0, 3, 6, 9].map((start) => ({ start, count: 2 })),
      ),
    ).toBe(32);
    expect(bitsOn(rowwise, DENSE, [{ start: 2, count: 1 }])).toBe(16);
    // per destination neuron it was sources × neurons × 8 = 8 × 12 × 8
    expect(bitsOn(rowwise, withModel({ kind: "dense" }), [{ start: 0, count: 12 }])).toBe(768);
  });
});

describe("a convolution under sharedWeights", () => {
  // [2, 5] → [3, 5], kernel 3, padding 1: 78 synapses, 18 weights
  const conv = oneProjection(
    createConv1d({
      inShape: [2, 5],
      kernel: [3, 2, 3],
      padding: 1,
      weights: Int32Array.from({ length: 18 }, (_, i) => i + 1),
    }),
    10,
    15,
  );

  it("csr: 18 × 12 + 3 × 5 + 5 positions × (5 + 4) = 276 bits on one core, 105 for channel 0 alone", () => {
    expect(bitsOn(conv, CSR, [{ start: 0, count: 15 }])).toBe(276);
    expect(bitsOn(conv, CSR, [{ start: 0, count: 5 }])).toBe(105);
    // per synapse: 78 × 12 + 11 pointers × 7
    expect(bitsOn(conv, withModel({ kind: "csr" }), [{ start: 0, count: 15 }])).toBe(1013);
  });

  it("dense: 18 × 8 = 144 bits on one core, 48 per output channel", () => {
    expect(bitsOn(conv, DENSE, [{ start: 0, count: 15 }])).toBe(144);
    expect(bitsOn(conv, DENSE, [{ start: 5, count: 5 }])).toBe(48);
  });
});

describe("a per-token linear network", () => {
  // 8 tokens × [32 out, 16 in] on cores of 64 neurons and 2048 bits (16 features' rows of 16 × 8 bits)
  const ir = oneProjection(
    createRowwise({
      rows: 8,
      kernel: [32, 16],
      weights: Int32Array.from({ length: 512 }, (_, i) => (i % 7) - 3),
    }),
    128,
    256,
  );
  const generic = loadProfile("generic-45nm");
  const small = (shared: boolean): ChipProfile => ({
    ...generic,
    core: {
      ...generic.core,
      neurons: 64,
      synapseMemoryBits: 2048,
      inputAxons: 1 << 20,
      weightBits: 8,
      memoryModel: shared ? { kind: "dense", sharedWeights: true } : { kind: "dense" },
    },
  });

  it("fits on 4 cores (16 features × 4 tokens each), not 16 (16 features of one token each)", () => {
    // per copy, a core holds 2048 / (16 sources × 8 bits) = 16 neurons of one token: 256 / 16 = 16 cores
    expect(mapNetwork(ir, small(false), { suggestProfiles: false }).mapping.cores).toHaveLength(16);
    const { mapping, fit } = mapNetwork(ir, small(true), { suggestProfiles: false });
    // 64 neurons: 16 features × 4 tokens, whose 16 × 16 × 8 = 2048 matrix bits fill the core exactly
    expect(mapping.cores).toHaveLength(4);
    expect(fit.coresAtLeast).toBe(4);
    for (const c of mapping.cores) expect(c.usage.synapseBits).toBe(2048);
    expect(() => validateMapping(mapping, ir, small(true))).not.toThrow();
    // the chip simulator's memory table charges each core's 4 token runs one matrix too
    const layout = buildLayout(small(true), mapping, new Map([["y", 256]]));
    const memory = coreMemory(ir, small(true), layout);
    expect(memory.map((m) => m.synapseBits)).toEqual([2048, 2048, 2048, 2048]);
  });
});
