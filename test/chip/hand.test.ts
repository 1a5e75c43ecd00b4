// Hand-checkable cases of the chip model on a profile with round costs (helpers.ts, handProfile): the step
// latency and energy of a 2-neuron chain computed by hand, k hops costing k hop energies, and two flows that
// share a link taking longer than the same flows on disjoint links.

import { describe, expect, it } from "vitest";
import { createChip } from "../../simulator/chip/index.js";
import { chain, handProfile, placeAt } from "./helpers.js";

const ones = (n: number) => ({ x: { shape: [1, n], data: new Float64Array(n).fill(1) } });

describe("chip model by hand", () => {
  it("2-neuron chain, layer-sync, detailed: 42 cycles and 114 pJ, as computed by hand", () => {
    const p = handProfile();
    const ir = chain(1);
    const chip = createChip(p, { timing: "detailed", mode: "layer-sync" }).load(
      ir,
      placeAt(ir, p, 1, [
        [0, 0],
        [1, 0],
      ]),
    );
    const r = chip.run(ones(1));
    expect(r.outputs.get("y")![0]![0]).toBe(1);
    // Core a (tile 0,0): the host's input packet lands at 1 (axonIn 1); 1 AC (2) → 3; update, active (5) → 8;
    // spike out (1) → 9. Its packet crosses one E-W link (4) → 13, axonIn (1) → 14 at core b (tile 1,0).
    // Core b: waits for it, 1 AC (2) → 16; update (5) → 21; spike out (1) → 22 (b feeds nothing: no packet).
    // Step = 22 + barrier 20 = 42 cycles = 42 ns. Busiest core's own work: 2 + 5 + 1 = 8; NoC share 22 − 8.
    expect(r.chip.perStep.cycles).toEqual([42]);
    expect(r.chip.perStep.compute).toEqual([8]);
    expect(r.chip.perStep.noc).toEqual([14]);
    expect(r.chip.perStep.barrier).toEqual([20]);
    // Energy: 2 AC × 1 + 2 active updates × 10 + 2 spikes × 2 + 1 hop × 3 + 2 packets in × 0.5 = 30 pJ
    // dynamic; static 2 cores × 1 mW × 42 ns = 84 pJ; 114 pJ in all.
    expect(r.chip.energy.dynamicJ).toBeCloseTo(30e-12, 20);
    expect(r.chip.energy.staticJ).toBeCloseTo(84e-12, 20);
    expect(r.chip.energy.totalJ).toBeCloseTo(114e-12, 20);
    expect(r.chip.energy.byEvent).toEqual({
      synopAC: 2e-12,
      neuronUpdateActive: 20e-12,
      neuronUpdateIdle: 0,
      spikeOut: 4e-12,
      hopEW: 3e-12,
      hopNS: 0,
      axonIn: 1e-12,
    });
    expect([r.chip.packets, r.chip.hops, r.chip.inputPackets]).toEqual([1, 1, 1]);
    // simple timing: busiest core 8 + longest packet route (9 → 14: 5) + barrier 20
    const simple = createChip(p, { timing: "simple", mode: "layer-sync" })
      .load(ir, chip.mapping)
      .run(ones(1));
    expect(simple.chip.perStep.cycles).toEqual([33]);
    expect(simple.outputs).toEqual(r.outputs);
  });

  it.each([1, 2, 3])("a packet over %i hop(s) costs that many hop energies and hop latencies", (k) => {
    const p = handProfile();
    const ir = chain(1);
    const r = createChip(p, { mode: "layer-sync" })
      .load(
        ir,
        placeAt(ir, p, 1, [
          [0, 0],
          [k, 0],
        ]),
      )
      .run(ones(1));
    expect(r.chip.hops).toBe(k);
    expect(r.chip.energy.byEvent.hopEW).toBeCloseTo(k * 3e-12, 20);
    // b receives at 9 + 4k + 1, then 2 + 5 + 1 of its own work, then the barrier
    expect(r.chip.perStep.cycles).toEqual([9 + 4 * k + 1 + 8 + 20]);
    // a north-south hop costs the N-S figures
    const ns = createChip(p, { mode: "layer-sync" })
      .load(
        ir,
        placeAt(ir, p, 1, [
          [0, 0],
          [0, k],
        ]),
      )
      .run(ones(1));
    expect(ns.chip.energy.byEvent.hopNS).toBeCloseTo(k * 5e-12, 20);
    expect(ns.chip.perStep.cycles).toEqual([9 + 6 * k + 1 + 8 + 20]);
  });

  it("two flows sharing a link take longer than the same flows on disjoint links", () => {
    const p = handProfile();
    const ir = chain(16);
    // cores in mapping order: a[0:8], a[8:16], b[0:8], b[8:16]
    const shared = placeAt(ir, p, 8, [
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
    ]); // a0→b0 and a1→b1 both cross 1→2
    const apart = placeAt(ir, p, 8, [
      [0, 0],
      [0, 1],
      [2, 0],
      [2, 1],
    ]); // two parallel rows
    const run = (m: typeof shared, timing: "simple" | "detailed") =>
      createChip(p, { mode: "layer-sync", timing }).load(ir, m).run(ones(16));
    const s = run(shared, "detailed");
    const d = run(apart, "detailed");
    expect(s.outputs).toEqual(d.outputs);
    expect(s.chip.hops).toBe(d.chip.hops); // 2 hops per packet either way
    expect(s.chip.perStep.cycles[0]!).toBeGreaterThan(d.chip.perStep.cycles[0]!);
    const busiest = (r: typeof s) => Math.max(...r.chip.links.map((l) => l.packets));
    expect(busiest(s)).toBe(16);
    expect(busiest(d)).toBe(8);
    // the simple model ignores contention: both placements time the same
    expect(run(shared, "simple").chip.perStep.cycles).toEqual(run(apart, "simple").chip.perStep.cycles);
  });
});
