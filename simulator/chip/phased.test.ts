// The chip model on modules with sequence buffers (random small bidirectional S4D blocks, quantized): outputs
// and op counts equal the phased reference bit for bit in both timestep modes; the run holds phases × T steps,
// the stored sequences are charged to core memory and the phases after the first are the added latency.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import { mulberry, randomBidirectionalGraph } from "../../compiler/passes/bidirectional-testing.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { TIMESTEP_MODES } from "../reference/index.js";
import { runReferencePhased } from "../reference/phased.js";
import { simulateChip } from "./index.js";

describe("chip engine on phased modules", () => {
  it("= the phased reference bit for bit (random bidirectional blocks, both modes, both timings)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(...TIMESTEP_MODES),
        fc.constantFrom("simple" as const, "detailed" as const),
        fc.integer(),
        (h, m, T, layers, npc, mode, timing, seed) => {
          const rnd = mulberry(seed);
          const g = randomBidirectionalGraph(h, m, rnd, layers);
          const x = Float64Array.from({ length: T * h }, () => rnd() * 2 - 1);
          const input = { u: { shape: [T, h], data: x } };
          const opts = { weightBits: 8, stateBits: 24, payloadBits: 16, calibration: input };
          const ir = compile(g, opts as QuantCompileOptions).ir;
          const q = quantizeInputs(ir, input).get("u")!;
          const feed = { u: { shape: q.shape, data: Float64Array.from(q.data) } };
          const profile = generousProfile();
          const { mapping } = mapNetwork(ir, profile, { neuronsPerCore: npc, suggestProfiles: false });
          const ref = runReferencePhased(ir, feed, { mode });
          const r = simulateChip(ir, mapping, profile, [feed], { mode, timing });
          const got = r.results[0]!;
          expect(got.outputs).toEqual(ref.outputs);
          expect(got.outputsScaled).toEqual(ref.outputsScaled);
          expect(got.counts).toEqual(ref.counts);
          const phases = 1 + 2 * layers;
          expect(got.chip.steps).toBe(T * phases);
          expect(got.chip.perStep.cycles.length).toBe(T * phases);
          const t = ref.counts.totals;
          const cores = got.chip.cores;
          expect(cores.reduce((a, c) => a + c.mac, 0)).toBe(t.mac + t.matmulMac);
          expect(cores.reduce((a, c) => a + c.energyJ, 0)).toBeCloseTo(got.chip.energy.totalJ, 18);
          const p = r.sections.phases!;
          expect(p.phases).toBe(phases);
          expect(p.addedSteps).toBe(T * (phases - 1));
          expect(p.bufferValues).toBe(ref.bufferValues);
          // each layer stores its input and its backward readout, h values a step, at the 16-bit payload
          // width; the skip around the blocks carries u (h values) into the last phase
          expect(p.bufferBits).toBeGreaterThanOrEqual(2 * layers * T * h * 16);
          expect(p.bufferCores!.reduce((a, c) => a + c.bits, 0)).toBe(p.bufferBits);
          const later = got.chip.perStep.cycles.slice(T).reduce((a, c) => a + c, 0);
          expect(p.addedLatencyS).toBeCloseTo(later / got.chip.clockHz, 15);
        },
      ),
      { numRuns: 40, seed: 21 },
    );
  });
});
