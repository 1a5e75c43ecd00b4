// Property (fast-check): random small NetGraphs — chains of Affine/Conv2d(+pooling) into LIF/IF/LI with an optional
// recurrent loop, the generator of compiler/passes/random-net.ts — compile to quantized NMIR,
// verify, and run in both timestep modes; every projection's ACs (MACs) equal Σ spike (graded) events of its
// source × their fan-out of nonzero weights, read from the connectivity (DESIGN §7).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkNmir, type NmirModule } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { buildRandomNet, randomNetArb } from "../../compiler/passes/random-net.js";
import { randomInput, rng } from "../../compiler/passes/testing.js";
import {
  createFan,
  type ReferenceRunResult,
  runReference,
  TIMESTEP_MODES,
} from "../../simulator/reference/index.js";

/** The generator of compiler/passes/random-net.ts plus the quantization settings to compile with. */
const netArb = fc
  .tuple(randomNetArb, fc.constantFrom(4, 8, 16), fc.boolean())
  .map(([net, weightBits, perChannel]) => ({ ...net, weightBits, perChannel }));
const build = buildRandomNet;

/**
 * ACs and MACs each projection must count: every nonzero event of its source at step t, delivered at step
 * t + delay (pipelined: t + max(delay, 1)) within the run, times the nonzero weights of that source neuron.
 */
function expectedOps(ir: NmirModule, r: ReferenceRunResult) {
  return ir.projections.map((p) => {
    const fan = createFan(p.connectivity);
    const fanOut = Int32Array.from({ length: fan.inSize }, (_, i) => {
      let n = 0;
      fan.forEach(i, (_j, w) => {
        n += w !== 0 ? 1 : 0;
      });
      return n;
    });
    const delay = r.mode === "pipelined" ? Math.max(p.delay, 1) : p.delay;
    let ops = 0;
    r.records.get(p.src)!.forEach((ev, t) => {
      if (t + delay >= r.steps) return;
      ev.index.forEach((i, k) => {
        if (ev.value[k] !== 0) ops += fanOut[i]!;
      });
    });
    const spike =
      p.src === "x"
        ? ir.inputs[0]!.event.kind === "spike"
        : ir.populations.find((q) => q.id === p.src)!.output.kind === "spike";
    return { id: p.id, ac: spike ? ops : 0, mac: spike ? 0 : ops };
  });
}

describe("random NetGraphs → quantized NMIR → reference interpreter (fast-check)", () => {
  it("verify, run in layer-sync and pipelined, and count ACs = Σ spikes × fan-out per projection", () => {
    const stats = { nets: 0, acNets: 0, macNets: 0, loops: 0, zeroed: 0 };
    fc.assert(
      fc.property(netArb, (net) => {
        const { g, inShape } = build(net);
        const options: QuantCompileOptions = {
          dt: 1,
          weightBits: net.weightBits,
          perChannel: net.perChannel,
          ...(net.spikes ? { inputEvent: "spike" as const } : {}),
        };
        const ir = compile(g, options).ir;
        expect(ir.stage).toBe("quantized");
        expect(checkNmir(ir)).toEqual([]);
        const x = randomInput(
          rng(net.seed + 1),
          16,
          inShape,
          net.spikes ? { spikes: 0.4 } : { lo: -1, hi: 1 },
        );
        const q = quantizeInputs(ir, { x });
        const record = ["x", ...ir.populations.map((p) => p.id)];
        for (const mode of TIMESTEP_MODES) {
          const r = runReference(ir, q, { mode, record });
          expect(r.steps).toBe(16);
          for (const seq of r.outputs.values())
            for (const v of seq) expect(v.every(Number.isFinite)).toBe(true);
          const want = expectedOps(ir, r);
          const got = r.counts.perProjection.map((p) => ({ id: p.id, ac: p.ac, mac: p.mac }));
          expect(got, mode).toEqual(want);
          expect(r.counts.totals.ac).toBe(want.reduce((a, p) => a + p.ac, 0));
          expect(r.counts.totals.mac).toBe(want.reduce((a, p) => a + p.mac, 0));
          if (mode === "layer-sync") {
            stats.acNets += r.counts.totals.ac > 0 ? 1 : 0;
            stats.macNets += r.counts.totals.mac > 0 ? 1 : 0;
          }
        }
        stats.nets++;
        stats.loops += net.loop === undefined ? 0 : 1;
        stats.zeroed += ir.projections.some((p) => p.connectivity.weights.some((v) => v === 0)) ? 1 : 0;
      }),
      { numRuns: 80, seed: 20261123 },
    );
    // Not vacuous: most nets spike, graded (LI, graded input) sources occur, loops and rounded-to-zero weights too.
    expect(stats.acNets / stats.nets).toBeGreaterThan(0.6);
    expect(stats.macNets).toBeGreaterThan(10);
    expect(stats.loops).toBeGreaterThan(15);
    expect(stats.zeroed).toBeGreaterThan(5);
  });
});
