// Tiles that cost a few more cores than contiguous slices are taken when a reader reads the layer by rows and
// the tiles spread a row over far fewer cores: hand-counted cores and core pairs on a 1×1 convolution chain.
import { describe, expect, it } from "vitest";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import {
  createConv1d,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../nmir/index.js";
import { createLif } from "../nmir/neuron-factories.js";
import { pack } from "./pack.js";
import { partition } from "./partition.js";
import { rowFanIn } from "./tiles.js";
import { trafficEdges } from "./traffic.js";

const generic = loadProfile("generic-45nm");
/**
 * 128 neurons per core and room for 10 channels of a [160, 160] 8-bit matrix (10 × 160 × 8 = 12,800 bits);
 * layers of 160 channels × 103 positions, so no tile shape ties with the contiguous slices.
 */
const profile: ChipProfile = {
  ...generic,
  core: {
    ...generic.core,
    neurons: 128,
    synapseMemoryBits: 12_800,
    inputAxons: 1 << 20,
    weightBits: 8,
    memoryModel: { kind: "dense", sharedWeights: true },
  },
};

const oneByOne = (seed: number) =>
  createConv1d({
    inShape: [160, 103],
    kernel: [160, 160, 1],
    weights: Int32Array.from({ length: 25_600 }, (_, i) => ((i * 7 + seed) % 15) - 7),
  });

/** x → a → b → c, [160 channels, 103 positions] each, 1×1 convolutions. */
function chain(): NmirModule {
  const lif = () => createLif({ dv: 0, vth: 10, vBits: 16 });
  const pop = (id: string) => createPopulation({ id, shape: [160, 103], model: lif() });
  const proj = (src: string, dst: string, seed: number) =>
    createProjection({ id: `${src}${dst}`, src, dst, connectivity: oneByOne(seed), weightBits: 8 });
  return createModule({
    name: "chain",
    stage: "quantized",
    inputs: [createInput("x", [160, 103])],
    populations: [pop("a"), pop("b"), pop("c")],
    projections: [proj("x", "a", 1), proj("a", "b", 2), proj("b", "c", 3)],
    outputs: [createOutput("out", "c")],
  });
}

describe("tiles at a few more cores than contiguous slices", () => {
  it("a and b (read by rows) as 140 tiles of 8 channels × 16 positions; c (read by none) as 129 slices", () => {
    // contiguous: ⌈16,480 / 128⌉ = 129 slices of ≈ 1.24 channels at every position, a row on all 129. Tiles
    // within 10 % more cores (≤ 141), the widest: 10 channels (the memory) × 12 positions = 16 × 9 = 144 is
    // over; 9 × 14: 18 × 8 = 144 over; 8 × 16: 20 × 7 = 140, and a row spreads over 20 tiles.
    const ir = chain();
    const { slices, misfits } = partition(ir, profile, { cores: 512 });
    expect(misfits).toEqual([]);
    const cores = (id: string) => slices.filter((s) => s.population === id && !s.withPrevious).length;
    // c's slices would read 129 × 140 = 18,060 pairs of b, below TILE_PAIRS_MIN: cores first
    expect([cores("a"), cores("b"), cores("c")]).toEqual([140, 140, 129]);
    const firstTile = slices.filter((s) => s.population === "a").slice(0, 8);
    expect(firstTile.map((s) => [s.start, s.count])).toEqual(
      Array.from({ length: 8 }, (_, o) => [o * 103, 16]),
    );
  });

  it("each tile of b reads the 20 tiles of a at its positions (2,800 pairs, was 129 × 129)", () => {
    const ir = chain();
    const { slices } = partition(ir, profile, { cores: 512 });
    const { bins } = pack(slices, profile, { cores: 512 });
    const pop = bins.map((b) => b.slices[0]!.population);
    const edges = trafficEdges(ir, bins);
    const aToB = edges.filter((e) => pop[e.from] === "a" && pop[e.to] === "b");
    expect(aToB).toHaveLength(140 * 20);
    for (let to = 0; to < bins.length; to++)
      if (pop[to] === "b") expect(aToB.filter((e) => e.to === to)).toHaveLength(20);
  });

  it("c, read by none, as 140 tiles reading the 20 tiles of b at their positions when 129 × 140 pairs bind", () => {
    // c's 129 contiguous slices would each hold ≈ 1.24 channels at every position, so each would read every
    // tile of b (18,060 pairs, over a pair bound of 10,000); as tiles of 16 positions each reads the 20 tiles
    // of b that hold them
    const ir = chain();
    const { slices } = partition(ir, profile, { cores: 512, tilePairsMin: 10_000 });
    expect(slices.filter((s) => s.population === "c" && !s.withPrevious)).toHaveLength(140);
    const { bins } = pack(slices, profile, { cores: 512 });
    const pop = bins.map((b) => b.slices[0]!.population);
    const bToC = trafficEdges(ir, bins).filter((e) => pop[e.from] === "b" && pop[e.to] === "c");
    expect(bToC).toHaveLength(140 * 20);
    for (let to = 0; to < bins.length; to++)
      if (pop[to] === "c") expect(bToC.filter((e) => e.to === to)).toHaveLength(20);
  });

  it("a smaller layer (a row on fewer than TILE_SPREAD_MIN slices) keeps its contiguous slices", () => {
    // 40 channels: 33 slices, a row on 33 of them — the tiles would cost 3 more cores for a small cut
    const ir = createModule({
      ...chain(),
      inputs: [createInput("x", [40, 103])],
      populations: ["a", "b"].map((id) =>
        createPopulation({ id, shape: [40, 103], model: createLif({ dv: 0, vth: 10, vBits: 16 }) }),
      ),
      projections: ["xa", "ab"].map((id) =>
        createProjection({
          id,
          src: id[0]!,
          dst: id[1]!,
          connectivity: createConv1d({
            inShape: [40, 103],
            kernel: [40, 40, 1],
            weights: new Int32Array(1600).fill(1),
          }),
          weightBits: 8,
        }),
      ),
      outputs: [createOutput("out", "b")],
    });
    const { slices } = partition(ir, profile, { cores: 512 });
    expect(slices.filter((s) => s.population === "a" && !s.withPrevious)).toHaveLength(33);
  });

  it("rowFanIn: the slices one row of the grid is spread over", () => {
    const g = { rows: 103, features: 40, featureMajor: true };
    // one channel per slice: a row on every slice
    expect(
      rowFanIn(
        g,
        Array.from({ length: 40 }, (_, i) => i * 103),
        52,
      ),
    ).toBe(40);
    expect(rowFanIn(g, [0], 7)).toBe(1);
    const t = { rows: 10, features: 8, featureMajor: false };
    // token-major slices of 12 neurons: row 1 (neurons 8–15) is on slices 0 and 1
    expect(rowFanIn(t, [0, 12, 24, 36, 48, 60, 72], 1)).toBe(2);
  });
});
