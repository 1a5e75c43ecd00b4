// Bin-packs slices onto logical cores. Slices go in layer order, each onto the first of the last 64 open cores whose summed
// usage stays within that core's limits (first fit keeps a layer's slices and its neighbours together, which
// keeps traffic short). Speck puts one layer per core: layers by decreasing kernel memory, each onto the
// free core with the least memory that holds it (its cores are unequal). Packing never stops at the chip's
// core count: the caller compares `bins.length` with what is available and reports how many are needed.

import type { ChipProfile } from "../../hw-profiles/index.js";
import { addUsage, fitsTogether, limitsOf, overLimit } from "./memory-models.js";
import type { UsedSlice } from "./partition.js";
import type { Usage } from "./types.js";

/** First fit looks at the last WINDOW open cores only, so packing stays linear for huge misfits. */
const WINDOW = 64;

export interface Bin {
  /** Core number the bin is packed for (its limits); placement may move it to a core with equal limits. */
  core: number;
  slices: UsedSlice[];
  usage: Usage;
  limits: Usage;
}

export interface PackOptions {
  /** Cores on the chip (or --max-cores). */
  cores: number;
  neuronsPerCore?: number;
}

export interface PackResult {
  bins: Bin[];
  /** Slices that fit no core (Speck: more layers than fitting free cores). */
  unplaced: UsedSlice[];
}

export function pack(slices: UsedSlice[], profile: ChipProfile, opts: PackOptions): PackResult {
  if (profile.core.memoryModel.kind === "speck") return packSpeck(slices, profile, opts);
  const bins: Bin[] = [];
  let previous: Bin | undefined;
  for (const s of slices) {
    if (s.withPrevious && previous) {
      // the rest of a tile: its usage is on the tile's first run, already in that bin
      previous.slices.push(s);
      continue;
    }
    let bin: Bin | undefined;
    for (let i = Math.max(0, bins.length - WINDOW); i < bins.length && !bin; i++) {
      const b = bins[i] as Bin;
      if (fitsTogether(b.usage, s.usage, b.limits)) bin = b;
    }
    if (!bin) {
      const core = bins.length;
      // bins fill a chip's cores in order, then the next chip's (assignChips): bin k is taken as core k mod cores,
      // so a system's later chips get each core's own limits, not core 0's; placement checks the core it picks
      const limits = limitsOf(profile, core % opts.cores, opts.neuronsPerCore);
      bin = { core, slices: [], usage: {}, limits };
      bins.push(bin);
    }
    bin.slices.push(s);
    bin.usage = addUsage(bin.usage, s.usage);
    previous = bin;
  }
  return { bins, unplaced: [] };
}

function packSpeck(slices: UsedSlice[], profile: ChipProfile, opts: PackOptions): PackResult {
  const free = Array.from({ length: opts.cores }, (_, i) => ({
    i,
    l: limitsOf(profile, i, opts.neuronsPerCore),
  }));
  const size = (u: Usage) => (u.kernelEntries ?? 0) + (u.neuronEntries ?? 0);
  const order = [...slices].sort((a, b) => size(b.usage) - size(a.usage));
  const bins: Bin[] = [];
  const unplaced: UsedSlice[] = [];
  for (const s of order) {
    const fits = free
      .filter((c) => overLimit(s.usage, c.l) === undefined)
      .sort((a, b) => size(a.l) - size(b.l));
    const c = fits[0];
    if (!c) {
      unplaced.push(s);
      continue;
    }
    free.splice(free.indexOf(c), 1);
    bins.push({ core: c.i, slices: [s], usage: { ...s.usage }, limits: c.l });
  }
  bins.sort((a, b) => a.core - b.core);
  return { bins, unplaced };
}
