// trafficEdges = a per-synapse reference (forEachSynapse over each destination core's runs, each source
// neuron once per core), edges and their order, on random convolutions — 1×1 ones whose cores hold whole
// channels (read by stretches of one source core), groups, strides — over random, interleaved core
// assignments, from fan-out and from recorded spike counts.

import { describe, expect, it } from "vitest";
import {
  type Connectivity,
  createConv1d,
  createConv2d,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../nmir/index.js";
import { createLif } from "../nmir/neuron-factories.js";
import type { Bin } from "./pack.js";
import { visitSources } from "./source-marks.js";
import { forEachSynapse } from "./synapses.js";
import { type SpikeCounts, type TrafficEdge, trafficEdges } from "./traffic.js";

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** A conv reading [cin, h, w] (conv1d: [cin, w]); one in three a 1×1 of stride 1, as a per-token linear. */
function randomConv(r: (n: number) => number, cin: number, h: number, w: number): Connectivity {
  const divisors = [1, 2, 3, 4].filter((g) => cin % g === 0);
  const groups = divisors[r(divisors.length)]!;
  const cout = groups * (1 + r(3));
  const linear = r(3) === 0;
  const k = linear ? 1 : 1 + r(3);
  const stride = linear ? 1 : 1 + r(2);
  const padding = linear ? 0 : r(2);
  // a kernel wider than the padded input would give no outputs (every valid draw already fits, so clamping
  // changes none of them)
  const fit = Math.min(k, (h === 1 ? w : Math.min(h, w)) + 2 * padding);
  const ones = (n: number) => new Int32Array(n).fill(1);
  if (h === 1)
    return createConv1d({
      inShape: [cin, w],
      kernel: [cout, cin / groups, fit],
      weights: ones(cout * (cin / groups) * fit),
      stride,
      padding,
      groups,
    });
  return createConv2d({
    inShape: [cin, h, w],
    kernel: [cout, cin / groups, fit, fit],
    weights: ones(cout * (cin / groups) * fit * fit),
    stride,
    padding,
    groups,
  });
}

/** a → b and a → c, b → c when shapes allow: random convs. */
function randomModule(r: (n: number) => number): NmirModule {
  const two = r(2) === 1;
  const [cin, h, w] = [1 + r(6), two ? 3 + r(5) : 1, 3 + r(8)];
  const shapeA = two ? [cin, h, w] : [cin, w];
  const ab = randomConv(r, cin, h, w);
  const shapeB = (ab as { outShape: number[] }).outShape;
  const bc = randomConv(r, shapeB[0]!, two ? shapeB[1]! : 1, shapeB[shapeB.length - 1]!);
  const shapeC = (bc as { outShape: number[] }).outShape;
  const lif = () => createLif({ dv: 0, vth: 10, vBits: 16 });
  const pop = (id: string, shape: number[]) => createPopulation({ id, shape, model: lif() });
  const proj = (src: string, dst: string, connectivity: Connectivity) =>
    createProjection({ id: `${src}${dst}`, src, dst, connectivity, weightBits: 8 });
  return createModule({
    name: "random",
    stage: "quantized",
    inputs: [createInput("x", shapeA)],
    populations: [pop("a", shapeA), pop("b", shapeB), pop("c", shapeC)],
    projections: [proj("a", "b", ab), proj("b", "c", bc)],
    outputs: [createOutput("out", "c")],
  });
}

/** Each population cut into pieces (often whole channels), the pieces dealt to random cores. */
function randomBins(r: (n: number) => number, ir: NmirModule, cores: number): Bin[] {
  const bins: Bin[] = Array.from({ length: cores }, (_, core) => ({
    core,
    slices: [],
    usage: {},
    limits: {},
  }));
  for (const p of ir.populations) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const plane = size / p.shape[0]!;
    for (let start = 0; start < size; ) {
      const count = Math.min(size - start, r(2) === 0 ? plane * (1 + r(2)) : 1 + r(plane));
      bins[r(cores)]!.slices.push({ population: p.id, start, count } as Bin["slices"][number]);
      start += count;
    }
  }
  return bins;
}

/** The edges by definition: per projection, destination core (first seen), source core (ascending). */
function reference(ir: NmirModule, bins: Bin[], spikes?: SpikeCounts): TrafficEdge[] {
  const binOf = new Map<string, Int32Array>();
  for (const p of ir.populations)
    binOf.set(p.id, new Int32Array(p.shape.reduce((a, b) => a * b, 1)).fill(-1));
  const runsOf = new Map<string, Map<number, { start: number; count: number }[]>>();
  bins.forEach((b, bin) => {
    for (const s of b.slices) {
      binOf.get(s.population)!.fill(bin, s.start, s.start + s.count);
      if (!runsOf.has(s.population)) runsOf.set(s.population, new Map());
      const byBin = runsOf.get(s.population)!;
      if (!byBin.has(bin)) byBin.set(bin, []);
      byBin.get(bin)!.push({ start: s.start, count: s.count });
    }
  });
  const edges = new Map<number, number>();
  for (const p of ir.projections) {
    const src = binOf.get(p.src);
    const dsts = runsOf.get(p.dst);
    if (!src || !runsOf.has(p.src) || !dsts) continue;
    for (const [dBin, runs] of dsts) {
      const read = new Set<number>();
      for (const { start, count } of runs)
        forEachSynapse(p.connectivity, start, count, (i) => {
          read.add(i);
        });
      const perBin = new Map<number, number>();
      for (const i of read)
        if (src[i]! >= 0) perBin.set(src[i]!, (perBin.get(src[i]!) ?? 0) + (spikes ? spikes[p.src]![i]! : 1));
      for (const sBin of [...perBin.keys()].sort((a, b) => a - b)) {
        const w = perBin.get(sBin)!;
        if (sBin === dBin || w === 0) continue;
        const k = sBin * bins.length + dBin;
        edges.set(k, (edges.get(k) ?? 0) + w);
      }
    }
  }
  return [...edges].map(([k, weight]) => ({
    from: Math.floor(k / bins.length),
    to: k % bins.length,
    weight,
  }));
}

describe("trafficEdges", () => {
  it("= the per-synapse reference on 300 random conv networks and core assignments", () => {
    // TRAFFIC_SEED=n tries other random networks
    const r = rng(Number(process.env.TRAFFIC_SEED ?? 5));
    let wholeChannelCores = 0;
    for (let trial = 0; trial < 300; trial++) {
      const ir = randomModule(r);
      const bins = randomBins(r, ir, 2 + r(7));
      const spikes: SpikeCounts = {};
      for (const p of ir.populations)
        spikes[p.id] = Float64Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => r(4));
      // how many cores read a conv group's channels whole (the stretch path)
      for (const p of ir.projections)
        bins.forEach((b) => {
          const runs = b.slices.filter((s) => s.population === p.dst);
          if (runs.length > 0)
            visitSources(
              p.connectivity,
              runs,
              () => {},
              () => {
                wholeChannelCores++;
              },
            );
        });
      expect(trafficEdges(ir, bins), `trial ${trial} fan-out`).toEqual(reference(ir, bins));
      expect(trafficEdges(ir, bins, spikes), `trial ${trial} profiled`).toEqual(reference(ir, bins, spikes));
    }
    expect(wholeChannelCores).toBeGreaterThan(100);
  });
});
