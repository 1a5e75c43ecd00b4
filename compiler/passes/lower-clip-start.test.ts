// lowerToNmir's clip start on random graphs where paths of different look-ahead join (sums into a port,
// Concat, Product) and constants sit everywhere: "free" (no gates) equals the float reference streamed with
// clipStart "free" on every step, "gate" equals the default stream wherever the lowering raises no warning,
// and "auto" picks by the profile's product neurons.

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { resolveClipStart } from "./lower/clip-start.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { randomLookaheadNet, LOOKAHEAD_NET_WIDTH as W } from "./random-lookahead-net.js";
import { compareLowered, rng, WEIGHT_TOL } from "./testing.js";

/** Largest |a − b| / (1 + |a|) over every output, so float32 weights on large values stay within tolerance. */
function relDiff(a: Map<string, Float64Array[]>, b: Map<string, Float64Array[]>): number {
  let m = 0;
  for (const [id, xs] of a)
    xs.forEach((x, t) => {
      const y = b.get(id)?.[t];
      if (!y) m = Number.POSITIVE_INFINITY;
      else
        for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(x[i]!)));
    });
  return m;
}

describe("clip start on random graphs with joining look-ahead paths", () => {
  it("free: no gates, every step equals the float stream with clipStart free; gate: equal where no warning", () => {
    const T = 14;
    let ungated = 0;
    let differ = 0;
    let gateCompared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const g = randomLookaheadNet(seed, { delays: true, leakyLif: true });
      const r = rng(500 + seed);
      const x = { shape: [T, W], data: Float64Array.from({ length: T * W }, () => 2 * r() - 1) };
      const lifs = [...g.nodes].filter(([, n]) => n.kind === "LIF").map(([id]) => id);
      const free = compareLowered(g, { x }, { dt: 1, clipStart: "free", record: lifs });
      const { ir, diagnostics } = free.compiled;
      expect(
        ir.populations.some((p) => p.id.endsWith(".gate")),
        `seed ${seed}`,
      ).toBe(false);
      expect(relDiff(free.float.outputs, free.lowered.outputs), `seed ${seed}`).toBeLessThanOrEqual(
        10 * WEIGHT_TOL,
      );
      for (const id of lifs) expect(free.recordDiff.get(id), `seed ${seed} ${id}`).toBe(0);
      expect(
        diagnostics.filter((d) => d.level === "warning"),
        `seed ${seed}`,
      ).toEqual([]);
      const gate = compareLowered(g, { x }, { dt: 1, clipStart: "gate", record: lifs });
      const gated = gate.compiled.ir.populations.filter((p) => p.id.endsWith(".gate")).length;
      if (gated > 0) {
        ungated++;
        expect(ir.metadata.clipStart).toBe("free");
        expect(gate.compiled.ir.metadata.clipStart).toBe("gate");
        expect(diagnostics.some((d) => d.message.startsWith('clip start "free" (clipStart "free")'))).toBe(
          true,
        );
        if (relDiff(free.float.outputs, gate.float.outputs) > 1e-6) differ++;
      }
      if (gate.compiled.diagnostics.every((d) => d.level !== "warning")) {
        expect(relDiff(gate.float.outputs, gate.lowered.outputs), `seed ${seed}`).toBeLessThanOrEqual(
          10 * WEIGHT_TOL,
        );
        gateCompared++;
      }
    }
    expect(ungated).toBeGreaterThan(10); // graphs where "free" really drops gates
    expect(differ).toBeGreaterThan(5); // and the partial sums then reach an output
    expect(gateCompared).toBeGreaterThan(10);
  });
});

describe("clipStart auto", () => {
  const auto = (profile?: string): QuantCompileOptions => (profile ? { profile: loadProfile(profile) } : {});
  it("is free for profiles without product neurons, gate otherwise; an explicit choice wins", () => {
    for (const p of ["loihi", "speck", "truenorth", "xylo"])
      expect(resolveClipStart(auto(p)).mode, p).toBe("free");
    for (const p of ["loihi2", "generic-45nm", "spinnaker2"])
      expect(resolveClipStart(auto(p)).mode, p).toBe("gate");
    expect(resolveClipStart(auto()).mode).toBe("gate");
    expect(resolveClipStart({ ...auto("loihi"), clipStart: "gate" }).mode).toBe("gate");
    expect(resolveClipStart({ ...auto("loihi2"), clipStart: "free" }).mode).toBe("free");
    expect(resolveClipStart(auto("loihi")).why).toMatch(/profile "loihi" has no product neurons/);
  });
});
