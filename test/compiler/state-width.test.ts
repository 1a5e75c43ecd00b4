// Every state width the compiler accepts computes the network: random small NetGraphs compiled at 16, 24 and 32
// bits (payloads as wide as the state, as profiles with 32-bit payloads give) keep every int32 accumulator able
// to hold what its port can, track the exact real-valued (lowered) module, and run bit-identically on the chip.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import { connOutSize, type NmirModule } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import { type QuantCompileOptions, readPlan, signedMax } from "../../compiler/passes/quant-plan.js";
import { absRowSums } from "../../compiler/passes/quant-ranges.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { buildRandomNet, randomNetArb } from "../../compiler/passes/random-net.js";
import { randomInput, rng } from "../../compiler/passes/testing.js";
import { createChip } from "../../simulator/chip/index.js";
import { runReference } from "../../simulator/reference/index.js";

const STEPS = 12;

/** Graded-only nets (LI neurons, graded input, no loop): the quantized run must track the lowered one closely. */
const gradedNetArb = randomNetArb.map((n) => ({
  ...n,
  spikes: false,
  loop: undefined,
  layers: n.layers.map(([l, nrn]) => [l, { ...nrn, kind: "LI" as const }] as (typeof n.layers)[number]),
}));

/** |acc| reachable before the contribution could leave the port's range, or the worst case the weights allow. */
function accumulatorFits(ir: NmirModule, p: NmirModule["projections"][number]): boolean {
  const plan = readPlan(ir);
  const exps = p.scale.kind === "perProjection" ? [p.scale.exp] : [...p.scale.exps];
  if (Math.min(...exps) >= plan.stateBits - 32) return true;
  const payload = plan.out[p.src] === undefined ? 1 : signedMax(plan.payloadBits);
  const rows = absRowSums(p.connectivity);
  let worst = 0;
  for (let j = 0; j < connOutSize(p.connectivity); j++) worst = Math.max(worst, rows[j]!);
  return payload * worst <= signedMax(32);
}

describe("state widths 16, 24, 32 (payloads as wide)", () => {
  it("no accumulator is planned finer than its port can hold, and chip = reference", () => {
    let checked = 0;
    fc.assert(
      fc.property(randomNetArb, fc.constantFrom(16, 24, 32), (net, bits) => {
        const { g, inShape } = buildRandomNet(net);
        const options: QuantCompileOptions = {
          dt: 1,
          weightBits: 8,
          stateBits: bits,
          payloadBits: bits,
          ...(net.spikes ? { inputEvent: "spike" as const } : {}),
        };
        const ir = compile(g, options).ir;
        for (const p of ir.projections) expect(accumulatorFits(ir, p), `${p.id} at ${bits} bits`).toBe(true);
        const x = randomInput(rng(net.seed + 7), STEPS, inShape, net.spikes ? { spikes: 0.4 } : {});
        const inputs = quantizeInputs(ir, { x });
        const ref = runReference(ir, inputs);
        const profile = generousProfile();
        const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
        const chip = createChip(profile, { mode: "layer-sync", timing: "simple" }).load(ir, mapping);
        const r = chip.run(inputs);
        expect(r.outputs).toEqual(ref.outputs);
        expect(r.counts).toEqual(ref.counts);
        checked++;
      }),
      { numRuns: 40, seed: 20260517 },
    );
    expect(checked).toBe(40);
  });

  it("graded nets at 32-bit state and payload track the exact real-valued module as well as at 16 bits", () => {
    let compared = 0;
    fc.assert(
      fc.property(gradedNetArb, (net) => {
        const { g, inShape } = buildRandomNet(net);
        const x = randomInput(rng(net.seed + 3), STEPS, inShape);
        const options: QuantCompileOptions = { dt: 1, weightBits: 16 };
        const exact = runReference(compile(g, { ...options, stopAfter: "lowerToNmir" }).ir, { x });
        /** Largest |quantized − exact| over every output, step and element, and the largest |exact|. */
        const error = (bits: number) => {
          const wide: QuantCompileOptions = { ...options, stateBits: bits, payloadBits: bits };
          const ir = compile(g, wide).ir;
          const quant = runReference(ir, quantizeInputs(ir, { x }));
          let err = 0;
          let scale = 0;
          for (const [id, steps] of exact.outputsScaled) {
            const got = quant.outputsScaled.get(id)!;
            steps.forEach((v, t) => {
              v.forEach((y, i) => {
                err = Math.max(err, Math.abs(got[t]![i]! - y));
                scale = Math.max(scale, Math.abs(y));
              });
            });
          }
          return { err, scale, saturations: quant.counts.totals.saturations };
        };
        const at16 = error(16);
        const at32 = error(32);
        expect(at32.saturations).toBe(0);
        expect(at32.err).toBeLessThanOrEqual(1.5 * at16.err + 1e-9 * (1 + at16.scale));
        compared++;
      }),
      { numRuns: 30, seed: 20260518 },
    );
    expect(compared).toBe(30);
  });
});
