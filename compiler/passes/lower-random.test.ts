// Property test of lowerToNmir: random small NetGraphs (chains of Affine/Conv2d(+pooling)/LIF/IF/LI and an
// optional recurrent loop) lower, verify, and match the float reference in outputs and every population's
// spike train or value within 1e-9 (layer-sync). Parameters are dyadic (exact in float32 weights); thresholds
// are not, so no value lands exactly on one.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildRandomNet as build, randomNetArb as netArb } from "./random-net.js";
import { compareLowered, randomInput, rng } from "./testing.js";

describe("random NetGraphs lower exactly (fast-check)", () => {
  it("chains and a recurrent loop of Affine/Conv/LIF/IF/LI: outputs and spike trains within 1e-9", () => {
    const stats = { active: 0, total: 0, loops: 0, conv: 0 };
    fc.assert(
      fc.property(netArb, (net) => {
        const { g, neurons, inShape } = build(net);
        const x = randomInput(
          rng(net.seed + 1),
          16,
          inShape,
          net.spikes ? { spikes: 0.4 } : { lo: -1, hi: 1 },
        );
        x.data.forEach((v, i) => {
          x.data[i] = Math.round(v * 8) / 8;
        });
        const cmp = compareLowered(
          g,
          { x },
          { dt: 1, record: neurons, ...(net.spikes ? { inputEvent: "spike" as const } : {}) },
        );
        expect(cmp.outputDiff).toBeLessThanOrEqual(1e-9);
        for (const [id, d] of cmp.recordDiff) expect(d, id).toBeLessThanOrEqual(1e-9);
        for (const id of neurons) {
          const active = cmp.float.records.get(id)!.some((v) => v.some((e) => e !== 0));
          stats.active += active ? 1 : 0;
          stats.total++;
        }
        stats.loops += net.loop === undefined ? 0 : 1;
        stats.conv += cmp.compiled.ir.projections.some((p) => p.connectivity.kind === "conv2d") ? 1 : 0;
      }),
      { numRuns: 150, seed: 20261122 },
    );
    // not vacuous: most populations are active, loops and conv projections occur
    expect(stats.active / stats.total).toBeGreaterThan(0.6);
    expect(stats.loops).toBeGreaterThan(30);
    expect(stats.conv).toBeGreaterThan(20);
  });
});
