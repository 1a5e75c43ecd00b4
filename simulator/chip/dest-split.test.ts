// Split destination tables (table-rows.ts DestTable.high): past 65,536 cores in use a union table keeps 16-bit
// slots, each neuron's rows from its first slot past the split stored less it — the same slots as a 32-bit
// table, and the same chip run (outputs, counts and every chip figure) when tables are split on small layouts.

import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import { nmirModuleArb } from "../../compiler/nmir/arbitrary.js";
import { createDense } from "../../compiler/nmir/connectivity.js";
import { createProjection } from "../../compiler/nmir/factories.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import { runReference, TIMESTEP_MODES } from "../reference/index.js";
import { createProjectionRun } from "../reference/projection.js";
import { SourceHistory } from "../reference/schedule.js";
import { inputsArb } from "../reference/test-helpers.js";
import { Datapath } from "./datapath.js";
import { createChip } from "./index.js";
import type { Layout } from "./layout.js";
import { generousSystem } from "./system-fixtures.js";
import { destSplit } from "./table-rows.js";
import { destinationTables, slotAt, synapseTables } from "./tables.js";

const defaultSplit = destSplit.at;
afterEach(() => {
  destSplit.at = defaultSplit;
});

describe("destination tables past 65,536 cores in use", () => {
  it("a union table of 70,000 cores is 16-bit, split per neuron, with the slots of the plain union", () => {
    // x (4 neurons) → y (5 neurons) and x → z (3 neurons), dense with zeros: x's rows are the union
    const y = Int32Array.of(100, 65_535, 65_536, 69_999, 7);
    const z = Int32Array.of(65_537, 3, 69_998);
    const layout = {
      slots: 70_000,
      slotOf: new Map([
        ["y", y],
        ["z", z],
      ]),
      slices: new Map(),
    } as unknown as Layout;
    const wy = Int32Array.from({ length: 5 * 4 }, (_, k) => ((k * 7) % 3 === 0 ? 0 : 1 + (k % 5)));
    const wz = Int32Array.from({ length: 3 * 4 }, (_, k) => (k % 4 === 1 ? 0 : 2));
    const runs = [
      ["py", "y", wy, 5],
      ["pz", "z", wz, 3],
    ].map(([id, dst, w, n]) => {
      const p = createProjection({
        id: id as string,
        src: "x",
        dst: dst as string,
        connectivity: createDense({ inSize: 4, outSize: n as number, weights: w as Int32Array }),
        weightBits: 8,
      });
      return createProjectionRun(p, new SourceHistory(4, 1), "spike", 0, true);
    });
    const ir = { projections: runs.map((r) => r.p), dynamicMatmuls: [] } as unknown as NmirModule;
    const dest = destinationTables(ir, new Map([["x", 4]]), layout, synapseTables(runs, layout));
    const t = dest.get("x")!;
    expect(t.slot).toBeInstanceOf(Uint16Array);
    expect(t.high?.at).toBe(65_536);
    for (let i = 0; i < 4; i++) {
      const want = new Set<number>();
      for (let o = 0; o < 5; o++) if (wy[o * 4 + i] !== 0) want.add(y[o]!);
      for (let o = 0; o < 3; o++) if (wz[o * 4 + i] !== 0) want.add(z[o]!);
      const got = [];
      const k = t.listOf[i]!;
      for (let r = t.rowStart[k]!; r < t.rowStart[k + 1]!; r++) got.push(slotAt(t, k, r));
      expect(got).toEqual([...want].sort((a, b) => a - b));
    }
    // 65,536 cores or fewer: no split needed, as before
    const small = { ...layout, slots: 65_536 - 1 } as Layout;
    y[2] = 65_534;
    z[0] = 65_533;
    const plain = destinationTables(ir, new Map([["x", 4]]), small, synapseTables(runs, small)).get("x")!;
    expect(plain.slot).toBeInstanceOf(Uint16Array);
    expect(plain.high).toBeUndefined();
  });

  it("the chip runs split tables as plain ones: the same outputs, counts and chip figures", () => {
    const T = 3;
    const case_ = fc
      .record({
        ir: nmirModuleArb({ stage: "quantized" }),
        npc: fc.integer({ min: 1, max: 4 }),
        multicast: fc.boolean(),
        system: fc.boolean(),
        mode: fc.constantFrom(...TIMESTEP_MODES),
        timing: fc.constantFrom("simple" as const, "detailed" as const),
      })
      .chain((c) => inputsArb(c.ir, T).map((inputs) => ({ ...c, inputs })));
    let splitTables = 0;
    fc.assert(
      fc.property(case_, ({ ir, npc, multicast, system, mode, timing, inputs }) => {
        const one = mapNetwork(ir, generousProfile(), { neuronsPerCore: npc, suggestProfiles: false });
        const side = Math.max(1, Math.ceil(one.fit.coresUsed / 2));
        const profile = system
          ? generousSystem(2, 1, side, multicast, 8, undefined)
          : { ...generousProfile(), grid: { ...generousProfile().grid, multicast } };
        const { mapping } = mapNetwork(ir, profile, { neuronsPerCore: npc, suggestProfiles: false });
        const run = () => {
          const loaded = createChip(profile, { mode, timing }).load(ir, mapping);
          return { loaded, r: loaded.run(inputs) };
        };
        const plain = run();
        // split at half the slots: the upper half's rows stored less it
        destSplit.at = (slots) => Math.max(1, Math.ceil(slots / 2));
        const split = run();
        const l = split.loaded as unknown as { layout: Layout; sizes: Map<string, number> };
        const synapses = synapseTables(new Datapath(ir, mode, false).projections, l.layout);
        for (const t of destinationTables(ir, l.sizes, l.layout, synapses).values())
          if (t.high) splitTables++;
        destSplit.at = defaultSplit;
        expect(split.r.outputs).toEqual(plain.r.outputs);
        expect(split.r.counts).toEqual(plain.r.counts);
        expect(split.r.chip).toEqual(plain.r.chip);
        expect(split.r.counts).toEqual(runReference(ir, inputs, { mode }).counts);
      }),
      { numRuns: 40 },
    );
    // not vacuous: many runs had split tables
    expect(splitTables).toBeGreaterThan(10);
  });
});
