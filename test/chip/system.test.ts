// Hand-checked multi-chip cases (helpers.ts, twoChipProfile: two chips joined by one link): a packet crossing
// the link pays its energy and latency exactly, a link at its bandwidth limit slows the step by the computed
// amount (detailed and simple timing), and a chip-count misfit names the chips needed and available.

import { describe, expect, it } from "vitest";
import { assignChips, snakeChip } from "../../compiler/mapping/chip-partition.js";
import { MappingError, mapNetwork } from "../../compiler/mapping/index.js";
import type { Bin } from "../../compiler/mapping/pack.js";
import { createChip } from "../../simulator/chip/index.js";
import { chain, placeAt, twoChipProfile } from "./helpers.js";

const ones = (n: number) => ({ x: { shape: [1, n], data: new Float64Array(n).fill(1) } });

/** a on chip 0's east tile (1,0), b on chip 1's west tile (2,0): every a → b packet crosses the one link. */
function acrossTheLink(n: number, gbps?: number, timing: "detailed" | "simple" = "detailed") {
  const p = twoChipProfile(gbps);
  const ir = chain(n);
  const mapping = placeAt(ir, p, n, [
    [1, 0],
    [2, 0],
  ]);
  return createChip(p, { timing, mode: "layer-sync" }).load(ir, mapping).run(ones(n));
}

describe("two chips joined by one link, by hand", () => {
  it("a packet crossing the link pays its energy (7 pJ) and latency (9 ns) instead of a mesh hop", () => {
    const r = acrossTheLink(1);
    expect(r.outputs.get("y")![0]![0]).toBe(1);
    // Core a: host packet lands at 1; AC (2) → 3; update (5) → 8; spike out (1) → 9. The packet crosses the
    // chip link (9) → 18, axonIn (1) → 19 at b. Core b: AC → 21; update → 26; spike out → 27.
    // Step = 27 + chip barrier 20 + system barrier 10 = 57 cycles (1 GHz).
    expect(r.chip.perStep.cycles).toEqual([57]);
    expect(r.chip.perStep.barrier).toEqual([30]);
    // Dynamic: 2 AC × 1 + 2 updates × 10 + 2 spikes × 2 + 1 link crossing × 7 + 2 packets in × 0.5 = 34 pJ.
    // Static: (2 cores × 1 mW + 2 chips × 2 mW) × 57 ns = 342 pJ.
    expect(r.chip.energy.byEvent).toEqual({
      synopAC: 2e-12,
      neuronUpdateActive: 20e-12,
      neuronUpdateIdle: 0,
      spikeOut: 4e-12,
      hopEW: 0,
      hopNS: 0,
      axonIn: 1e-12,
      chipLink: 7e-12,
    });
    expect(r.chip.energy.dynamicJ).toBeCloseTo(34e-12, 20);
    expect(r.chip.energy.staticJ).toBeCloseTo(342e-12, 20);
    expect([r.chip.packets, r.chip.hops]).toEqual([1, 0]);
    const sys = r.chip.system!;
    expect(sys.chipsInUse).toBe(2);
    expect(sys.crossings).toBe(1);
    expect(sys.links).toEqual([{ fromChip: 0, toChip: 1, packets: 1, energyJ: 7e-12, busyCycles: 1 }]);
    expect(sys.energy.interChipJ).toBeCloseTo(7e-12, 20);
    expect(sys.energy.onChipJ).toBeCloseTo(27e-12, 20);
    expect(sys.energy.staticJ).toBeCloseTo(342e-12, 20);
  });

  it("a link at its bandwidth limit serialises packets: 4 packets held 10 ns each slow the step by 24 ns", () => {
    // 32-bit packets at 3.2 Gbit/s hold the link 10 ns. Core a: 4 host packets land at 1, ACs end at 3, 5, 7,
    // 9; 4 updates (20) → 29; spikes out at 30, 31, 32, 33 are injected then. The link: depart 30, 40, 50, 60
    // (each waits for the previous packet's 10 ns), arrive + 9 + axonIn 1 = 40, 50, 60, 70. Core b: ACs end at
    // 42, 52, 62, 72; updates → 92; spikes → 96; + barriers 30 = 126.
    const slow = acrossTheLink(4, 3.2);
    expect(slow.chip.perStep.cycles).toEqual([126]);
    // At 32 Gbit/s (1 ns per packet) they arrive at 40, 41, 42, 43: b's ACs end at 42, 44, 46, 48; → 68 → 72;
    // + 30 = 102. The bandwidth costs 126 − 102 = 24 ns.
    const fast = acrossTheLink(4, 32);
    expect(fast.chip.perStep.cycles).toEqual([102]);
    expect(slow.outputs).toEqual(fast.outputs);
    expect(slow.chip.system!.links[0]!.busyCycles).toBe(40);
  });

  it("simple timing: the busiest link's packets × packetBits / bandwidth sets the step when it exceeds the on-chip time", () => {
    // On chip: busiest core 4 × 2 + 4 × 5 + 4 × 1 = 32, + the longest uncontended route 9 + 1 = 42.
    // At 3.2 Gbit/s the link carries 4 × 10 = 40 < 42: step 42 + 30 = 72.
    expect(acrossTheLink(4, 3.2, "simple").chip.perStep.cycles).toEqual([72]);
    // At 1.6 Gbit/s: 4 × 20 = 80 > 42: step 80 + 30 = 110.
    expect(acrossTheLink(4, 1.6, "simple").chip.perStep.cycles).toEqual([110]);
  });
});

describe("chip-count misfits", () => {
  it("names the chips needed and available; --max-chips too small is a usage error", () => {
    const p = twoChipProfile();
    // 2 + 2 neurons at 1 neuron per core: 4 cores = 2 chips of 2 cores
    const fits = mapNetwork(chain(2), p, { neuronsPerCore: 1, suggestProfiles: false });
    expect([fits.fit.chipsUsed, fits.fit.chipsNeeded, fits.fit.chipsAvailable]).toEqual([2, 2, 2]);
    expect(new Set(fits.mapping.cores.map((c) => c.chip))).toEqual(new Set([0, 1]));
    const limited = () => mapNetwork(chain(2), p, { neuronsPerCore: 1, maxChips: 1, suggestProfiles: false });
    expect(limited).toThrow(MappingError);
    expect(limited).toThrow(/--max-chips 1 is too small: chain needs 2 chips \(4 cores\)/);
    try {
      limited();
    } catch (e) {
      expect((e as MappingError).code).toBe("USAGE");
      expect((e as MappingError).fit.misfits).toEqual([
        expect.objectContaining({ limit: "chips", needed: 2, available: 1 }),
      ]);
    }
    // 8 cores = 4 chips, the system has 2
    const over = () => mapNetwork(chain(4), p, { neuronsPerCore: 1, suggestProfiles: false });
    expect(over).toThrow(/does not fit on hand-2chips \(needs 4 chips \(8 cores\), it has 2 chips\)/);
    try {
      over();
    } catch (e) {
      expect((e as MappingError).code).toBe("UNSUPPORTED");
      const m = (e as MappingError).fit.misfits.find((x) => x.limit === "chips")!;
      expect([m.needed, m.available]).toEqual([4, 2]);
      expect(m.suggestion).toMatch(/2 more than the 2 of hand-2chips/);
    }
  });

  it("lays chips out as a snake, so consecutive chips are neighbours", () => {
    // a 2 × 3 chip grid: fill order 0 1 | 2 3 | 4 5 → chips (0,0) (1,0) (1,1) (0,1) (0,2) (1,2)
    expect([0, 1, 2, 3, 4, 5].map((k) => snakeChip(k, 2))).toEqual([0, 1, 3, 2, 4, 5]);
  });

  it("keeps a layer's cores on one chip when the chips left hold the rest, else fills chip by chip", () => {
    const bin = (population: string) =>
      ({ core: 0, slices: [{ population, start: 0, count: 1, usage: {} }], usage: {}, limits: {} }) as Bin;
    // a (1 core), b (2 cores) on chips of 2 cores: b would straddle chips 0 and 1, so it starts on chip 1
    expect(assignChips([bin("a"), bin("b"), bin("b")], 2, 2)).toEqual({ chipOf: [0, 1, 1], used: 2 });
    // with c (1 core) after b, skipping would leave too few cores: b straddles, c follows
    expect(assignChips([bin("a"), bin("b"), bin("b"), bin("c")], 2, 2)).toEqual({
      chipOf: [0, 0, 1, 1],
      used: 2,
    });
  });
});
