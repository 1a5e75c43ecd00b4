// Hand-checked host I/O (system.host) on two chips joined by one link (helpers.ts, twoChipProfile): input events
// entering over the host link and output values read back pay its energy per packet and latency exactly, a
// host link at its bandwidth limit slows the step by the computed time (detailed and simple timing), and the
// run JSON's system section carries the host traffic, energy and time.

import { describe, expect, it } from "vitest";
import { createChip } from "../../simulator/chip/index.js";
import { chipRunSections } from "../../simulator/chip/sections.js";
import { chain, placeAt, twoChipProfile } from "./helpers.js";

const pJ = 1e-12;
const ns = 1e-9;
const ones = (n: number) => ({ x: { shape: [1, n], data: new Float64Array(n).fill(1) } });

/**
 * The two-chip system with a host link: 3 pJ per packet, 5 ns latency, 32-bit packets at `hostGbps` Gbit/s
 * (3.2 Gbit/s: a packet holds the link 10 ns). The chip-to-chip link is the fast one (1 ns per packet).
 */
function withHost(hostGbps: number) {
  const p = twoChipProfile();
  return {
    ...p,
    system: {
      ...p.system!,
      host: { energyPerPacketJ: 3 * pJ, latencyS: 5 * ns, bandwidthBitsPerS: hostGbps * 1e9, packetBits: 32 },
    },
  };
}

/** x → a on chip 0's east tile (1,0) → b on chip 1's west tile (2,0); b is the output y. */
function run(n: number, hostGbps?: number, timing: "detailed" | "simple" = "detailed") {
  const p = hostGbps === undefined ? twoChipProfile() : withHost(hostGbps);
  const ir = chain(n);
  const mapping = placeAt(ir, p, n, [
    [1, 0],
    [2, 0],
  ]);
  return createChip(p, { timing, mode: "layer-sync" }).load(ir, mapping).run(ones(n));
}

describe("host link, by hand", () => {
  it("one input event in and one output value out pay 3 pJ each and the 5 ns latency each way", () => {
    const r = run(1, 3.2);
    expect(r.outputs.get("y")![0]![0]).toBe(1);
    // Without a host link the step is 57 cycles (system.test.ts). Here the input departs at 0, arrives 5 + axonIn
    // 1 = 6 at a: AC → 8, update → 13, spike → 14; the chip link 9 + axonIn 1 → 24 at b: AC → 26, update → 31,
    // spike → 32; the output departs at 32 and arrives 37. Step = 37 + barriers 30 = 67: 10 ns more.
    expect(run(1).chip.perStep.cycles).toEqual([57]);
    expect(r.chip.perStep.cycles).toEqual([67]);
    // Energy: the 34 pJ of the run without a host + 2 host packets × 3 pJ; hostIn on a's core, hostOut on b's.
    expect(r.chip.energy.byEvent.hostIn).toBeCloseTo(3 * pJ, 20);
    expect(r.chip.energy.byEvent.hostOut).toBeCloseTo(3 * pJ, 20);
    expect(r.chip.energy.dynamicJ).toBeCloseTo(40 * pJ, 20);
    expect(r.chip.cores.map((c) => [c.events.hostIn, c.events.hostOut])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    const sys = r.chip.system!;
    expect(sys.energy.hostJ).toBeCloseTo(6 * pJ, 20);
    expect(sys.energy.interChipJ).toBeCloseTo(7 * pJ, 20);
    expect(sys.energy.onChipJ).toBeCloseTo(27 * pJ, 20);
    expect(sys.host).toEqual({
      packetsIn: 1,
      packetsOut: 1,
      bitsIn: 32,
      bitsOut: 32,
      energyInJ: 3 * pJ,
      energyOutJ: 3 * pJ,
      busyInCycles: 10,
      busyOutCycles: 10,
      boundSteps: 1,
    });
  });

  it("a host link at its bandwidth limit serialises: 4 events each way at 10 ns per packet cost 51 ns", () => {
    // 3.2 Gbit/s: inputs depart 0, 10, 20, 30 and arrive at a at 6, 16, 26, 36: ACs end 8, 18, 28, 38; updates
    // → 58; spikes 59..62 cross the chip link (1 ns each) to arrive at b at 69..72: ACs end 71, 73, 75, 77;
    // updates → 97; spikes 98..101. Outputs depart 98, 108, 118, 128 and arrive 103, 113, 123, 133.
    // Step = 133 + 30 = 163.
    const slow = run(4, 3.2);
    expect(slow.chip.perStep.cycles).toEqual([163]);
    // 32 Gbit/s (1 ns per packet): inputs arrive 6..9: ACs 8, 10, 12, 14 → 34 → spikes 35..38 → b at 45..48:
    // ACs 47, 49, 51, 53 → 73 → spikes 74..77; outputs arrive 79..82. Step = 82 + 30 = 112.
    const fast = run(4, 32);
    expect(fast.chip.perStep.cycles).toEqual([112]);
    expect(slow.outputs).toEqual(fast.outputs);
    expect(slow.outputs).toEqual(run(4).outputs);
    expect(slow.chip.energy.dynamicJ - run(4).chip.energy.dynamicJ).toBeCloseTo(8 * 3 * pJ, 20);
    expect([slow.chip.system!.host!.busyInCycles, slow.chip.system!.host!.busyOutCycles]).toEqual([40, 40]);
  });

  it("simple timing: the host latency lengthens the route; a slow host link sets the step", () => {
    // Busiest core 4 × 2 + 4 × 5 + 4 × 1 = 32, longest route 9 + 1 = 10, host 5 in + 5 out: 52. At 3.2 Gbit/s
    // each direction serialises 4 × 10 = 40 < 52: step 52 + 30 = 82.
    expect(run(4, 3.2, "simple").chip.perStep.cycles).toEqual([82]);
    expect(run(4, undefined, "simple").chip.perStep.cycles).toEqual([72]);
    // At 0.32 Gbit/s: 4 × 100 = 400 > 52: step 400 + 30 = 430.
    const r = run(4, 0.32, "simple");
    expect(r.chip.perStep.cycles).toEqual([430]);
    expect(r.chip.system!.host!.boundSteps).toBe(1);
  });

  it("the run JSON's system section carries host traffic, energy and time; without a host it has none", () => {
    const s = chipRunSections([run(4, 3.2), run(4, 3.2)]).system!;
    expect(s.energy.hostJ).toBeCloseTo(2 * 8 * 3 * pJ, 20);
    expect(s.host).toMatchObject({
      packetsIn: 8,
      packetsOut: 8,
      bitsIn: 256,
      bitsOut: 256,
      busyInS: 80 * ns,
      busyOutS: 80 * ns,
      boundSteps: 2,
      packetBits: 32,
      energyPerPacketJ: 3 * pJ,
      latencyS: 5 * ns,
      bandwidthBitsPerS: 3.2e9,
    });
    const none = chipRunSections([run(4)]).system!;
    expect(none.host).toBeUndefined();
    expect(Object.keys(none.energy)).toEqual(["onChipJ", "interChipJ", "staticJ"]);
  });
});
