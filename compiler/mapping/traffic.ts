// Traffic between packed cores: for every (source core, destination core) pair, the events per step that
// must travel between them. From fan-out (every source neuron with a synapse on the destination core, or read
// by a dynamic-matmul output there, counts once, as if each neuron fired once per step) or profiled (each such
// neuron counts its recorded spikes).

import { SpikegridError } from "../../common/errors.js";
import type { NmirModule } from "../nmir/index.js";
import { sourceSizes } from "./nodes.js";
import { linesRead, type MatmulDims, type Operand, operandLine, operandLines } from "./operand-reads.js";
import type { Bin } from "./pack.js";
import type { Run } from "./shared-weights.js";
import { visitSources } from "./source-marks.js";

/** Recorded spike counts per neuron, by population id (e.g. summed over a reference-simulator run). */
export type SpikeCounts = Record<string, ArrayLike<number>>;

export interface TrafficEdge {
  from: number;
  to: number;
  /** Events per step (fan-out) or recorded events (profiled). */
  weight: number;
}

/**
 * Most (source core, destination core) pairs with traffic a mapping may have (3 × 2^22). Each becomes a
 * destination in its source's route (XY paths listed only on one chip, where they are short) and entries in
 * the routing tables; a JS Map holds at most 2^24. Measured on spinnaker2-sandia (routes without paths,
 * per-chip tables): ≈ 7 bytes of compact mapping JSON and a few hundred bytes of `map`'s peak memory per pair.
 */
export const TRAFFIC_PAIR_BUDGET = 3 * 2 ** 22;

/** Where one population's neurons are: the bin of each neuron (−1: none), and its bins in ascending order. */
interface Placed {
  binOf: Int32Array;
  bins: number[];
  /** binOf as stretches of one bin, built when a range of sources is first read. */
  segments?: Segments;
}

/** Stretch k holds neurons start[k] .. start[k + 1] − 1, all in bin[k] (−1: none). */
interface Segments {
  start: Int32Array;
  bin: Int32Array;
}

function segmentsOf(placed: Placed): Segments {
  if (placed.segments) return placed.segments;
  const { binOf } = placed;
  const starts: number[] = [];
  const binsOf: number[] = [];
  for (let i = 0; i < binOf.length; i++)
    if (i === 0 || binOf[i] !== binOf[i - 1]) {
      starts.push(i);
      binsOf.push(binOf[i]!);
    }
  starts.push(binOf.length);
  placed.segments = { start: Int32Array.from(starts), bin: Int32Array.from(binsOf) };
  return placed.segments;
}

/** The stretch holding neuron `i` (binary search). */
function segmentAt(seg: Segments, i: number): number {
  let lo = 0;
  let hi = seg.bin.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (seg.start[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Edges between distinct bins (by index in `bins`), merged, in order of projection, destination bin and
 * source bin. Work per projection is O(Σ over destination bins of the sources they read) — a bin's runs are
 * visited together (source-marks.ts), each source neuron counted once per destination bin — however finely
 * the populations are sliced and however large the source population is.
 */
export function trafficEdges(
  ir: NmirModule,
  bins: Bin[],
  spikes?: SpikeCounts,
  budget = TRAFFIC_PAIR_BUDGET,
): TrafficEdge[] {
  const edges = new Map<number, number>();
  const sink: TrafficSink = {
    reading: "",
    add(from, to, w) {
      if (from === to || w === 0) return;
      const k = from * bins.length + to;
      const had = edges.get(k);
      if (had === undefined && edges.size >= budget) trafficOverBudget(ir, bins.length, budget, sink.reading);
      edges.set(k, (had ?? 0) + w);
    },
  };
  visitTraffic(ir, bins, sink, spikes);
  // straight from the Map: a spread would hold every [key, weight] pair a second time
  const out: TrafficEdge[] = new Array(edges.size);
  let i = 0;
  for (const [k, weight] of edges)
    out[i++] = { from: Math.floor(k / bins.length), to: k % bins.length, weight };
  return out;
}

/**
 * Where `visitTraffic` sends the traffic: `add(from, to, w)` for events between bins, a pair possibly many
 * times (its weight is the sum; from = to and w = 0 included), first in the order `trafficEdges` lists the
 * pairs; `reading` names what is being read (for an error about the pairs).
 */
export interface TrafficSink {
  reading: string;
  add(from: number, to: number, w: number): void;
}

/** The traffic between bins, piece by piece, into `sink` (trafficEdges merges it; the mapping check streams it). */
export function visitTraffic(ir: NmirModule, bins: Bin[], sink: TrafficSink, spikes?: SpikeCounts): void {
  const sizes = sourceSizes(ir);
  const where = new Map<string, Placed>();
  const runsOf = new Map<string, Map<number, Run[]>>();
  bins.forEach((b, bin) => {
    for (const s of b.slices) {
      let placed = where.get(s.population);
      if (!placed) {
        placed = { binOf: new Int32Array(sizes.get(s.population) ?? 0).fill(-1), bins: [] };
        where.set(s.population, placed);
        runsOf.set(s.population, new Map());
      }
      placed.binOf.fill(bin, s.start, s.start + s.count);
      if (placed.bins[placed.bins.length - 1] !== bin) placed.bins.push(bin);
      const byBin = runsOf.get(s.population)!;
      const runs = byBin.get(bin);
      if (runs) runs.push({ start: s.start, count: s.count });
      else byBin.set(bin, [{ start: s.start, count: s.count }]);
    }
  });
  const add = (from: number, to: number, w: number) => sink.add(from, to, w);
  const weightOf = (src: string, i: number) => (spikes ? Number(spikes[src]?.[i] ?? 0) : 1);
  // every neuron of a source, summed per bin (dense projections read them all)
  const totals = new Map<string, Map<number, number>>();
  const totalsOf = (src: string) => {
    let t = totals.get(src);
    if (t) return t;
    t = new Map();
    for (const [bin, runs] of runsOf.get(src) ?? []) {
      let w = 0;
      for (const r of runs) for (let i = r.start; i < r.start + r.count; i++) w += weightOf(src, i);
      t.set(bin, w);
    }
    totals.set(src, t);
    return t;
  };
  // per (projection, destination bin) pass, the events from each source bin: dense arrays by bin (accOf[b] =
  // the pass once b is listed), not a Map — the visit below runs once per source read (hundreds of millions on
  // the ImageNet Spikformers), and a Map lookup there was most of the traffic's time
  const accW = new Float64Array(bins.length);
  const accOf = new Int32Array(bins.length);
  const accBins: number[] = [];
  let pass = 0;
  for (const p of ir.projections) {
    const srcs = where.get(p.src);
    const dsts = runsOf.get(p.dst);
    if (!srcs || !dsts) continue;
    sink.reading = `projection "${p.id}" (${p.src} → ${p.dst}, ${srcs.bins.length} × ${dsts.size} cores)`;
    if (p.connectivity.kind === "dense") {
      const t = totalsOf(p.src);
      for (const [dBin] of dsts) for (const sBin of srcs.bins) add(sBin, dBin, t.get(sBin) ?? 0);
      continue;
    }
    // seen[i] = destination bin + 1 once source i is counted for that bin
    const seen = new Int32Array(srcs.binOf.length);
    const count = (sBin: number, now: number, w: number) => {
      if (accOf[sBin] !== now) {
        accOf[sBin] = now;
        accW[sBin] = 0;
        accBins.push(sBin);
      }
      accW[sBin]! += w;
    };
    for (const [dBin, dRuns] of dsts) {
      const now = ++pass;
      visitSources(
        p.connectivity,
        dRuns,
        (i) => {
          if (seen[i] === dBin + 1) return;
          seen[i] = dBin + 1;
          const sBin = srcs.binOf[i]!;
          if (sBin >= 0) count(sBin, now, weightOf(p.src, i));
        },
        // a range is passed once and holds no source passed to the visit above: by stretches of one bin
        (lo, hi) => {
          const seg = segmentsOf(srcs);
          for (let k = segmentAt(seg, lo); k < seg.bin.length && seg.start[k]! < hi; k++) {
            const sBin = seg.bin[k]!;
            if (sBin < 0) continue;
            const a = Math.max(lo, seg.start[k]!);
            const b = Math.min(hi, seg.start[k + 1]!);
            if (!spikes) count(sBin, now, b - a);
            else for (let i = a; i < b; i++) count(sBin, now, weightOf(p.src, i));
          }
        },
      );
      accBins.sort((a, b) => a - b);
      for (const sBin of accBins) add(sBin, dBin, accW[sBin]!);
      accBins.length = 0;
    }
  }
  // a matmul's bin reads, of each operand, the lines (A rows, B columns) its outputs touch (operand-reads.ts)
  for (const mm of ir.dynamicMatmuls) {
    sink.reading = `dynamic matmul "${mm.id}"`;
    const dsts = runsOf.get(mm.id);
    if (!dsts) continue;
    for (const op of ["a", "b"] as const) {
      const src = op === "a" ? mm.a : mm.b;
      const srcs = where.get(src);
      if (!srcs) continue;
      const byLine = lineWeights(mm, op, srcs.binOf, (i) => weightOf(src, i));
      const seen = new Int32Array(byLine.length);
      const acc = new Map<number, number>();
      for (const [dBin, dRuns] of dsts) {
        acc.clear();
        for (const r of dRuns)
          for (const span of linesRead(mm, op, r.start, r.count))
            for (let line = span.lo; line < span.hi; line++) {
              if (seen[line] === dBin + 1) continue;
              seen[line] = dBin + 1;
              for (const [sBin, w] of byLine[line]!) acc.set(sBin, (acc.get(sBin) ?? 0) + w);
            }
        for (const sBin of [...acc.keys()].sort((a, b) => a - b)) add(sBin, dBin, acc.get(sBin)!);
      }
    }
  }
}

/** Per line of a matmul operand (A row, B column), its neurons' weight summed per bin, as [bin, weight] pairs. */
function lineWeights(
  mm: MatmulDims,
  op: Operand,
  binOf: Int32Array,
  weightOf: (i: number) => number,
): [number, number][][] {
  const out: Map<number, number>[] = Array.from({ length: operandLines(mm, op) }, () => new Map());
  for (let i = 0; i < binOf.length; i++) {
    const bin = binOf[i]!;
    if (bin < 0) continue;
    const line = out[operandLine(mm, op, i)]!;
    line.set(bin, (line.get(bin) ?? 0) + weightOf(i));
  }
  return out.map((m) => [...m]);
}

/** The error for traffic between more than `budget` core pairs, found while reading `reading`. */
export function trafficOverBudget(ir: NmirModule, cores: number, budget: number, reading: string): never {
  throw new SpikegridError(
    "UNSUPPORTED",
    `${ir.name} on ${cores.toLocaleString("en-US")} cores: traffic between more than ${budget.toLocaleString("en-US")} (source, destination) core pairs (TRAFFIC_PAIR_BUDGET), reached at ${reading}; the mapping would list a route for every pair`,
    {
      hint: "layers whose cores read many cores of a large source (dense layers, narrow tiles of wide matrices, a residual stream's many terms) multiply the pairs: recompile with fewer --weight-bits (more channels per core, fewer cores to read), use a profile with more neurons per core, or a smaller model",
    },
  );
}
