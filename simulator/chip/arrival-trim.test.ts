// Arrival times dropped after the last phase reading them (arrival-trim.ts): on random layer-sync modules where
// sources are read in the same step by several later populations, the run equals, bit for bit, the same run
// keeping every arrival until its source's last reader, and the reference interpreter's outputs and counts.

import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mapNetwork, PLACEMENTS } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import {
  createDense,
  createIf,
  createInput,
  createLinear,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../../compiler/nmir/index.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { runReference } from "../reference/index.js";
import { inputsArb } from "../reference/test-helpers.js";
import { ArrivalTrim } from "./arrival-trim.js";
import { createChip } from "./index.js";
import { ItemBuffer } from "./item-buffer.js";
import { PacketBuffer } from "./scratch.js";

interface Layer {
  size: number;
  vth: number;
  /** A graded population (linear, 4-bit payloads: bit planes on a binary-spike chip) instead of IF. */
  graded: boolean;
  /** Sources: 0 is the input, k > 0 population k − 1 (only earlier ones). */
  from: number[];
  seed: number;
}

/** x → populations p0 … each reading the input or earlier populations through dense projections. */
function readersModule(inputSize: number, layers: Layer[]): NmirModule {
  const m = createModule({ name: "readers", stage: "quantized", inputs: [createInput("x", [inputSize])] });
  const sizeOf = (k: number) => (k === 0 ? inputSize : layers[k - 1]!.size);
  layers.forEach((l, j) => {
    const id = `p${j}`;
    const model = l.graded
      ? createLinear({ bias: new Int32Array(l.size).fill(l.vth - 2), outBits: 4 })
      : createIf({ vth: l.vth, vBits: 16 });
    m.populations.push(createPopulation({ id, shape: [l.size], model }));
    for (const k of new Set(l.from)) {
      const inSize = sizeOf(k);
      // weights from a small linear generator: the seed picks the pattern, zeros included
      const weights = Int32Array.from(
        { length: inSize * l.size },
        (_, i) => (((i + 1) * (l.seed * 2 + 7)) % 7) - 2,
      );
      const connectivity = createDense({ inSize, outSize: l.size, weights });
      const src = k === 0 ? "x" : `p${k - 1}`;
      m.projections.push(createProjection({ id: `${src}-${id}`, src, dst: id, connectivity, weightBits: 8 }));
    }
  });
  m.outputs.push(createOutput("y", `p${layers.length - 1}`));
  return m;
}

const layersArb = fc.integer({ min: 3, max: 6 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, j) =>
      fc.record({
        size: fc.integer({ min: 1, max: 12 }),
        vth: fc.integer({ min: 1, max: 4 }),
        graded: fc.boolean(),
        // every population reads its predecessor and up to two earlier sources (several same-step readers)
        from: fc.array(fc.integer({ min: 0, max: j }), { minLength: 0, maxLength: 2 }).map((a) => [j, ...a]),
        seed: fc.integer({ min: 0, max: 50 }),
      }),
    ),
  ),
);

const T = 3;
const case_ = fc
  .record({
    inputSize: fc.integer({ min: 1, max: 10 }),
    layers: layersArb,
    npc: fc.integer({ min: 1, max: 5 }),
    placement: fc.constantFrom(...PLACEMENTS),
    multicast: fc.boolean(),
    // loihi sends binary spikes only: graded events go as bit planes
    chip: fc.constantFrom("generous", "loihi"),
    timing: fc.constantFrom("simple" as const, "detailed" as const),
    // slots follow the mapping's cores: listed reversed or rotated, later readers sit on lower slots too
    order: fc.constantFrom("mapped", "reversed", "rotated"),
  })
  .chain((c) => {
    const ir = readersModule(c.inputSize, c.layers);
    return inputsArb(ir, T).map((inputs) => ({ ...c, ir, inputs }));
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("ArrivalTrim", () => {
  it("cutting arrivals after each phase changes no result (random modules with several same-step readers)", () => {
    fc.assert(
      fc.property(case_, ({ ir, inputs, npc, placement, multicast, chip, timing, order }) => {
        const g = chip === "loihi" ? loadProfile("loihi") : generousProfile();
        const profile = { ...g, grid: { ...g.grid, multicast } };
        const mapped = mapNetwork(ir, profile, {
          neuronsPerCore: npc,
          placement,
          suggestProfiles: false,
        }).mapping;
        const cores = [...mapped.cores];
        if (order === "reversed") cores.reverse();
        if (order === "rotated") cores.push(...cores.splice(0, cores.length >> 1));
        const mapping = { ...mapped, cores };
        const run = () => createChip(profile, { mode: "layer-sync", timing }).load(ir, mapping).run(inputs);
        const cut = run();
        // kept until the source's last reader (Router.endPhase), as before the cut
        vi.spyOn(ArrivalTrim.prototype, "after").mockImplementation(() => {});
        const kept = run();
        vi.restoreAllMocks();
        expect(cut).toEqual(kept);
        const ref = runReference(ir, inputs, { mode: "layer-sync" });
        expect(cut.outputs).toEqual(ref.outputs);
        expect(cut.counts).toEqual(ref.counts);
      }),
      { numRuns: 60 },
    );
  });
});

describe("work buffers", () => {
  it("each phase's packets are reserved at once and each unit's work items counted, exactly as many as come", () => {
    fc.assert(
      fc.property(case_, fc.constantFrom("layer-sync" as const, "pipelined" as const), (c, mode) => {
        const g = c.chip === "loihi" ? loadProfile("loihi") : generousProfile();
        const profile = { ...g, grid: { ...g.grid, multicast: c.multicast } };
        const { mapping } = mapNetwork(c.ir, profile, { neuronsPerCore: c.npc, suggestProfiles: false });
        let reserved = 0;
        let pushed = 0;
        const [reserve, push, release] = [
          PacketBuffer.prototype.reserve,
          PacketBuffer.prototype.push,
          PacketBuffer.prototype.release,
        ];
        vi.spyOn(PacketBuffer.prototype, "reserve").mockImplementation(function (this: PacketBuffer, n) {
          reserved += n;
          reserve.call(this, n);
        });
        vi.spyOn(PacketBuffer.prototype, "push").mockImplementation(function (this: PacketBuffer, ...a) {
          pushed++;
          push.apply(this, a);
        });
        // the router empties the buffer once it routed the phase: what came is what was reserved
        vi.spyOn(PacketBuffer.prototype, "release").mockImplementation(function (this: PacketBuffer) {
          expect(pushed).toBe(reserved);
          [pushed, reserved] = [0, 0];
          release.call(this);
        });
        // ItemBuffer.sorted throws unless each slot got the items counted for it
        const sorted = ItemBuffer.prototype.sorted;
        let itemsSorted = 0;
        vi.spyOn(ItemBuffer.prototype, "sorted").mockImplementation(function (this: ItemBuffer) {
          itemsSorted++;
          return sorted.call(this);
        });
        const run = createChip(profile, { mode, timing: c.timing }).load(c.ir, mapping).run(c.inputs);
        vi.restoreAllMocks();
        expect(pushed).toBe(reserved);
        // every unit of every step sorts its items (the check above ran)
        expect(itemsSorted).toBeGreaterThan(0);
        const ref = runReference(c.ir, c.inputs, { mode });
        expect(run.outputs).toEqual(ref.outputs);
      }),
      { numRuns: 40 },
    );
  });
});
