// Property test on multi-chip systems: random modules mapped across 2–4 chips (a chip grid of 2 × 1, 1 × 2,
// 3 × 1 or 2 × 2, each chip just large enough that the network spreads over them), both timestep modes and
// both timing models, with or without a host link — the chip simulator's outputs, records and counts equal the
// reference interpreter's, and the system's energy split closes; host traffic is one packet per input packet
// and per output event.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import { nmirModuleArb } from "../../compiler/nmir/arbitrary.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import { runReference, TIMESTEP_MODES } from "../reference/index.js";
import { inputsArb } from "../reference/test-helpers.js";
import { createChip } from "./index.js";
import { generousSystem } from "./system-fixtures.js";

const T = 4;
const case_ = fc
  .record({
    ir: nmirModuleArb({ stage: "quantized" }),
    npc: fc.integer({ min: 1, max: 8 }),
    chips: fc.constantFrom({ cx: 2, cy: 1 }, { cx: 1, cy: 2 }, { cx: 3, cy: 1 }, { cx: 2, cy: 2 }),
    multicast: fc.boolean(),
    gbps: fc.constantFrom(0.5, 8, 100),
    mode: fc.constantFrom(...TIMESTEP_MODES),
    timing: fc.constantFrom("simple" as const, "detailed" as const),
    hostGbps: fc.option(fc.constantFrom(0.01, 1, 100), { nil: undefined }),
  })
  .chain((c) => inputsArb(c.ir, T).map((inputs) => ({ ...c, inputs })));

/** Output events of a run: nonzero values of every output read from a unit (an input's is on no core). */
function outputEvents(ir: NmirModule, outputs: Map<string, Float64Array[]>): number {
  const inputs = new Set(ir.inputs.map((i) => i.id));
  let n = 0;
  for (const o of ir.outputs) {
    if (inputs.has(o.src)) continue;
    for (const step of outputs.get(o.id) ?? []) for (const v of step) if (v !== 0) n++;
  }
  return n;
}

describe("chip simulator vs reference on multi-chip systems", () => {
  it("equal outputs, records and counts across 2–4 chips, both modes and timing models", () => {
    let multiChip = 0;
    let crossed = 0;
    let hosted = 0;
    fc.assert(
      fc.property(
        case_,
        ({ ir, npc, chips: { cx, cy }, multicast, gbps, mode, timing, hostGbps, inputs }) => {
          const n = cx * cy;
          const one = mapNetwork(ir, generousProfile(), { neuronsPerCore: npc, suggestProfiles: false });
          const side = Math.max(1, Math.ceil(one.fit.coresUsed / n));
          const profile = generousSystem(cx, cy, side, multicast, gbps, hostGbps);
          const { mapping, fit } = mapNetwork(ir, profile, { neuronsPerCore: npc, suggestProfiles: false });
          expect(fit.chipsUsed).toBeLessThanOrEqual(n);
          const record = [...sourceTable(ir).keys()];
          const ref = runReference(ir, inputs, { mode, record });
          const r = createChip(profile, { mode, timing })
            .load(ir, mapping)
            .run(inputs, undefined, { record });
          expect(r.outputs).toEqual(ref.outputs);
          expect(r.outputsScaled).toEqual(ref.outputsScaled);
          expect(r.records).toEqual(ref.records);
          expect(r.counts).toEqual(ref.counts);
          const sys = r.chip.system!;
          expect(sys.chipsInUse).toBe(
            new Set(mapping.cores.filter((c) => c.slices.length).map((c) => c.chip)).size,
          );
          expect(sys.links.reduce((a, l) => a + l.packets, 0)).toBe(sys.crossings);
          const hostJ = sys.energy.hostJ ?? 0;
          expect(sys.energy.onChipJ + sys.energy.interChipJ + hostJ).toBeCloseTo(r.chip.energy.dynamicJ, 15);
          if (hostGbps === undefined) expect(sys.host).toBeUndefined();
          else {
            const h = sys.host!;
            expect(h.packetsIn).toBe(r.chip.inputPackets);
            expect(h.packetsOut).toBe(outputEvents(ir, ref.outputs));
            expect(hostJ).toBeCloseTo((h.packetsIn + h.packetsOut) * 3e-9, 15);
            expect(h.busyInCycles).toBeCloseTo((h.packetsIn * 32) / hostGbps, 6);
            if (h.packetsIn + h.packetsOut > 0) hosted++;
          }
          expect(sys.energy.interChipJ).toBeCloseTo(sys.crossings * 5e-10, 15);
          expect(sys.energy.staticJ).toBe(r.chip.energy.staticJ);
          if (sys.chipsInUse > 1) multiChip++;
          if (sys.crossings > 0) crossed++;
        },
      ),
      { numRuns: 60 },
    );
    // the cases are not vacuous: many map across chips and send packets over chip links
    expect(multiChip).toBeGreaterThan(10);
    expect(crossed).toBeGreaterThan(5);
    expect(hosted).toBeGreaterThan(5);
  });
});
