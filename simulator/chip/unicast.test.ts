// The router's unicast walk (unicast.ts, and detailed timing's WebAssembly walk in unicast-wasm.ts: row run
// and column run apart, chip links known by their entry's sign, a mesh link's free time written as the packet's
// time after it) against the plain per-hop walk (Noc.send: each link's kind, occupancy and latency read link by
// link) on random layouts over several chips: every arrival, the step's latest delivery and longest route, hops
// by direction, chip-link crossings, packets per link and per core, and the chip links' step load are the same,
// in detailed and simple timing, over phases and steps.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { tileLayout } from "../../test/chip/helpers.js";
import { AXON_IN, CHIP_LINK, costTable, HOP_EW, HOP_NS, K } from "./costs.js";
import { Noc } from "./noc.js";
import { Router } from "./router.js";
import { ChipTally } from "./stats.js";

interface Case {
  profile: string;
  contention: boolean;
  /** Tiles as fractions of a region of `chips` × `chips` chips (or of the one chip). */
  tiles: [number, number][];
  pairs: [number, number][];
  /** Phases of one step, steps: each packet (pair index, injection time). */
  steps: [number, number][][][];
}

const AXON = 7.5;

/** Routes the case through the router and, packet by packet in the same order, through Noc.send. */
function runBoth(c: Case, wasm = true) {
  // unicast routing on every profile (SpiNNaker2's own is multicast: its grid and links are what is tested)
  const loaded = loadProfile(c.profile);
  const p = { ...loaded, grid: { ...loaded.grid, multicast: false } };
  const chips = p.system ? 3 : 1;
  const [cw, ch] = [p.grid.width, p.grid.height];
  const width = cw * (p.system?.chipsX ?? 1);
  const tiles = c.tiles.map(([fx, fy]) => [Math.floor(fx * cw * chips), Math.floor(fy * ch * chips)]) as [
    number,
    number,
  ][];
  const layout = tileLayout(tiles, width);
  const costs = costTable(p, layout.slots, layout.slots, chips * chips);
  const pairs = c.pairs.map(([a, b]) => [a % layout.slots, b % layout.slots] as [number, number]);
  const nocs = [new Noc(p, layout, costs, c.contention), new Noc(p, layout, costs, c.contention)];
  for (const noc of nocs) {
    for (const [a, b] of pairs) noc.path(a, b);
    noc.finalize();
  }
  const [fast, plain] = nocs as [Noc, Noc];
  // source 0's arrivals are read in the step (phase 1), so the router writes them
  const router = new Router(fast, [], [], AXON, Int32Array.of(1), { wasm });
  // detailed timing walks in WebAssembly unless told not to; simple timing always in JS
  expect(router.walksInWasm).toBe(wasm && c.contention);
  const tally = new ChipTally(layout.slots);
  const stepEv = new Float64Array(K);
  const got: number[] = [];
  const want: number[] = [];
  const gotStep: number[] = [];
  const wantStep: number[] = [];
  let [hops, cl, ew, ns] = [0, 0, 0, 0];
  let id = 0;
  for (const step of c.steps) {
    router.newStep();
    plain.newStep();
    fast.newStep();
    let [maxDeliver, maxNet] = [0, 0];
    for (const phase of step) {
      router.sendFrom(0);
      const arrival = router.arrivals.open(0, phase.length, new Int32Array(1));
      for (const [k, t] of phase) router.pending.push(t, fast.pairOf(...pairs[k % pairs.length]!), 0, 0);
      router.route(tally, stepEv);
      got.push(...arrival.subarray(0, phase.length));
      // the plain walk: packets in (time, push) order
      const order = phase.map((_, i) => i).sort((i, j) => phase[i]![1] - phase[j]![1] || i - j);
      const arr = new Array<number>(phase.length);
      for (const i of order) {
        const [k, t] = phase[i]!;
        const [a, b] = pairs[k % pairs.length]!;
        arr[i] = plain.send(id++, a, b, t) + AXON;
        maxDeliver = Math.max(maxDeliver, arr[i]!);
        maxNet = Math.max(maxNet, arr[i]! - t);
        [ew, ns, cl] = [ew + plain.lastEW, ns + plain.lastNS, cl + plain.lastCL];
        hops += plain.lastEW + plain.lastNS;
      }
      want.push(...arr);
      router.flush(tally);
    }
    // the chip links' step load is kept (and read) in simple timing only; Noc.send counts it always
    const busy = (noc: Noc) => (c.contention ? 0 : noc.stepChipLinkBusy());
    gotStep.push(router.maxDeliver, router.maxNet, busy(fast));
    wantStep.push(maxDeliver, maxNet, busy(plain));
  }
  const packetsIn = new Float64Array(layout.slots);
  for (const step of c.steps)
    for (const phase of step) for (const [k] of phase) packetsIn[pairs[k % pairs.length]![1]]!++;
  return {
    got: {
      arrivals: got,
      step: gotStep,
      hops: tally.hops,
      cl: tally.chipLinkCrossings,
      linkPackets: [...fast.linkPackets],
    },
    want: { arrivals: want, step: wantStep, hops, cl, linkPackets: [...plain.linkPackets] },
    ev: [stepEv[HOP_EW], stepEv[HOP_NS], stepEv[CHIP_LINK], stepEv[AXON_IN]],
    wantEv: [ew, ns, cl, want.length],
    packetsIn: [[...tally.packetsIn], [...packetsIn]],
  };
}

const frac = fc.double({ min: 0, max: 0.999, noNaN: true });
const caseArb = fc
  .record({
    profile: fc.constantFrom("loihi2-hala-point", "spinnaker2-48", "spinnaker2-sandia", "loihi2", "speck"),
    contention: fc.boolean(),
    tiles: fc.array(fc.tuple(frac, frac), { minLength: 1, maxLength: 24 }),
    pairs: fc.array(fc.tuple(fc.nat(100), fc.nat(100)), { minLength: 1, maxLength: 40 }),
    // crowded integer times (links busy), fractions, ties and far outliers
    times: fc.constantFrom("crowded", "spread", "ties"),
  })
  .chain(({ times, ...r }) => {
    const time =
      times === "crowded"
        ? fc.integer({ min: 0, max: 30 })
        : times === "spread"
          ? fc.double({ min: 0, max: 2000, noNaN: true })
          : fc.constantFrom(0, 3.25, 1e6);
    const phase = fc.array(fc.tuple(fc.nat(100), time), { maxLength: 60 });
    return fc.record({
      ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, fc.constant(v)])),
      steps: fc.array(fc.array(phase, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }),
    }) as fc.Arbitrary<Case>;
  });

describe("unicast routing (unicast.ts) = the plain per-hop walk (Noc.send)", () => {
  it("on random multi-chip layouts and packet sets: arrivals, hops, crossings, link and core packets", () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (c, wasm) => {
        const r = runBoth(c, wasm);
        expect(r.got).toEqual(r.want);
        expect(r.ev).toEqual(r.wantEv);
        expect(r.packetsIn[0]).toEqual(r.packetsIn[1]);
      }),
      { numRuns: 300 },
    );
  });

  it("a busy multi-chip case by hand: contention on mesh and chip links, both runs of a path", () => {
    // 12 slots spread over 3 × 3 chips, every pair among them, 2,600 packets crowded into 20 cycles (more than
    // two of the blocks whose times and pairs the walk reads ahead, the last one partial)
    const tiles = Array.from(
      { length: 12 },
      (_, s) => [((s * 5) % 12) / 12, ((s * 7) % 12) / 12] as [number, number],
    );
    const pairs = tiles.flatMap((_, a) => tiles.map((_, b) => [a, b] as [number, number]));
    const packets = Array.from(
      { length: 2600 },
      (_, i) => [(i * 37) % pairs.length, (i * 13) % 20] as [number, number],
    );
    const runs: [boolean, boolean][] = [
      [true, true],
      [true, false],
      [false, false],
    ];
    for (const [contention, wasm] of runs) {
      const r = runBoth(
        {
          profile: "loihi2-hala-point",
          contention,
          tiles,
          pairs,
          steps: [[packets, packets.slice(0, 100)]],
        },
        wasm,
      );
      expect(r.got).toEqual(r.want);
      expect(r.ev).toEqual(r.wantEv);
      // the case exercises what it is meant to: chip links, both directions, and waits
      expect(r.want.cl).toBeGreaterThan(100);
      expect(r.wantEv[0]).toBeGreaterThan(100);
      expect(r.wantEv[1]).toBeGreaterThan(100);
    }
  });
});
