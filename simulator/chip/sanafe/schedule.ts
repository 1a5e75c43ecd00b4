// SANA-FE's detailed timing of one step, as its scheduler behaves: each core sends its messages in order, one
// after another (a message leaves `gen` after the previous one: the neuron work and axon-out before it); the
// earliest send is handled first; a message crosses the mesh in max(its hop latencies, a congestion delay from
// the messages in flight along its XY route), waits when the route holds more than (hops + 1) × link buffer
// messages, and is received when its core finished the ones before it (`proc`: axon-in + look-ups). The step
// lasts until the last message is processed (plus the sync, added by the caller).

import type { ConventionNet } from "./net.js";

/**
 * Per core slot, the step's messages in send order, in flat buffers: core c's messages are at
 * `start[c] … start[c] + count[c] − 1`; destination slot (−1: neuron work only), gen and proc (s).
 */
export interface MessageQueues {
  start: Int32Array;
  count: Int32Array;
  dest: Int32Array;
  gen: Float64Array;
  proc: Float64Array;
}

/** A binary min-heap of (time, id) pairs; ties go to the smaller id (deterministic). Grows as needed. */
class MinHeap {
  private t = new Float64Array(64);
  private id = new Int32Array(64);
  size = 0;
  topTime(): number {
    return this.t[0]!;
  }
  push(time: number, id: number): void {
    if (this.size === this.t.length) {
      const t2 = new Float64Array(this.size * 2);
      t2.set(this.t);
      this.t = t2;
      const id2 = new Int32Array(this.size * 2);
      id2.set(this.id);
      this.id = id2;
    }
    const t = this.t;
    const ids = this.id;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p]! < time || (t[p] === time && ids[p]! < id)) break;
      t[i] = t[p]!;
      ids[i] = ids[p]!;
      i = p;
    }
    t[i] = time;
    ids[i] = id;
  }
  pop(): number {
    const t = this.t;
    const ids = this.id;
    const top = ids[0]!;
    const n = --this.size;
    const lt = t[n]!;
    const lid = ids[n]!;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (t[c + 1]! < t[c]! || (t[c + 1] === t[c] && ids[c + 1]! < ids[c]!))) c++;
        if (t[c]! > lt || (t[c] === lt && ids[c]! > lid)) break;
        t[i] = t[c]!;
        ids[i] = ids[c]!;
        i = c;
      }
      t[i] = lt;
      ids[i] = lid;
    }
    return top;
  }
}

const NORTH = 0;
const EAST = 1;
const SOUTH = 2;
const WEST = 3;
const DIRECTIONS = 4;

/** The router links an XY route occupies (SANA-FE's link numbering: 4 directions + one per core of a tile). */
function routeLinks(net: ConventionNet, src: number, dst: number, out: number[]): void {
  const a = net.cores[src]!;
  const b = net.cores[dst]!;
  const per = net.coresPerTile + DIRECTIONS;
  const idx = (x: number, y: number, link: number) => (x * net.gridHeight + y) * per + link;
  const own = DIRECTIONS + a.offset;
  const xi = a.x < b.x ? 1 : -1;
  const yi = a.y < b.y ? 1 : -1;
  let prev = own;
  for (let x = a.x; x !== b.x; x += xi) {
    const dir = xi > 0 ? EAST : WEST;
    out.push(idx(x, a.y, x === a.x ? own : dir));
    prev = dir;
  }
  for (let y = a.y; y !== b.y; y += yi) {
    const dir = yi > 0 ? NORTH : SOUTH;
    out.push(idx(b.x, y, a.x === b.x && y === a.y ? own : prev));
    prev = dir;
  }
  out.push(idx(b.x, b.y, a.x === b.x && a.y === b.y ? own : prev));
}

/**
 * The detailed scheduler of one network: the route, hop count and minimum hop latency of every (source core,
 * destination core) pair computed once, and every per-step buffer kept between steps, so a step allocates
 * nothing once the buffers have grown to the busiest step.
 */
export class DetailedScheduler {
  private readonly cores: number;
  /** Per pair (src × cores + dst): its links (CSR over `links`), hops and hop-latency floor. */
  private readonly routeStart: Int32Array;
  private readonly links: Int32Array;
  private readonly hops: Int32Array;
  private readonly minHop: Float64Array;
  private readonly density: Float64Array;
  private readonly finished: Float64Array;
  private readonly next: Int32Array;
  private readonly sent: Float64Array;
  private readonly ready = new MinHeap();
  private readonly inFlight = new MinHeap();
  /** Per message in flight: its pair, the density it added per link, its proc time. */
  private flightPair = new Int32Array(1024);
  private flightAdjust = new Float64Array(1024);
  private flightProc = new Float64Array(1024);

  constructor(private readonly net: ConventionNet) {
    const cores = net.cores.length;
    this.cores = cores;
    this.routeStart = new Int32Array(cores * cores + 1);
    this.hops = new Int32Array(cores * cores);
    this.minHop = new Float64Array(cores * cores);
    const all: number[] = [];
    for (let c = 0; c < cores; c++)
      for (let d = 0; d < cores; d++) {
        const p = c * cores + d;
        const a = net.cores[c]!;
        const b = net.cores[d]!;
        const dx = Math.abs(a.x - b.x);
        const dy = Math.abs(a.y - b.y);
        this.hops[p] = dx + dy;
        this.minHop[p] =
          dx * (a.x < b.x ? net.hopEast : net.hopWest).l + dy * (a.y < b.y ? net.hopNorth : net.hopSouth).l;
        routeLinks(net, c, d, all);
        this.routeStart[p + 1] = all.length;
      }
    this.links = Int32Array.from(all);
    this.density = new Float64Array(net.gridWidth * net.gridHeight * (net.coresPerTile + DIRECTIONS));
    this.finished = new Float64Array(cores);
    this.next = new Int32Array(cores);
    this.sent = new Float64Array(cores);
  }

  private growFlights(): void {
    const n = this.flightPair.length * 2;
    const pair = new Int32Array(n);
    pair.set(this.flightPair);
    this.flightPair = pair;
    const adjust = new Float64Array(n);
    adjust.set(this.flightAdjust);
    this.flightAdjust = adjust;
    const proc = new Float64Array(n);
    proc.set(this.flightProc);
    this.flightProc = proc;
  }

  /** The scheduled length of one step (s), without the sync. */
  schedule(q: MessageQueues): number {
    const cores = this.cores;
    const { density, finished, next, sent, ready, inFlight, routeStart, links, hops: hopsOf } = this;
    const linkBuffer = this.net.linkBuffer;
    density.fill(0);
    finished.fill(0);
    next.fill(0);
    sent.fill(0);
    ready.size = 0;
    inFlight.size = 0;
    let flights = 0;
    let meanProc = 0;
    let inNoc = 0;
    let last = 0;
    for (let c = 0; c < cores; c++)
      if (q.count[c]! > 0) {
        sent[c] = q.gen[q.start[c]!]!;
        ready.push(sent[c]!, c);
      }
    while (ready.size) {
      const c = ready.pop();
      const m = next[c]!;
      const at = q.start[c]! + m;
      let t = sent[c]!;
      if (t > last) last = t;
      // messages received by now leave the network
      while (inFlight.size && inFlight.topTime() <= t) {
        const f = inFlight.pop();
        const p = this.flightPair[f]!;
        const adjust = this.flightAdjust[f]!;
        for (let r = routeStart[p]!; r < routeStart[p + 1]!; r++) density[links[r]!]! -= adjust;
        if (inNoc > 1) meanProc += (meanProc - this.flightProc[f]!) / (inNoc - 1);
        else meanProc = 0;
        inNoc--;
      }
      const d = q.dest[at]!;
      if (d >= 0) {
        const p = c * cores + d;
        const hops = hopsOf[p]!;
        const minHop = this.minHop[p]!;
        let along = 0;
        for (let r = routeStart[p]!; r < routeStart[p + 1]!; r++) along += density[links[r]!]!;
        const capacity = (hops + 1) * linkBuffer;
        if (along > capacity) t += (along - capacity) * meanProc;
        const congestion = (along * meanProc) / (hops + 1);
        const earliest = t + Math.max(minHop, congestion);
        const proc = q.proc[at]!;
        const received = Math.max(finished[d]!, earliest);
        finished[d] = Math.max(finished[d]! + proc, earliest + proc);
        if (finished[d]! > last) last = finished[d]!;
        const adjust = 1 / (2 + hops);
        for (let r = routeStart[p]!; r < routeStart[p + 1]!; r++) density[links[r]!]! += adjust;
        meanProc += (proc - meanProc) / (inNoc + 1);
        inNoc++;
        if (flights === this.flightPair.length) this.growFlights();
        this.flightPair[flights] = p;
        this.flightAdjust[flights] = adjust;
        this.flightProc[flights] = proc;
        inFlight.push(received, flights++);
      }
      if (m + 1 < q.count[c]!) {
        next[c] = m + 1;
        sent[c] = t + q.gen[at + 1]!;
        if (sent[c]! > last) last = sent[c]!;
        ready.push(sent[c]!, c);
      }
    }
    return last;
  }
}
