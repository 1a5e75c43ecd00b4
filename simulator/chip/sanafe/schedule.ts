// SANA-FE's detailed timing of one step, as its scheduler behaves: each core sends its messages in order, one
// after another (a message leaves `gen` after the previous one: the neuron work and axon-out before it); the
// earliest send is handled first; a message crosses the mesh in max(its hop latencies, a congestion delay from
// the messages in flight along its XY route), waits when the route holds more than (hops + 1) × link buffer
// messages, and is received when its core finished the ones before it (`proc`: axon-in + look-ups). The step
// lasts until the last message is processed (plus the sync, added by the caller).

import type { ConventionNet } from "./net.js";

/** Per core slot, the step's messages in send order: destination slot (−1: neuron work only), gen and proc (s). */
export interface MessageQueues {
  byCore: { dest: number[]; gen: number[]; proc: number[] }[];
}

/** A binary min-heap of (time, id) pairs; ties go to the smaller id (deterministic). */
class MinHeap {
  private t: number[] = [];
  private id: number[] = [];
  get size(): number {
    return this.t.length;
  }
  topTime(): number {
    return this.t[0]!;
  }
  push(time: number, id: number): void {
    const t = this.t;
    const ids = this.id;
    let i = t.length;
    t.push(time);
    ids.push(id);
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
    const lt = t.pop()!;
    const lid = ids.pop()!;
    const n = t.length;
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
  out.length = 0;
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

/** The scheduled length of one step (s), without the sync. */
export function scheduleDetailed(net: ConventionNet, q: MessageQueues): number {
  const cores = q.byCore.length;
  const links = net.gridWidth * net.gridHeight * (net.coresPerTile + DIRECTIONS);
  const density = new Float64Array(links);
  const finished = new Float64Array(cores);
  const next = new Int32Array(cores);
  const sent = new Float64Array(cores);
  const ready = new MinHeap();
  // in flight: received time → message, with what its removal must undo
  const inFlight = new MinHeap();
  const flightLinks: number[][] = [];
  const flightAdjust: number[] = [];
  const flightProc: number[] = [];
  let meanProc = 0;
  let inNoc = 0;
  let last = 0;
  const route: number[] = [];
  for (let c = 0; c < cores; c++)
    if (q.byCore[c]!.dest.length) {
      sent[c] = q.byCore[c]!.gen[0]!;
      ready.push(sent[c]!, c);
    }
  while (ready.size) {
    const c = ready.pop();
    const m = next[c]!;
    const cq = q.byCore[c]!;
    let t = sent[c]!;
    if (t > last) last = t;
    // messages received by now leave the network
    while (inFlight.size && inFlight.topTime() <= t) {
      const f = inFlight.pop();
      for (const l of flightLinks[f]!) density[l]! -= flightAdjust[f]!;
      if (inNoc > 1) meanProc += (meanProc - flightProc[f]!) / (inNoc - 1);
      else meanProc = 0;
      inNoc--;
    }
    const d = cq.dest[m]!;
    if (d >= 0) {
      const a = net.cores[c]!;
      const b = net.cores[d]!;
      const dx = Math.abs(a.x - b.x);
      const dy = Math.abs(a.y - b.y);
      const hops = dx + dy;
      const minHop =
        dx * (a.x < b.x ? net.hopEast : net.hopWest).l + dy * (a.y < b.y ? net.hopNorth : net.hopSouth).l;
      routeLinks(net, c, d, route);
      let along = 0;
      for (const l of route) along += density[l]!;
      const capacity = (hops + 1) * net.linkBuffer;
      if (along > capacity) t += (along - capacity) * meanProc;
      const congestion = (along * meanProc) / (hops + 1);
      const earliest = t + Math.max(minHop, congestion);
      const proc = cq.proc[m]!;
      const received = Math.max(finished[d]!, earliest);
      finished[d] = Math.max(finished[d]! + proc, earliest + proc);
      if (finished[d]! > last) last = finished[d]!;
      const adjust = 1 / (2 + hops);
      for (const l of route) density[l]! += adjust;
      meanProc += (proc - meanProc) / (inNoc + 1);
      inNoc++;
      const f = flightProc.length;
      flightLinks.push(route.slice());
      flightAdjust.push(adjust);
      flightProc.push(proc);
      inFlight.push(received, f);
    }
    if (m + 1 < cq.dest.length) {
      next[c] = m + 1;
      sent[c] = t + cq.gen[m + 1]!;
      if (sent[c]! > last) last = sent[c]!;
      ready.push(sent[c]!, c);
    }
  }
  return last;
}
