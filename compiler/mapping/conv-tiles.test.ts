// Tiles of a convolution's destination (positions × channels) and matrices stored once for every projection
// that reads them: hand-counted cores, core pairs and synapse bits on small networks.
import { describe, expect, it } from "vitest";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
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
import { nodeFacts, runsUsage } from "./memory-models.js";
import { mapNodes } from "./nodes.js";
import { partition } from "./partition.js";
import type { Run } from "./shared-weights.js";
import { featureGrid } from "./tiles.js";
import { validateMapping } from "./validate.js";

const lif = () => createLif({ dv: 0, vth: 10, vBits: 16 });
const generic = loadProfile("generic-45nm");

/** Cores of `neurons` neurons and ample memory, matrices shared (dense). */
function small(neurons: number): ChipProfile {
  return {
    ...generic,
    core: {
      ...generic.core,
      neurons,
      synapseMemoryBits: 1 << 20,
      inputAxons: 1 << 20,
      weightBits: 8,
      memoryModel: { kind: "dense", sharedWeights: true },
    },
  };
}

const oneByOne = (seed: number) =>
  createConv1d({
    inShape: [4, 16],
    kernel: [4, 4, 1],
    weights: Int32Array.from({ length: 16 }, (_, i) => i + seed),
  });

/** x [4 channels, 16 positions] → a → b, each a 1×1 convolution (a per-position linear over channels). */
function chain(): NmirModule {
  return createModule({
    name: "chain",
    stage: "quantized",
    inputs: [createInput("x", [4, 16])],
    populations: [
      createPopulation({ id: "a", shape: [4, 16], model: lif() }),
      createPopulation({ id: "b", shape: [4, 16], model: lif() }),
    ],
    projections: [
      createProjection({ id: "xa", src: "x", dst: "a", connectivity: oneByOne(1), weightBits: 8 }),
      createProjection({ id: "ab", src: "a", dst: "b", connectivity: oneByOne(2), weightBits: 8 }),
    ],
    outputs: [createOutput("out", "b")],
  });
}

describe("a 1×1 convolution's destination as tiles", () => {
  it("is a grid of 16 positions × 4 channels, channel-major", () => {
    const node = mapNodes(chain()).find((n) => n.id === "b")!;
    expect(featureGrid(node, small(8).core.memoryModel)).toEqual({
      rows: 16,
      features: 4,
      featureMajor: true,
    });
    // without shared matrices there is no grid (a tile would save nothing)
    expect(featureGrid(node, { kind: "dense" })).toBeUndefined();
  });

  it("8 cores per layer either way, but each core of b reads 1 core of a, not all 8", () => {
    // contiguous slices of 8 neurons hold half a channel (8 positions): every slice of b reads all 4 channels
    // at its positions, i.e. every slice of a — 64 pairs. Tiles of 4 channels × 2 positions: as many cores
    // (64 / 8), and a tile of b reads the 4 channels at its 2 positions, exactly one tile of a.
    const ir = chain();
    const { mapping } = mapNetwork(ir, small(8), { suggestProfiles: false });
    expect(mapping.cores).toHaveLength(16);
    const coreOf = new Map<number, string>();
    for (const c of mapping.cores) {
      const pops = new Set(c.slices.map((s) => s.population));
      expect(pops.size).toBe(1);
      coreOf.set(c.index, [...pops][0]!);
      // one run of 2 positions per channel
      expect(c.slices.map((s) => s.count)).toEqual([2, 2, 2, 2]);
      expect(c.slices.map((s) => s.start % 16)).toEqual(Array(4).fill(c.slices[0]!.start % 16));
    }
    const aToB = mapping.routes.filter((r) => coreOf.get(r.fromCore) === "a");
    expect(aToB).toHaveLength(8);
    for (const r of aToB) expect(r.toCores).toHaveLength(1);
    expect(() => validateMapping(mapping, ir, small(8))).not.toThrow();
  });
});

describe("a tiled layer of many runs", () => {
  it("partitions 2 channels × 500,000 positions into 500,000 tiles of 2 runs (a million slices)", () => {
    // cores of 2 neurons: tiles of both channels at 1 position tie with the contiguous slices; the slices
    // once overflowed the call stack when spread into the result
    const n = 500_000;
    const ir = createModule({
      name: "wide",
      stage: "quantized",
      inputs: [createInput("x", [2, n])],
      populations: [createPopulation({ id: "a", shape: [2, n], model: lif() })],
      projections: [
        createProjection({
          id: "xa",
          src: "x",
          dst: "a",
          connectivity: createConv1d({
            inShape: [2, n],
            kernel: [2, 2, 1],
            weights: Int32Array.from([1, 2, 3, 4]),
          }),
          weightBits: 8,
        }),
      ],
      outputs: [createOutput("out", "a")],
    });
    const { slices, misfits } = partition(ir, small(2), { cores: 1024 });
    expect(misfits).toEqual([]);
    expect(slices).toHaveLength(2 * n);
    expect(slices.filter((s) => s.withPrevious)).toHaveLength(n);
    expect(slices.slice(0, 2).map((s) => [s.start, s.count])).toEqual([
      [0, 1],
      [n, 1],
    ]);
  }, 60_000);
});

describe("one matrix read by several projections", () => {
  // 4 tokens × [3 out, 2 in] (shared-weights.test.ts: 109 csr bits, 48 dense bits on one core)
  const rowwise = (w: number[]) => createRowwise({ rows: 4, kernel: [3, 2], weights: Int32Array.from(w) });
  function twoSources(c1: Connectivity, c2: Connectivity): NmirModule {
    return createModule({
      name: "residual",
      stage: "quantized",
      inputs: [createInput("x1", [8]), createInput("x2", [8])],
      populations: [createPopulation({ id: "y", shape: [12], model: lif() })],
      projections: [
        createProjection({ id: "p1", src: "x1", dst: "y", connectivity: c1, weightBits: 8 }),
        createProjection({ id: "p2", src: "x2", dst: "y", connectivity: c2, weightBits: 8 }),
      ],
      outputs: [createOutput("out", "y")],
    });
  }
  const loihi2 = loadProfile("loihi2");
  const withModel = (m: ChipProfile["core"]["memoryModel"]): ChipProfile => ({
    ...loihi2,
    core: { ...loihi2.core, memoryModel: m },
  });
  function bits(ir: NmirModule, profile: ChipProfile, runs: Run[]): number {
    const byId = new Map(mapNodes(ir).map((n) => [n.id, n]));
    const node = byId.get("y")!;
    const facts = nodeFacts(node, profile, byId);
    return runsUsage(node, facts, runs, profile, new Set(["x1", "x2"]), new Map()).synapseBits ?? Number.NaN;
  }
  const all = [{ start: 0, count: 12 }];
  const w = [1, 2, 3, 4, 5, 6];

  it("csr: 109 bits for the first, + 4 rows × (3 + 4) = 28 for the second (137, not 218)", () => {
    const csr = withModel({ kind: "csr", sharedWeights: true });
    expect(bits(twoSources(rowwise(w), rowwise(w)), csr, all)).toBe(137);
    // a different matrix is stored on its own
    expect(bits(twoSources(rowwise(w), rowwise([1, 2, 3, 4, 5, 7])), csr, all)).toBe(218);
  });

  it("dense: 48 bits once (96 for two different matrices)", () => {
    const dense = withModel({ kind: "dense", sharedWeights: true });
    expect(bits(twoSources(rowwise(w), rowwise(w)), dense, all)).toBe(48);
    expect(bits(twoSources(rowwise(w), rowwise([0, 2, 3, 4, 5, 6])), dense, all)).toBe(96);
  });
});
