// A dynamic matmul split over two cores, by hand: each operand spike's packets go only to the cores whose
// outputs read it (Y[i, j] reads row i of A and column j of B), with the hops of those routes.

import { describe, expect, it } from "vitest";
import {
  createDynamicMatmul,
  createIf,
  createInput,
  createModule,
  createOneToOne,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../../compiler/nmir/index.js";
import { createChip } from "../../simulator/chip/index.js";
import { handProfile, placeAt } from "./helpers.js";

/** x → a (2 IF, vth 0), y → b (2 IF, vth 0), one to one; Y = A·B with A 2 × 1 (a) and B 1 × 2 (b). */
function outerProduct(): NmirModule {
  const m = createModule({
    name: "outer",
    stage: "quantized",
    inputs: [createInput("x", [2]), createInput("y", [2])],
  });
  for (const [id, src] of [
    ["a", "x"],
    ["b", "y"],
  ] as const) {
    m.populations.push(createPopulation({ id, shape: [2], model: createIf({ vth: 0, vBits: 16 }) }));
    m.projections.push(
      createProjection({
        id: `${src}${id}`,
        src,
        dst: id,
        connectivity: createOneToOne({ size: 2, weights: Int32Array.of(1) }),
        weightBits: 8,
      }),
    );
  }
  m.dynamicMatmuls.push(createDynamicMatmul({ id: "mm", a: "a", b: "b", m: 2, k: 1, n: 2, outBits: 8 }));
  m.outputs.push(createOutput("out", "mm"));
  return m;
}

const ones = {
  x: { shape: [1, 2], data: Float64Array.of(1, 1) },
  y: { shape: [1, 2], data: Float64Array.of(1, 1) },
};

describe("dynamic-matmul operands by hand", () => {
  it("outputs split by rows: A's spikes reach one core each, B's both", () => {
    const p = handProfile();
    const ir = outerProduct();
    // a at (0,0), b at (3,0); Y row 0 (outputs 0, 1) at (0,1), row 1 (outputs 2, 3) at (0,3)
    const mapping = placeAt(ir, p, 2, [
      [0, 0],
      [3, 0],
      [0, 1],
      [0, 3],
    ]);
    expect(mapping.cores.map((c) => [c.index, c.slices])).toEqual([
      [0, [{ population: "a", start: 0, count: 2 }]],
      [3, [{ population: "b", start: 0, count: 2 }]],
      [4, [{ population: "mm", start: 0, count: 2 }]],
      [12, [{ population: "mm", start: 2, count: 2 }]],
    ]);
    const r = createChip(p, { timing: "detailed", mode: "layer-sync" }).load(ir, mapping).run(ones);
    expect([...r.outputs.get("out")![0]!]).toEqual([1, 1, 1, 1]);
    // XY routes, x first. A0 → (0,1): 1 N-S hop; A1 → (0,3): 3 N-S. B0 and B1 each → (0,1): 3 E-W + 1 N-S, and
    // → (0,3): 3 E-W + 3 N-S. Packets 1 + 1 + 2 + 2 = 6; hops 1 + 3 + 2 × 10 = 24 (12 E-W, 12 N-S). Sent to every
    // core of the matmul, A0 and A1 would each cost 2 packets and 4 hops: 8 packets, 28 hops.
    expect([r.chip.packets, r.chip.hops, r.chip.inputPackets]).toEqual([6, 24, 4]);
    expect(r.chip.energy.byEvent.hopEW).toBeCloseTo(12 * 3e-12, 20);
    expect(r.chip.energy.byEvent.hopNS).toBeCloseTo(12 * 5e-12, 20);
    // per core [sent, received]: a sends 2, b 4; each matmul core receives its A row and both B columns
    // (the host's inputs land on a and b); each multiplies its 2 products
    expect(r.chip.cores.map((c) => [c.core, c.packetsOut, c.packetsIn])).toEqual([
      [0, 2, 2],
      [3, 4, 2],
      [4, 0, 3],
      [12, 0, 3],
    ]);
    // received packets cost axonIn each: 4 host inputs + 6 operand packets
    expect(r.chip.energy.byEvent.axonIn).toBeCloseTo(10 * 0.5e-12, 20);
  });

  it("one output per core: every operand spike reaches the two cores of its row or column, not all four", () => {
    const p = handProfile();
    const ir = outerProduct();
    // a0 a1 b0 b1 along row 0; Y(0,0) Y(0,1) Y(1,0) Y(1,1) along row 2
    const at: [number, number][] = [0, 1, 2, 3, 0, 1, 2, 3].map((x, k) => [x, k < 4 ? 0 : 2]);
    const mapping = placeAt(ir, p, 1, at);
    expect(mapping.cores.map((c) => c.slices.map((s) => `${s.population}${s.start}`).join())).toEqual([
      "a0",
      "a1",
      "b0",
      "b1",
      "mm0",
      "mm1",
      "mm2",
      "mm3",
    ]);
    const r = createChip(p, { timing: "detailed", mode: "layer-sync" }).load(ir, mapping).run(ones);
    expect([...r.outputs.get("out")![0]!]).toEqual([1, 1, 1, 1]);
    // A_i → Y(i,0), Y(i,1); B_j → Y(0,j), Y(1,j). Hops: a0 → (0,2) 2, (1,2) 3; a1 → (2,2) 3, (3,2) 4;
    // b0 → (0,2) 4, (2,2) 2; b1 → (1,2) 4, (3,2) 2: 8 packets, 24 hops (to all four: 16 packets, 52 hops)
    expect([r.chip.packets, r.chip.hops]).toEqual([8, 24]);
    expect(r.chip.cores.map((c) => c.packetsIn)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it("each core is charged the products of its own outputs: a silent A row costs its core nothing", () => {
    const p = handProfile();
    const ir = outerProduct();
    const mapping = placeAt(ir, p, 2, [
      [0, 0],
      [3, 0],
      [0, 1],
      [0, 3],
    ]);
    // A = (1, 0), B = (1, 1): Y row 0 = (1, 1), row 1 = (0, 0)
    const inputs = {
      x: { shape: [1, 2], data: Float64Array.of(1, 0) },
      y: { shape: [1, 2], data: Float64Array.of(1, 1) },
    };
    const r = createChip(p, { timing: "detailed", mode: "layer-sync" }).load(ir, mapping).run(inputs);
    expect([...r.outputs.get("out")![0]!]).toEqual([1, 1, 0, 0]);
    // A0 → (0,1) only: 1 packet, 1 hop; B0 and B1 → both matmul cores: 4 packets, 2 × (4 + 6) hops
    expect([r.chip.packets, r.chip.hops]).toEqual([5, 21]);
    // per core ACs: a its one input, b its two; the row-0 core its 2 products, the row-1 core none (shared by
    // output count, each would have been charged 1)
    expect(r.chip.cores.map((c) => [c.core, c.ac])).toEqual([
      [0, 1],
      [3, 2],
      [4, 2],
      [12, 0],
    ]);
  });
});
