// Routing of one phase's packets through the mesh, in injection order (links are FIFO), and their accounting.
// Unicast packets take the lean path: a precomputed XY path per (source core, destination core) pair; the
// step's totals (packets, hops by direction, axon-in and memory reads) are summed as they go, while the per-core
// and per-link counts are tallied per pair and folded into the tallies by `flush` (before they are read) —
// integer sums, so every figure is that of counting packet by packet. Multicast packets walk their route tree
// link by link (Noc.send) and are counted as they go.

import { SpikegridError } from "../../common/errors.js";
import { AXON_IN, CHIP_LINK, HOP_EW, HOP_NS, K, MEM } from "./costs.js";
import { linkOfEntry, type Noc } from "./noc.js";
import { ArrivalStore, PacketBuffer } from "./scratch.js";
import type { ChipTally } from "./stats.js";
import { DEST_ROW_LIMIT, type DestTable, highAt, highFrom } from "./tables.js";
import {
  CL_X,
  CL_Y,
  HOPS_X,
  HOPS_Y,
  MAX_DELIVER,
  MAX_NET,
  N_TOUCHED,
  routeContended,
  routeUncontended,
  SUMS,
  type UnicastBatch,
  type UnicastTiming,
} from "./unicast.js";
import { UnicastWasm } from "./unicast-wasm.js";

export class Router {
  /** Source s's neurons are numbered base[s] .. base[s + 1] − 1 over every source (a multicast packet's row). */
  readonly base: Int32Array;
  /** Rows per source (its destination table) and the slot of each of its neurons: a multicast packet's source
   * and destinations are read from them (no per-row copies: 8 bytes a row, hundreds of millions of rows). */
  private readonly dest: readonly DestTable[];
  private readonly srcSlot: readonly (Int32Array | undefined)[];
  /** The pair last looked up per destination slot (`pairOf`): its source slot (−1: none yet) and pair id. */
  private readonly lastFrom: Int32Array;
  private readonly lastPair: Int32Array;
  /** Whether any source's arrivals are read (`reads`). */
  readonly keepArrival: boolean;
  /**
   * Per source, whether something reads its arrivals in the step they were sent (layer-sync same-step work,
   * dynamic-matmul operands), and the last phase that does: its arrivals are freed after that phase.
   */
  private readonly readUntil: Int32Array;
  /**
   * This step's arrival cycles per source still to be read (`ArrivalStore`): entry k is its k-th delivery of the
   * step — event after event in its frame's order, an event's bit planes in turn, each one's destination rows in
   * table order (`entryOf`), cut down after each phase to the rows later phases read (ArrivalTrim, the
   * model). Sized by one source's traffic of one step and freed once read, not one per
   * destination row (8 bytes × ≈ 2 G rows on a rack-size system, most of them touched by an active network).
   */
  readonly arrivals = new ArrivalStore();
  readonly pending = new PacketBuffer();
  /** Whether the arrivals of the packets pending now are kept (`sendFrom`). */
  private writing = false;
  /** Latest delivery and longest single route of the step. */
  get maxDeliver(): number {
    return this.sums[MAX_DELIVER]!;
  }
  get maxNet(): number {
    return this.sums[MAX_NET]!;
  }
  /** Packets and hops of the step. */
  stepPackets = 0;
  stepHops = 0;
  /** Unicast packets per slot pair since the last `flush`, and the pairs with any. */
  private readonly pairCount: Float64Array;
  /** Per slot pair: its path as noc.pathLinks[span[4·key] .. span[4·key + 2]), its row run ending at
   * span[4·key + 1] (Noc.rowRun), side by side so a packet's path costs one cache line (unicast.ts). */
  private readonly span: Int32Array;
  /**
   * Unicast routing's link state: each link's next free cycle this step (8 bytes a link, so the links of a
   * rack's global grid stay in cache). Every link of one kind has the same occupancy and latency (Noc.finalize:
   * a mesh hop's latency, a chip link's packetBits / bandwidth and latency): `timing`.
   */
  private readonly linkFree: Float64Array;
  private readonly timing: UnicastTiming;
  /** Detailed timing's walk in WebAssembly (unicast-wasm.ts): its memory holds this router's spans, free times,
   * per-pair counts and touched pairs, and the Noc's paths. */
  private readonly wasm: UnicastWasm | undefined;
  /** Latest delivery, longest route and touched pairs carried between phases, and a call's hop sums. */
  private readonly sums = new Float64Array(SUMS);
  private readonly touched: Int32Array;
  private packetId = 0;

  constructor(
    private readonly noc: Noc,
    dest: readonly DestTable[],
    srcSlot: readonly (Int32Array | undefined)[],
    private readonly axonIn: number,
    /**
     * Per source, the last phase that reads its arrivals in the step they were sent (same-step work,
     * dynamic-matmul operands), −1 when none does: the router neither writes nor holds the others' (8 bytes a
     * delivery, written in time order: mostly cache misses).
     */
    readUntil: Int32Array,
    /** `wasm: false` keeps detailed timing's walk in JS (unicast.ts; tests compare the two). */
    opts: { wasm?: boolean } = {},
  ) {
    let total = 0;
    for (const d of dest) total += d.slot.length;
    if (total > DEST_ROW_LIMIT)
      throw new SpikegridError(
        "RESOURCE_LIMIT",
        `the chip simulator's destination rows (${total.toLocaleString("en-US")}, neuron × core) pass the ${DEST_ROW_LIMIT.toLocaleString("en-US")} it can index (DEST_ROW_LIMIT)`,
        {
          hint: "simulate a smaller input (zoo setting imageSize) or a mapping with fewer destination cores per neuron",
        },
      );
    this.base = new Int32Array(dest.length + 1);
    dest.forEach((d, s) => {
      this.base[s + 1] = this.base[s]! + d.listOf.length;
    });
    const multicast = noc.multicast;
    this.dest = dest;
    this.srcSlot = srcSlot;
    this.readUntil = readUntil;
    this.keepArrival = readUntil.some((p) => p >= 0);
    // a multicast packet finds its source and destinations from its first row
    this.pending.keepRows(multicast);
    this.lastFrom = new Int32Array(noc.slots).fill(-1);
    this.lastPair = new Int32Array(noc.slots);
    // per pair that exchanges packets (Noc.pairOf), not per slots²: 10⁴ cores in use stay megabytes
    const pairs = multicast ? 0 : noc.pairs;
    const span = new Int32Array(4 * pairs);
    for (let key = 0; key < pairs; key++) {
      span[4 * key] = noc.pathOff[key]!;
      span[4 * key + 1] = noc.pathOff[key]! + noc.rowRun(key);
      span[4 * key + 2] = noc.pathOff[key]! + noc.pathLen[key]!;
    }
    const links = multicast ? 0 : noc.linkLat.length;
    this.wasm =
      !multicast && noc.contention && opts.wasm !== false
        ? UnicastWasm.create(span, noc.pathLinks, links, pairs)
        : undefined;
    // the walk's arrays in its memory take the place of the router's and the Noc's own (nothing held twice)
    if (this.wasm) noc.pathLinks = this.wasm.pathLinks;
    this.span = this.wasm?.span ?? span;
    this.linkFree = this.wasm?.linkFree ?? new Float64Array(links);
    this.pairCount = this.wasm?.pairCount ?? new Float64Array(pairs);
    this.touched = this.wasm?.touched ?? new Int32Array(pairs);
    this.timing = { latEW: 0, latNS: 0, latCL: 0, occCL: 0, axonIn };
    const occ = new Float64Array(K).fill(Number.NaN);
    const lat = new Float64Array(K).fill(Number.NaN);
    for (let l = 0; l < links; l++) {
      const k = noc.linkKind[l]!;
      if (Number.isNaN(occ[k]!)) [occ[k], lat[k]] = [noc.linkOcc[l]!, noc.linkLat[l]!];
      else if (occ[k] !== noc.linkOcc[l] || lat[k] !== noc.linkLat[l])
        throw new Error(`links of kind ${k} differ in occupancy or latency: route them one by one`);
      // the walk writes a mesh link's free time as the packet's time after it (unicast.ts)
      if (k !== CHIP_LINK && occ[k] !== lat[k])
        throw new Error(`mesh links of kind ${k} are held ≠ their latency`);
    }
    const t = this.timing;
    [t.latEW, t.latNS, t.latCL, t.occCL] = [lat[HOP_EW]!, lat[HOP_NS]!, lat[CHIP_LINK]!, occ[CHIP_LINK]!];
  }

  /**
   * The id of the (source slot a, destination slot b) pair (Noc.pairOf), looked up only when the last packet to
   * b came from another slot: a unicast packet's pair is found as it is sent rather than stored per row (4
   * bytes a row), and neighbouring neurons share their core and mostly their destinations.
   */
  pairOf(a: number, b: number): number {
    if (this.lastFrom[b] === a) return this.lastPair[b]!;
    const key = this.noc.pairOf(a, b);
    this.lastFrom[b] = a;
    this.lastPair[b] = key;
    return key;
  }

  /** Whether detailed timing's unicast walk runs in WebAssembly (else in JS: unicast.ts). */
  get walksInWasm(): boolean {
    return this.wasm !== undefined;
  }

  /** The busiest chip-to-chip link's cycles this step (simple timing's link bound; 0 on a single chip). */
  stepChipLinkBusy(): number {
    return this.noc.stepChipLinkBusy();
  }

  /** Whether source s's arrivals are kept this step (something reads them in the step they were sent). */
  reads(s: number): boolean {
    return this.readUntil[s]! >= 0;
  }

  /**
   * The entry of a delivery of a source's event: `first` is the event's first entry (bits × rows of every
   * event before it in the frame), `rows` its destination rows; the last of its `bits` bit packets to row
   * offset `q` — the one routed last, so the time a row's work waits for.
   */
  static entryOf(first: number, bits: number, rows: number, q: number): number {
    return first + (bits - 1) * rows + q;
  }

  /**
   * Source s is about to send this phase's packets: their arrivals are written (numbered from 0 as they are
   * pushed; a multicast packet's entry is that of its first row) only when something reads them.
   */
  sendFrom(s: number): boolean {
    this.writing = this.readUntil[s]! >= 0;
    return this.writing;
  }

  /** Frees the arrivals of the sources whose last same-step reader ran in `phase`. */
  endPhase(phase: number): void {
    const { readUntil, arrivals } = this;
    for (let s = 0; s < readUntil.length; s++) if (readUntil[s] === phase) arrivals.release(s);
  }

  newStep(): void {
    // every link free again (the barrier drained the network), as Noc.newStep does for multicast
    this.linkFree.fill(0);
    this.arrivals.releaseAll();
    this.sums[MAX_DELIVER] = 0;
    this.sums[MAX_NET] = 0;
    this.stepPackets = 0;
    this.stepHops = 0;
    this.packetId = 0;
  }

  /** Routes the pending packets in order of injection, then tallies them; empties the buffer. */
  route(tally: ChipTally, stepEv: Float64Array): void {
    const p = this.pending;
    if (p.n === 0) return;
    const n = p.sortByTime();
    if (this.noc.multicast) this.routeMulticast(n, tally, stepEv);
    else this.routeUnicast(n, tally, stepEv);
    tally.packets += n;
    this.stepPackets += n;
    // a large phase's columns are not kept for the next (its pages would stay resident beside later phases')
    p.release();
  }

  /** Each packet along the XY path of its pair (unicast.ts), then the step's totals. */
  private routeUnicast(n: number, tally: ChipTally, stepEv: Float64Array): void {
    const { time, pair, order } = this.pending;
    const { noc, sums } = this;
    const batch: UnicastBatch = {
      n,
      order,
      time,
      pair,
      span: this.span,
      pathLinks: noc.pathLinks,
      linkFree: this.linkFree,
      pairCount: this.pairCount,
      touched: this.touched,
      arrival: this.writing ? this.arrivals.current : NO_ARRIVAL,
      writeArrival: this.writing,
    };
    if (noc.contention) {
      if (this.wasm) this.wasm.route(batch, this.timing, sums);
      else routeContended(batch, this.timing, sums);
    } else routeUncontended(batch, this.timing, sums, noc.stepLinkPackets);
    const ew = sums[HOPS_X]! - sums[CL_X]!;
    const ns = sums[HOPS_Y]! - sums[CL_Y]!;
    const cl = sums[CL_X]! + sums[CL_Y]!;
    stepEv[AXON_IN]! += n;
    stepEv[MEM]! += n;
    stepEv[HOP_EW]! += ew;
    stepEv[HOP_NS]! += ns;
    stepEv[CHIP_LINK]! += cl;
    tally.hops += ew + ns;
    tally.chipLinkCrossings += cl;
    this.stepHops += ew + ns;
  }

  /** The unicast packet counts per pair into the per-core and per-link tallies, then cleared. */
  flush(tally: ChipTally): void {
    const { pairCount, touched, noc } = this;
    const { pathOff, pathLen, pathLinks, linkPackets } = noc;
    const ev = tally.events;
    for (let q = 0; q < this.sums[N_TOUCHED]!; q++) {
      const key = touched[q]!;
      const n = pairCount[key]!;
      pairCount[key] = 0;
      const a = noc.pairSrc[key]!;
      const b = noc.pairDst[key]!;
      const e = n * noc.pathEW[key]!;
      const s = n * noc.pathNS[key]!;
      tally.packetsOut[a]! += n;
      tally.packetsIn[b]! += n;
      ev[b * K + AXON_IN]! += n;
      ev[b * K + MEM]! += n;
      ev[a * K + HOP_EW]! += e;
      ev[a * K + HOP_NS]! += s;
      ev[a * K + CHIP_LINK]! += n * noc.pathCL[key]!;
      for (let h = pathOff[key]!, end = h + pathLen[key]!; h < end; h++)
        linkPackets[linkOfEntry(pathLinks[h]!)]! += n;
    }
    this.sums[N_TOUCHED] = 0;
  }

  /** Forgets the counts not yet flushed (the tallies are being reset). */
  reset(): void {
    for (let q = 0; q < this.sums[N_TOUCHED]!; q++) this.pairCount[this.touched[q]!] = 0;
    this.sums[N_TOUCHED] = 0;
  }

  /** One packet per event reaching all its destination rows; links it already crossed are free. */
  private routeMulticast(n: number, tally: ChipTally, stepEv: Float64Array): void {
    const { time, pair: rows, order, row, entry } = this.pending;
    const { noc, axonIn, base, dest, srcSlot } = this;
    const arrival = this.writing ? this.arrivals.current : undefined;
    const ev = tally.events;
    let hopsEW = 0;
    let hopsNS = 0;
    let crossings = 0;
    for (let x = 0; x < n; x++) {
      const i = order[x]!;
      // the source owning the packet's neuron (numbered over every source), then that neuron's rows: its
      // slot sent the packet
      const g = row[i]!;
      const src = lastAtMost(base, g, dest.length);
      const d = dest[src]!;
      const n0 = g - base[src]!;
      const k = d.listOf[n0]!;
      const r0 = d.rowStart[k]!;
      const r1 = r0 + rows[i]!;
      const a = srcSlot[src]![n0]!;
      const dSlot = d.slot;
      const rHigh = highFrom(d, k);
      const dAt = highAt(d);
      const inject = time[i]!;
      // this packet's entries: one per destination row, in row order
      const e0 = arrival ? entry[i]! - r0 : 0;
      const id = this.packetId++;
      tally.packetsOut[a]!++;
      let ew = 0;
      let ns = 0;
      let cl = 0;
      for (let r = r0; r < r1; r++) {
        const b = r >= rHigh ? dAt + dSlot[r]! : dSlot[r]!;
        const arr = noc.send(id, a, b, inject) + axonIn;
        ew += noc.lastEW;
        ns += noc.lastNS;
        cl += noc.lastCL;
        if (arrival) arrival[e0 + r] = arr;
        tally.packetsIn[b]!++;
        ev[b * K + AXON_IN]!++;
        ev[b * K + MEM]!++;
        if (arr > this.sums[MAX_DELIVER]!) this.sums[MAX_DELIVER] = arr;
        if (arr - inject > this.sums[MAX_NET]!) this.sums[MAX_NET] = arr - inject;
      }
      ev[a * K + HOP_EW]! += ew;
      ev[a * K + HOP_NS]! += ns;
      ev[a * K + CHIP_LINK]! += cl;
      hopsEW += ew;
      hopsNS += ns;
      crossings += cl;
      stepEv[AXON_IN]! += r1 - r0;
      stepEv[MEM]! += r1 - r0;
    }
    stepEv[HOP_EW]! += hopsEW;
    stepEv[HOP_NS]! += hopsNS;
    stepEv[CHIP_LINK]! += crossings;
    tally.hops += hopsEW + hopsNS;
    tally.chipLinkCrossings += crossings;
    this.stepHops += hopsEW + hopsNS;
  }
}

const NO_ARRIVAL = new Float64Array(0);

/** The last index k < n with xs[k] ≤ v (xs ascending from xs[0] ≤ v): the run [xs[k], xs[k + 1]) holding v. */
function lastAtMost(xs: ArrayLike<number>, v: number, n: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
