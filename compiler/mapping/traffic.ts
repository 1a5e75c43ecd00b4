// Traffic between packed cores: for every (source core, destination core) pair, the events per step that
// must travel between them. From fan-out (every source neuron with a synapse on the destination core counts
// once, as if each neuron fired once per step) or profiled (each such neuron counts its recorded spikes).

import { SpikegridError } from "../../common/errors.js";
import { connInSize, type NmirModule } from "../nmir/index.js";
import type { Bin } from "./pack.js";
import { markSources } from "./source-marks.js";

/** Recorded spike counts per neuron, by population id (e.g. summed over a reference-simulator run). */
export type SpikeCounts = Record<string, ArrayLike<number>>;

export interface TrafficEdge {
  from: number;
  to: number;
  /** Events per step (fan-out) or recorded events (profiled). */
  weight: number;
}

/**
 * Most (source core, destination core) pairs with traffic a mapping may have: each becomes a route with its XY
 * paths in the mapping, so 4 M pairs is already a mapping file of gigabytes (and a JS Map holds at most 2^24).
 */
export const TRAFFIC_PAIR_BUDGET = 2 ** 22;

/** One population's neurons by bin: its slices grouped per bin, so work is per bin, not per slice. */
interface Placed {
  bins: Map<number, { start: number; count: number }[]>;
}

/**
 * Edges between distinct bins (by index in `bins`), merged. Work per projection is O(destination bins ×
 * (source neurons + synapses into the bin)), however finely the populations are sliced.
 */
export function trafficEdges(
  ir: NmirModule,
  bins: Bin[],
  spikes?: SpikeCounts,
  budget = TRAFFIC_PAIR_BUDGET,
): TrafficEdge[] {
  const where = new Map<string, Placed>();
  bins.forEach((b, bin) => {
    for (const s of b.slices) {
      let placed = where.get(s.population);
      if (!placed) {
        placed = { bins: new Map() };
        where.set(s.population, placed);
      }
      const runs = placed.bins.get(bin) ?? [];
      runs.push({ start: s.start, count: s.count });
      placed.bins.set(bin, runs);
    }
  });
  const edges = new Map<number, number>();
  let reading = "";
  const add = (from: number, to: number, w: number) => {
    if (from === to || w === 0) return;
    const k = from * bins.length + to;
    const had = edges.get(k);
    if (had === undefined && edges.size >= budget) overBudget(ir, bins.length, budget, reading);
    edges.set(k, (had ?? 0) + w);
  };
  const weightOf = (src: string, i: number) => {
    if (!spikes) return 1;
    return Number(spikes[src]?.[i] ?? 0);
  };
  const runWeight = (
    src: string,
    marked: Uint8Array | undefined,
    runs: { start: number; count: number }[],
  ) => {
    let w = 0;
    for (const r of runs)
      for (let i = r.start; i < r.start + r.count; i++) if (!marked || marked[i] === 1) w += weightOf(src, i);
    return w;
  };
  for (const p of ir.projections) {
    const srcs = where.get(p.src);
    if (!srcs) continue;
    reading = `projection "${p.id}" (${p.src} → ${p.dst}, ${srcs.bins.size} × ${where.get(p.dst)?.bins.size ?? 0} cores)`;
    for (const [dBin, dRuns] of where.get(p.dst)?.bins ?? []) {
      let marked: Uint8Array | undefined;
      if (p.connectivity.kind !== "dense") {
        const m = new Uint8Array(connInSize(p.connectivity));
        for (const d of dRuns) markSources(p.connectivity, d.start, d.count, m);
        marked = m;
      }
      for (const [sBin, sRuns] of srcs.bins) add(sBin, dBin, runWeight(p.src, marked, sRuns));
    }
  }
  for (const mm of ir.dynamicMatmuls) {
    reading = `dynamic matmul "${mm.id}"`;
    for (const [dBin] of where.get(mm.id)?.bins ?? []) {
      for (const op of [mm.a, mm.b])
        for (const [sBin, sRuns] of where.get(op)?.bins ?? [])
          add(sBin, dBin, runWeight(op, undefined, sRuns));
    }
  }
  return [...edges].map(([k, weight]) => ({
    from: Math.floor(k / bins.length),
    to: k % bins.length,
    weight,
  }));
}

function overBudget(ir: NmirModule, cores: number, budget: number, reading: string): never {
  throw new SpikegridError(
    "UNSUPPORTED",
    `${ir.name} on ${cores.toLocaleString("en-US")} cores: traffic between more than ${budget.toLocaleString("en-US")} (source, destination) core pairs (TRAFFIC_PAIR_BUDGET), reached at ${reading}; the mapping would list a route for every pair`,
    {
      hint: "layers whose every core reads every core of a large source (1×1 convolutions over channel-major slices, dense layers, many summed sources) multiply the pairs: use a profile with more neurons per core, or a smaller model",
    },
  );
}
