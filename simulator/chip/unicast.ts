// The unicast hot loop: a phase's packets, in injection order, each along its pair's XY path (Noc.pathLinks),
// link by link. Its own small functions, not a method of the router: in a large function V8 spills the link
// latencies as boxed numbers and re-checks every typed array on every hop; here a mesh hop reads one path
// entry and one link's free time. The split into the row run and the column run (each pair's `mid`) gives each
// run its one mesh latency (east-west, then north-south), and a chip-to-chip link is known by its entry's sign
// (Noc.pathLinks: ~l), so no per-link kind is read. The floating-point operations are those of the plain walk
// (Noc.send) in the same order, so every time is the same double. The two timings and the row and column runs
// are written out, not shared through a callback or a run helper: each stays the flat loop whose speed was
// measured (simulator/chip/README.md, Routing); a shared form would have to be measured again.

/** The links' timing: a mesh link is held its latency; a chip link packetBits / bandwidth (`occCL`). */
export interface UnicastTiming {
  latEW: number;
  latNS: number;
  latCL: number;
  occCL: number;
  axonIn: number;
}

/** Running totals kept across a step's phases (`sums`): indices into the Float64Array. */
export const MAX_DELIVER = 0;
export const MAX_NET = 1;
export const N_TOUCHED = 2;
/** This call's hops of the row runs, of the column runs, and the chip links crossed in each. */
export const HOPS_X = 3;
export const HOPS_Y = 4;
export const CL_X = 5;
export const CL_Y = 6;
export const SUMS = 7;

/** A phase's packets and the per-pair state they update. */
export interface UnicastBatch {
  n: number;
  /** Packet indices in injection order; a packet's index is its arrival entry. */
  order: Int32Array;
  time: Float64Array;
  pair: Int32Array;
  /** Per pair: path entries noc.pathLinks[span[4·key] .. span[4·key + 2]), the row run ending at span[4·key + 1]. */
  span: Int32Array;
  pathLinks: Int32Array;
  linkFree: Float64Array;
  pairCount: Float64Array;
  touched: Int32Array;
  /** Written when `writeArrival` (else an empty array). */
  arrival: Float64Array;
  writeArrival: boolean;
}

/**
 * Packets whose injection times and pairs are read ahead of their walks, a block at a time: read through the
 * time order they are scattered over the phase's columns, and a packet's walk (≈ 50 hops on a rack) fills the
 * processor's window, so each read missed the cache after the previous packet's walk; gathered together
 * the reads overlap.
 */
const BLOCK = 1024;
const blockTime = new Float64Array(BLOCK);
const blockPair = new Int32Array(BLOCK);

/**
 * Detailed timing: FIFO links, depart = max(t, free[l]), free[l] = depart + occupancy, t = depart + latency
 * (a mesh link's occupancy is its latency, so free[l] = t afterwards). Arrival = t + axonIn.
 */
export function routeContended(b: UnicastBatch, c: UnicastTiming, sums: Float64Array): void {
  const { n, order, time, pair, span, pathLinks, linkFree, pairCount, touched, arrival, writeArrival } = b;
  const { latEW, latNS, latCL, occCL, axonIn } = c;
  let maxDeliver = sums[MAX_DELIVER]!;
  let maxNet = sums[MAX_NET]!;
  let nTouched = sums[N_TOUCHED]!;
  let hopsX = 0;
  let hopsY = 0;
  let clX = 0;
  let clY = 0;
  const bt = blockTime;
  const bp = blockPair;
  for (let x = 0; x < n; x++) {
    const j = x & (BLOCK - 1);
    if (j === 0) {
      // the block's times and pairs gathered first: independent loads, where the walk below reached each
      // packet's only after the previous packet's hops
      const end = Math.min(n - x, BLOCK);
      for (let k = 0; k < end; k++) {
        const o = order[x + k]!;
        bt[k] = time[o]!;
        bp[k] = pair[o]!;
      }
    }
    const i = order[x]!;
    const inject = bt[j]!;
    const key = bp[j]!;
    const off = span[4 * key]!;
    if (off < 0) throw new Error(`no path for slot pair ${key}: call Noc.path() before finalize()`);
    const mid = span[4 * key + 1]!;
    const end = span[4 * key + 2]!;
    hopsX += mid - off;
    hopsY += end - mid;
    let t = inject;
    for (let h = off; h < mid; h++) {
      const e = pathLinks[h]!;
      if (e >= 0) {
        const f = linkFree[e]!;
        if (f > t) t = f;
        t += latEW;
        linkFree[e] = t;
      } else {
        const l = ~e;
        const f = linkFree[l]!;
        if (f > t) t = f;
        linkFree[l] = t + occCL;
        t += latCL;
        clX++;
      }
    }
    for (let h = mid; h < end; h++) {
      const e = pathLinks[h]!;
      if (e >= 0) {
        const f = linkFree[e]!;
        if (f > t) t = f;
        t += latNS;
        linkFree[e] = t;
      } else {
        const l = ~e;
        const f = linkFree[l]!;
        if (f > t) t = f;
        linkFree[l] = t + occCL;
        t += latCL;
        clY++;
      }
    }
    const arr = t + axonIn;
    if (writeArrival) arrival[i] = arr;
    if (arr > maxDeliver) maxDeliver = arr;
    if (arr - inject > maxNet) maxNet = arr - inject;
    if (pairCount[key]!++ === 0) touched[nTouched++] = key;
  }
  sums[MAX_DELIVER] = maxDeliver;
  sums[MAX_NET] = maxNet;
  sums[N_TOUCHED] = nTouched;
  sums[HOPS_X] = hopsX;
  sums[HOPS_Y] = hopsY;
  sums[CL_X] = clX;
  sums[CL_Y] = clY;
}

/**
 * Simple timing: no waits, t = inject + the path's latencies; a chip link's packets this step are counted
 * (`stepLinkPackets`, the step's link bound, Noc.stepChipLinkBusy).
 */
export function routeUncontended(
  b: UnicastBatch,
  c: UnicastTiming,
  sums: Float64Array,
  stepLinkPackets: Float64Array,
): void {
  const { n, order, time, pair, span, pathLinks, pairCount, touched, arrival, writeArrival } = b;
  const { latEW, latNS, latCL, axonIn } = c;
  let maxDeliver = sums[MAX_DELIVER]!;
  let maxNet = sums[MAX_NET]!;
  let nTouched = sums[N_TOUCHED]!;
  let hopsX = 0;
  let hopsY = 0;
  let clX = 0;
  let clY = 0;
  for (let x = 0; x < n; x++) {
    const i = order[x]!;
    const inject = time[i]!;
    const key = pair[i]!;
    const off = span[4 * key]!;
    if (off < 0) throw new Error(`no path for slot pair ${key}: call Noc.path() before finalize()`);
    const mid = span[4 * key + 1]!;
    const end = span[4 * key + 2]!;
    hopsX += mid - off;
    hopsY += end - mid;
    let t = inject;
    for (let h = off; h < mid; h++) {
      const e = pathLinks[h]!;
      if (e >= 0) t += latEW;
      else {
        t += latCL;
        stepLinkPackets[~e]!++;
        clX++;
      }
    }
    for (let h = mid; h < end; h++) {
      const e = pathLinks[h]!;
      if (e >= 0) t += latNS;
      else {
        t += latCL;
        stepLinkPackets[~e]!++;
        clY++;
      }
    }
    const arr = t + axonIn;
    if (writeArrival) arrival[i] = arr;
    if (arr > maxDeliver) maxDeliver = arr;
    if (arr - inject > maxNet) maxNet = arr - inject;
    if (pairCount[key]!++ === 0) touched[nTouched++] = key;
  }
  sums[MAX_DELIVER] = maxDeliver;
  sums[MAX_NET] = maxNet;
  sums[N_TOUCHED] = nTouched;
  sums[HOPS_X] = hopsX;
  sums[HOPS_Y] = hopsY;
  sums[CL_X] = clX;
  sums[CL_Y] = clY;
}
