// Loihi's synapse memory for one projection's synapses into one core (one synapse group, one synapse format):
// per-axon synapse lists in 64-synapse blocks with a header, each rounded up to whole words, in the cheapest
// of the dense, sparse and run-length formats; convolutions use population axons whose lists are shared.

import { bitsFor, type Connectivity, connInSize } from "../nmir/index.js";
import { forEachSynapse } from "./synapses.js";

/** The numbers of the `loihi` memory model (hw-profiles: core.memoryModel). */
export interface LoihiMemory {
  wordBits: number;
  blockSynapses: number;
  blockHeaderBits: number;
  compartmentBase: number;
}

/** Weight widths a synapse format can store (nengo-loihi SynapseConfig.WEIGHT_BITS_MAP): 7 bits take 8. */
export const LOIHI_WEIGHT_BITS: readonly number[] = [1, 2, 3, 4, 5, 6, 8];
/** Target-index widths of the sparse format (SynapseConfig.INDEX_BITS_MAP): 0, or 6 to 12. */
export const LOIHI_INDEX_BITS: readonly number[] = [0, 6, 7, 8, 9, 10, 11, 12];

export type LoihiFormat = "dense" | "sparse" | "runLength";

const widthFrom = (table: readonly number[], need: number) => table.find((b) => b >= need) ?? need;

/** The bits one weight takes in synapse memory for a `weightBits`-wide mantissa. */
export const storedWeightBits = (weightBits: number) => widthFrom(LOIHI_WEIGHT_BITS, weightBits);

/** The sparse format's index width for targets 0 .. maxIndex. */
export const loihiIndexBits = (maxIndex: number) => widthFrom(LOIHI_INDEX_BITS, bitsFor(maxIndex));

/**
 * Bits of one synapse list of `n` synapses at `perSynapse` bits each: blocks of at most `blockSynapses`, each
 * with a `blockHeaderBits` header and rounded up to whole words (nengo-loihi SynapseConfig.bits_per_axon).
 */
export function listBits(n: number, perSynapse: number, m: LoihiMemory): number {
  if (n <= 0) return 0;
  const block = (k: number) => Math.ceil((k * perSynapse + m.blockHeaderBits) / m.wordBits) * m.wordBits;
  const full = Math.floor(n / m.blockSynapses);
  const rest = n % m.blockSynapses;
  return full * block(m.blockSynapses) + (rest > 0 ? block(rest) : 0);
}

/** One stored synapse list: its synapses, its dense length (Σ over atoms of highest target + 1). */
interface ListStats {
  synapses: number;
  denseLength: number;
}

/** What a synapse group stores: its distinct lists, their largest target index and target skip. */
interface GroupStats {
  lists: ListStats[];
  maxIndex: number;
  maxSkip: number;
}

export interface LoihiGroup {
  /** Input axons the group needs on the core (population axons: source positions). */
  axons: number;
  /** Synapse memory in bits, in the cheapest format. */
  bits: number;
  format: LoihiFormat;
  /** Distinct synapse lists stored (shared population lists count once). */
  lists: number;
}

/** The cheapest format for the lists of a group, with their total bits. */
function cheapest(g: GroupStats, wb: number, m: LoihiMemory): { bits: number; format: LoihiFormat } {
  let dense = 0;
  let sparse = 0;
  let runLength = 0;
  const sparseBits = wb + loihiIndexBits(g.maxIndex);
  const runBits = wb + bitsFor(g.maxSkip);
  for (const l of g.lists) {
    dense += listBits(l.denseLength, wb, m);
    sparse += listBits(l.synapses, sparseBits, m);
    runLength += listBits(l.synapses, runBits, m);
  }
  // ties go to the simplest format
  if (dense <= sparse && dense <= runLength) return { bits: dense, format: "dense" };
  return runLength < sparse ? { bits: runLength, format: "runLength" } : { bits: sparse, format: "sparse" };
}

/** Stats of sorted per-atom target lists packed as (atom · span + index); `n` entries of `keys`. */
function statsOf(keys: ArrayLike<number>, from: number, to: number, span: number, g: GroupStats): ListStats {
  let dense = 0;
  let atom = -1;
  let prev = -1;
  for (let r = from; r < to; r++) {
    const k = keys[r]!;
    const a = Math.floor(k / span);
    const idx = k - a * span;
    if (a !== atom) {
      if (atom >= 0) dense += prev + 1;
      atom = a;
      prev = -1;
    }
    if (idx > g.maxIndex) g.maxIndex = idx;
    const skip = idx - prev - 1;
    if (skip > g.maxSkip) g.maxSkip = skip;
    prev = idx;
  }
  if (atom >= 0) dense += prev + 1;
  return { synapses: to - from, denseLength: dense };
}

/**
 * Discrete axons (dense, sparse, one-to-one): one axon and one synapse list per source neuron with a synapse
 * on neurons `start .. start + count − 1`, its targets indexed from the core's first of them.
 */
function discreteGroup(c: Connectivity, start: number, count: number): GroupStats & { axons: number } {
  if (c.kind === "dense") {
    const lists = Array.from({ length: c.inSize }, () => ({ synapses: count, denseLength: count }));
    return { lists, maxIndex: count - 1, maxSkip: 0, axons: c.inSize };
  }
  const src: number[] = [];
  const dst: number[] = [];
  forEachSynapse(c, start, count, (i, j) => {
    src.push(i);
    dst.push(j - start);
  });
  return groupBy(src, dst, count, connInSize(c), false);
}

/**
 * Population axons (convolutions, Davies 2018 "population-based hierarchical connectivity"; nengo-loihi
 * conv2d_loihi_weights): one axon per source position, the input channel travels as the spike's atom. The
 * position's list holds, per channel, its targets relative to a compartment base (its first target, below
 * `compartmentBase`; the rest of the offset goes into the indices); positions whose lists match share one.
 */
function populationGroup(
  c: Extract<Connectivity, { kind: "conv1d" | "conv2d" }>,
  start: number,
  count: number,
  m: LoihiMemory,
): GroupStats & { axons: number } {
  const positions = c.kind === "conv2d" ? c.inShape[1] * c.inShape[2] : c.inShape[1];
  const pos: number[] = [];
  const key: number[] = [];
  const weights = c.weights.length;
  forEachSynapse(c, start, count, (i, j, w) => {
    const atom = Math.floor(i / positions);
    pos.push(i - atom * positions);
    // (atom, target, weight index) in one sortable number; the weight makes equal lists hold equal weights
    key.push((atom * count + (j - start)) * weights + w);
  });
  return groupBy(pos, key, count, positions, true, weights, m.compartmentBase);
}

/**
 * Groups synapses by axon, sorts each axon's entries and collects the distinct lists. `entry` is the
 * packed (atom · span + target) · weights + weight (discrete: the target alone). With `shared`, an axon's
 * targets are rebased to its compartment base and equal lists are stored once.
 */
function groupBy(
  axonOf: number[],
  entry: number[],
  span: number,
  axonCount: number,
  shared: boolean,
  weights = 1,
  compartmentBase = Number.POSITIVE_INFINITY,
): GroupStats & { axons: number } {
  const n = axonOf.length;
  const offset = new Int32Array(axonCount + 1);
  for (let r = 0; r < n; r++) offset[axonOf[r]! + 1]!++;
  for (let a = 0; a < axonCount; a++) offset[a + 1]! += offset[a]!;
  const fill = offset.slice(0, axonCount);
  const sorted = new Float64Array(n);
  for (let r = 0; r < n; r++) sorted[fill[axonOf[r]!]!++] = entry[r]!;
  const g: GroupStats = { lists: [], maxIndex: 0, maxSkip: 0 };
  const seen = new Map<number, Float64Array[]>();
  let axons = 0;
  const targets = new Float64Array(n);
  for (let a = 0; a < axonCount; a++) {
    const from = offset[a]!;
    const to = offset[a + 1]!;
    if (to === from) continue;
    axons++;
    const list = sorted.subarray(from, to).sort();
    // the (atom · span + target) of each entry, and the axon's base: its lowest target over all atoms
    let base = Number.POSITIVE_INFINITY;
    for (let r = 0; r < list.length; r++) {
      const at = Math.floor(list[r]! / weights);
      targets[r] = at;
      const t = at % span;
      if (t < base) base = t;
    }
    const rebase = shared ? base % compartmentBase : 0;
    if (shared) {
      for (let r = 0; r < list.length; r++) list[r]! -= rebase * weights;
      let h = list.length;
      for (let r = 0; r < list.length; r++) h = (Math.imul(h, 31) + (list[r]! % 2147483647)) | 0;
      const same = seen.get(h);
      if (same?.some((l) => l.length === list.length && l.every((v, r) => v === list[r]))) continue;
      if (same) same.push(list);
      else seen.set(h, [list]);
    }
    for (let r = 0; r < list.length; r++) targets[r] = targets[r]! - rebase;
    g.lists.push(statsOf(targets, 0, list.length, span, g));
  }
  return { ...g, axons };
}

/**
 * Whether `c` is a convolution over more than one source position: only then do population axons share lists
 * (a convolution over a single position is a dense layer, one distinct list per channel; it keeps discrete
 * axons rather than one axon carrying every channel as an atom).
 */
function sharedPositions(c: Connectivity): c is Extract<Connectivity, { kind: "conv1d" | "conv2d" }> {
  if (c.kind === "conv2d") return c.inShape[1] * c.inShape[2] > 1;
  return c.kind === "conv1d" && c.inShape[1] > 1;
}

/** Input axons and synapse memory of projection `c`'s synapses onto neurons `start .. start + count − 1`. */
export function loihiGroup(
  c: Connectivity,
  weightBits: number,
  start: number,
  count: number,
  m: LoihiMemory,
): LoihiGroup {
  if (count <= 0) return { axons: 0, bits: 0, format: "dense", lists: 0 };
  const g = sharedPositions(c) ? populationGroup(c, start, count, m) : discreteGroup(c, start, count);
  const { bits, format } = cheapest(g, storedWeightBits(weightBits), m);
  return { axons: g.axons, bits, format, lists: g.lists.length };
}
