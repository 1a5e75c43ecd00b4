// Property tests: for random valid NMIR modules under random valid mappings (core budgets, neurons per core,
// placements, unicast or multicast), in both timestep semantics and both timing models, the chip simulator's
// outputs, event records and op counts equal the reference interpreter's; its own per-core synaptic-op
// accounting (static tables) sums to the reference's counts; energy closes.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapNetwork, PLACEMENTS } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import { nmirModuleArb } from "../../compiler/nmir/arbitrary.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import { runReference, TIMESTEP_MODES } from "../reference/index.js";
import { inputsArb } from "../reference/test-helpers.js";
import { createChip } from "./index.js";

const T = 5;
const case_ = fc
  .record({
    ir: nmirModuleArb({ stage: "quantized" }),
    npc: fc.integer({ min: 1, max: 24 }),
    placement: fc.constantFrom(...PLACEMENTS),
    multicast: fc.boolean(),
    mode: fc.constantFrom(...TIMESTEP_MODES),
    timing: fc.constantFrom("simple" as const, "detailed" as const),
  })
  .chain((c) => inputsArb(c.ir, T).map((inputs) => ({ ...c, inputs })));

describe("chip simulator vs reference interpreter", () => {
  it("equal outputs, records and counts for random modules, mappings, modes and timing models", () => {
    fc.assert(
      fc.property(case_, ({ ir, npc, placement, multicast, mode, timing, inputs }) => {
        const g = generousProfile();
        const profile = { ...g, grid: { ...g.grid, multicast } };
        const { mapping } = mapNetwork(ir, profile, {
          neuronsPerCore: npc,
          placement,
          suggestProfiles: false,
        });
        const record = [...sourceTable(ir).keys()];
        const ref = runReference(ir, inputs, { mode, record });
        const chip = createChip(profile, { mode, timing }).load(ir, mapping);
        const r = chip.run(inputs, undefined, { record });
        expect(r.outputs).toEqual(ref.outputs);
        expect(r.outputsScaled).toEqual(ref.outputsScaled);
        expect(r.records).toEqual(ref.records);
        expect(r.counts).toEqual(ref.counts);
        expect(r.warnings).toEqual(ref.warnings);
        const t = ref.counts.totals;
        const cores = r.chip.cores;
        const s = (f: (c: (typeof cores)[number]) => number) => cores.reduce((a, c) => a + f(c), 0);
        expect(s((c) => c.ac)).toBe(t.ac + t.matmulAc);
        expect(s((c) => c.mac)).toBe(t.mac + t.matmulMac);
        expect(s((c) => c.neuronUpdates)).toBe(t.neuronUpdates);
        expect(s((c) => c.activeNeuronUpdates)).toBe(t.activeNeuronUpdates);
        expect(s((c) => c.spikes)).toBe(t.spikes + t.gradedEvents);
        expect(s((c) => c.packetsOut)).toBe(r.chip.packets);
        // unicast: one delivery per packet; multicast: a packet reaches one or more cores
        const delivered = s((c) => c.packetsIn) - r.chip.inputPackets;
        if (multicast) expect(delivered).toBeGreaterThanOrEqual(r.chip.packets);
        else expect(delivered).toBe(r.chip.packets);
        expect(s((c) => c.energyJ)).toBeCloseTo(r.chip.energy.totalJ, 18);
        expect(r.chip.perStep.cycles.length).toBe(T);
        for (const c of r.chip.perStep.cycles) expect(c).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 80 },
    );
  });

  it("streaming one step at a time equals the whole run", () => {
    fc.assert(
      fc.property(case_, ({ ir, mode, timing, inputs }) => {
        const profile = generousProfile();
        const { mapping } = mapNetwork(ir, profile, { neuronsPerCore: 7, suggestProfiles: false });
        const chip = createChip(profile, { mode, timing }).load(ir, mapping);
        const whole = chip.run(inputs);
        const s = chip.stream();
        for (let t = 0; t < T; t++) {
          const step = new Map(
            [...inputs].map(([id, x]) => {
              const n = x.data.length / T;
              return [id, Array.from(x.data).slice(t * n, (t + 1) * n)];
            }),
          );
          const out = s.step(step);
          for (const o of ir.outputs) expect(out.get(o.id)).toEqual(whole.outputs.get(o.id)![t]);
        }
        const res = s.result();
        expect(res.counts).toEqual(whole.counts);
        expect(res.chip.perStep).toEqual(whole.chip.perStep);
        expect(res.chip.energy).toEqual(whole.chip.energy);
      }),
      { numRuns: 30 },
    );
  });
});
