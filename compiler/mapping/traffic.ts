// Traffic between packed cores: for every (source core, destination core) pair, the events per step that
// must travel between them. From fan-out (every source neuron with a synapse on the destination core counts
// once, as if each neuron fired once per step) or profiled (each such neuron counts its recorded spikes).

import { connInSize, type NmirModule } from "../nmir/index.js";
import type { Bin } from "./pack.js";
import { forEachSynapse } from "./synapses.js";

/** Recorded spike counts per neuron, by population id (e.g. summed over a reference-simulator run). */
export type SpikeCounts = Record<string, ArrayLike<number>>;

export interface TrafficEdge {
  from: number;
  to: number;
  /** Events per step (fan-out) or recorded events (profiled). */
  weight: number;
}

/** Edges between distinct bins (by index in `bins`), merged. */
export function trafficEdges(ir: NmirModule, bins: Bin[], spikes?: SpikeCounts): TrafficEdge[] {
  const where = new Map<string, { bin: number; start: number; count: number }[]>();
  bins.forEach((b, bin) => {
    for (const s of b.slices) {
      const list = where.get(s.population) ?? [];
      list.push({ bin, start: s.start, count: s.count });
      where.set(s.population, list);
    }
  });
  const edges = new Map<number, number>();
  const add = (from: number, to: number, w: number) => {
    if (from === to || w === 0) return;
    const k = from * bins.length + to;
    edges.set(k, (edges.get(k) ?? 0) + w);
  };
  const weightOf = (src: string, i: number) => {
    if (!spikes) return 1;
    return Number(spikes[src]?.[i] ?? 0);
  };
  const rangeWeight = (src: string, marked: Uint8Array | undefined, start: number, count: number) => {
    let w = 0;
    for (let i = start; i < start + count; i++) if (!marked || marked[i] === 1) w += weightOf(src, i);
    return w;
  };
  for (const p of ir.projections) {
    const srcs = where.get(p.src);
    if (!srcs) continue;
    for (const d of where.get(p.dst) ?? []) {
      let marked: Uint8Array | undefined;
      if (p.connectivity.kind !== "dense") {
        const m = new Uint8Array(connInSize(p.connectivity));
        forEachSynapse(p.connectivity, d.start, d.count, (i) => {
          m[i] = 1;
        });
        marked = m;
      }
      for (const s of srcs) add(s.bin, d.bin, rangeWeight(p.src, marked, s.start, s.count));
    }
  }
  for (const mm of ir.dynamicMatmuls) {
    for (const d of where.get(mm.id) ?? []) {
      for (const op of [mm.a, mm.b])
        for (const s of where.get(op) ?? []) add(s.bin, d.bin, rangeWeight(op, undefined, s.start, s.count));
    }
  }
  return [...edges].map(([k, weight]) => ({
    from: Math.floor(k / bins.length),
    to: k % bins.length,
    weight,
  }));
}
