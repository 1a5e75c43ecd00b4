// The partitioner's closed-form slice counts against simple references on random inputs: a conv slice's
// synapses and distinct sources (prefix sums, whole-channel cover) against walking every synapse, and a
// shared matrix's distinct output channels (interval union) against marking each neuron's channel.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Connectivity,
  connOutSize,
  createConv1d,
  createConv2d,
  createRowwise,
  destinationChannel,
} from "../nmir/index.js";
import { distinctOutChannels, type Run, type SharedConn } from "./shared-weights.js";
import { forEachSynapse, sliceSynapses } from "./synapses.js";

function walked(c: Connectivity, start: number, count: number) {
  const seen = new Set<number>();
  let synapses = 0;
  forEachSynapse(c, start, count, (i) => {
    synapses++;
    seen.add(i);
  });
  return { synapses, sources: seen.size };
}

/** Random convolutions, including many channels on short planes (attention's term layers) and the reverse. */
const convArb: fc.Arbitrary<SharedConn> = fc
  .record({
    two: fc.boolean(),
    groups: fc.integer({ min: 1, max: 4 }),
    cinPerGroup: fc.integer({ min: 1, max: 3 }),
    coutPerGroup: fc.integer({ min: 1, max: 6 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    ph: fc.integer({ min: 0, max: 3 }),
    pw: fc.integer({ min: 0, max: 3 }),
  })
  .map((g) => {
    const cin = g.groups * g.cinPerGroup;
    const cout = g.groups * g.coutPerGroup;
    // enough padding that every axis has an output position
    const pad = (p: number, k: number, d: number, len: number) =>
      Math.max(p, Math.ceil((d * (k - 1) + 1 - len) / 2));
    if (!g.two) {
      const k = g.kw;
      const weights = new Int32Array(cout * g.cinPerGroup * k).fill(1);
      return createConv1d({
        inShape: [cin, g.w],
        kernel: [cout, g.cinPerGroup, k],
        weights,
        stride: g.sw,
        padding: pad(g.pw, k, g.dw, g.w),
        dilation: g.dw,
        groups: g.groups,
      });
    }
    const weights = new Int32Array(cout * g.cinPerGroup * g.kh * g.kw).fill(1);
    return createConv2d({
      inShape: [cin, g.h, g.w],
      kernel: [cout, g.cinPerGroup, g.kh, g.kw],
      weights,
      stride: [g.sh, g.sw],
      padding: [pad(g.ph, g.kh, g.dh, g.h), pad(g.pw, g.kw, g.dw, g.w)],
      dilation: [g.dh, g.dw],
      groups: g.groups,
    });
  });

const rowwiseArb: fc.Arbitrary<SharedConn> = fc
  .record({
    rows: fc.integer({ min: 1, max: 9 }),
    nOut: fc.integer({ min: 1, max: 9 }),
    nIn: fc.integer({ min: 1, max: 3 }),
    srcT: fc.boolean(),
    dstT: fc.boolean(),
  })
  .map((r) =>
    createRowwise({
      rows: r.rows,
      kernel: [r.nOut, r.nIn],
      weights: new Int32Array(r.nOut * r.nIn).fill(1),
      srcTransposed: r.srcT,
      dstTransposed: r.dstT,
    }),
  );

/**
 * Up to 6 runs as (start, length) draws: a short run (a few neurons, so partial channels and wrapped
 * token-major channels are common) or any length that fits after the start.
 */
const runDraws = fc.array(
  fc.record({
    start: fc.integer({ min: 0, max: 100_000 }),
    short: fc.boolean(),
    length: fc.integer({ min: 0, max: 100_000 }),
  }),
  { minLength: 1, maxLength: 6 },
);

function runsOf(c: Connectivity, draws: { start: number; short: boolean; length: number }[]): Run[] {
  const n = connOutSize(c);
  return draws.map((d) => {
    const start = d.start % n;
    const left = n - start;
    return { start, count: 1 + (d.length % (d.short ? Math.min(left, 12) : left)) };
  });
}

describe("conv slice counts", () => {
  it("equal the synapse walk for random geometries and slices (several in a row on one conv)", () => {
    fc.assert(
      fc.property(convArb, runDraws, (c, fr) => {
        for (const r of runsOf(c, fr))
          expect(sliceSynapses(c, r.start, r.count)).toEqual(walked(c, r.start, r.count));
      }),
      { numRuns: 400 },
    );
  });
});

describe("conv slice counts remembered per geometry", () => {
  it("a second conv of the same geometry (other weights) and repeated slices get the synapse walk's counts", () => {
    fc.assert(
      fc.property(convArb, runDraws, (c, fr) => {
        const twin = { ...c, weights: c.weights.map((_, i) => (i % 3) - 1) } as Connectivity;
        const runs = runsOf(c, fr);
        for (const conv of [c, twin, c])
          for (const r of [...runs, ...runs])
            expect(sliceSynapses(conv, r.start, r.count)).toEqual(walked(conv, r.start, r.count));
      }),
      { numRuns: 300 },
    );
  });
});

describe("distinctOutChannels", () => {
  it("equals marking the channel of every neuron of the runs (overlapping, unsorted, wrapping)", () => {
    fc.assert(
      fc.property(fc.oneof(convArb, rowwiseArb), runDraws, (c, fr) => {
        const runs = runsOf(c, fr);
        const channels = new Set<number>();
        for (const r of runs)
          for (let j = r.start; j < r.start + r.count; j++) channels.add(destinationChannel(c, j));
        expect(distinctOutChannels(c, runs)).toBe(channels.size);
      }),
      { numRuns: 400 },
    );
  });
});
