// SANA-FE's detailed timing of one step, as its scheduler behaves: each core sends its messages in order, one
// after another (a message leaves `gen` after the previous one: the neuron work and axon-out before it); the
// earliest send is handled first; a message crosses the mesh in max(its hop latencies, a congestion delay from
// the messages in flight along its XY route), waits when the route holds more than (hops + 1) × link buffer
// messages, and is received when its core finished the ones before it (`proc`: axon-in + look-ups). The step
// lasts until the last message is processed (plus the sync, added by the caller).

import type { MessageQueues, QueueBatch, ScheduleGeometry } from "./schedule-queues.js";

export {
  type MessageQueues,
  type QueueBatch,
  type ScheduleGeometry,
  scheduleGeometry,
} from "./schedule-queues.js";

/**
 * A binary min-heap of (time, tie) keys, each carrying a value; ties go to the smaller tie (deterministic, keys
 * are unique). `replaceTop` re-keys the minimum in one sift instead of a pop and a push. Grows as needed. Every
 * time past the last entry is +∞, so a sift picks the smaller child without testing that a second child exists,
 * and picks it by arithmetic on the comparisons (no branch to mispredict on times that differ at random).
 */
export class KeyHeap {
  private t = new Float64Array(64).fill(Number.POSITIVE_INFINITY);
  private tie = new Int32Array(64);
  private val = new Int32Array(64);
  size = 0;
  topTime(): number {
    return this.t[0]!;
  }
  topValue(): number {
    return this.val[0]!;
  }
  /** Empties the heap. */
  clear(): void {
    this.t.fill(Number.POSITIVE_INFINITY, 0, this.size);
    this.size = 0;
  }
  push(time: number, tie: number, value: number): void {
    // room for the entry and the +∞ after it
    if (this.size + 1 >= this.t.length) this.grow();
    const { t, tie: ties, val } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p]! < time || (t[p] === time && ties[p]! < tie)) break;
      t[i] = t[p]!;
      ties[i] = ties[p]!;
      val[i] = val[p]!;
      i = p;
    }
    t[i] = time;
    ties[i] = tie;
    val[i] = value;
  }
  /** Removes the minimum. */
  pop(): void {
    const n = --this.size;
    const t = this.t;
    const time = t[n]!;
    t[n] = Number.POSITIVE_INFINITY;
    if (n > 0) this.siftDown(time, this.tie[n]!, this.val[n]!, n);
  }
  /** Gives the minimum a new key (its value unchanged). */
  replaceTop(time: number, tie: number): void {
    this.siftDown(time, tie, this.val[0]!, this.size);
  }
  private siftDown(time: number, tie: number, value: number, n: number): void {
    const { t, tie: ties, val } = this;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const left = t[c]!;
      const right = t[c + 1]!; // +∞ when c + 1 = n
      c += +(right < left) | (+(right === left) & +(ties[c + 1]! < ties[c]!));
      const x = t[c]!;
      if (x > time || (x === time && ties[c]! > tie)) break;
      t[i] = x;
      ties[i] = ties[c]!;
      val[i] = val[c]!;
      i = c;
    }
    t[i] = time;
    ties[i] = tie;
    val[i] = value;
  }
  private grow(): void {
    const n = this.t.length * 2;
    const t = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    t.set(this.t.subarray(0, this.size));
    this.t = t;
    const tie = new Int32Array(n);
    tie.set(this.tie);
    this.tie = tie;
    const val = new Int32Array(n);
    val.set(this.val);
    this.val = val;
  }
}

/** The router links an XY route occupies (SANA-FE's link numbering: 4 directions + one per core of a tile). */
export function routeLinks(net: ScheduleGeometry, src: number, dst: number, out: number[]): void {
  // kept inside the function: the worker thread's source is this module's functions as text
  const NORTH = 0;
  const EAST = 1;
  const SOUTH = 2;
  const WEST = 3;
  const DIRECTIONS = 4;
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
 * nothing once the buffers have grown to the busiest step. A destination core receives its messages in the
 * order they were sent (each waits for the one before: received times never decrease), so the messages in
 * flight are one FIFO per destination core and only the cores' first messages are kept in a heap — the same
 * order as one heap of every message (earliest received first, ties to the earlier sent) at a fraction of it.
 */
export class DetailedScheduler {
  private readonly cores: number;
  /** Per pair (src × cores + dst): its links (CSR over `links`), hops and hop-latency floor (read by the
   * WebAssembly scheduler too, schedule-wasm.ts). */
  readonly routeStart: Int32Array;
  readonly links: Int32Array;
  readonly hops: Int32Array;
  readonly minHop: Float64Array;
  /** Per pair, the density a message adds to each link of its route: 1 / (2 + hops). */
  readonly adjustOf: Float64Array;
  readonly density: Float64Array;
  private readonly finished: Float64Array;
  private readonly next: Int32Array;
  /** Cores by the time their next message leaves (tie: core slot). */
  private readonly ready = new KeyHeap();
  /** Destination cores by the received time of their first message in flight (tie: its flight number). */
  private readonly arriving = new KeyHeap();
  /** Per destination core, its first and last message in flight (−1: none). */
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  /** Per message in flight: its pair, the density it added per link, its proc and received times, the next
   * message in flight to the same core. */
  private flightPair = new Int32Array(1024);
  private flightAdjust = new Float64Array(1024);
  private flightProc = new Float64Array(1024);
  private flightReceived = new Float64Array(1024);
  private flightNext = new Int32Array(1024);

  constructor(readonly net: ScheduleGeometry) {
    const cores = net.cores.length;
    this.cores = cores;
    this.routeStart = new Int32Array(cores * cores + 1);
    this.hops = new Int32Array(cores * cores);
    this.minHop = new Float64Array(cores * cores);
    this.adjustOf = new Float64Array(cores * cores);
    const all: number[] = [];
    for (let c = 0; c < cores; c++)
      for (let d = 0; d < cores; d++) {
        const p = c * cores + d;
        const a = net.cores[c]!;
        const b = net.cores[d]!;
        const dx = Math.abs(a.x - b.x);
        const dy = Math.abs(a.y - b.y);
        this.hops[p] = dx + dy;
        this.adjustOf[p] = 1 / (2 + dx + dy);
        this.minHop[p] =
          dx * (a.x < b.x ? net.hopEast : net.hopWest).l + dy * (a.y < b.y ? net.hopNorth : net.hopSouth).l;
        routeLinks(net, c, d, all);
        this.routeStart[p + 1] = all.length;
      }
    this.links = Int32Array.from(all);
    // per router: 4 directions + one link per core of the tile
    this.density = new Float64Array(net.gridWidth * net.gridHeight * (net.coresPerTile + 4));
    this.finished = new Float64Array(cores);
    this.next = new Int32Array(cores);
    this.head = new Int32Array(cores);
    this.tail = new Int32Array(cores);
  }

  private growFlights(): void {
    const n = this.flightPair.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.flightPair = grow(this.flightPair, new Int32Array(n));
    this.flightAdjust = grow(this.flightAdjust, new Float64Array(n));
    this.flightProc = grow(this.flightProc, new Float64Array(n));
    this.flightReceived = grow(this.flightReceived, new Float64Array(n));
    this.flightNext = grow(this.flightNext, new Int32Array(n));
  }

  /** Schedules every step of `b` in order, writing step first + s's time (s, without the sync) to `times`. */
  scheduleBatch(b: QueueBatch, times: Float64Array<ArrayBufferLike>): void {
    const cores = this.cores;
    const q: MessageQueues = {
      start: new Int32Array(cores),
      count: b.counts,
      dest: b.dest,
      gen: b.gen,
      proc: b.proc,
    };
    let at = 0;
    for (let s = 0; s < b.steps; s++) {
      q.count = b.counts.subarray(s * cores, (s + 1) * cores);
      for (let c = 0; c < cores; c++) {
        q.start[c] = at;
        at += q.count[c]!;
      }
      times[b.first + s] = this.schedule(q);
    }
  }

  /** The scheduled length of one step (s), without the sync. */
  schedule(q: MessageQueues): number {
    const cores = this.cores;
    const { density, finished, next, ready, arriving, head, tail, routeStart, links, hops: hopsOf } = this;
    const { minHop, adjustOf } = this;
    const linkBuffer = this.net.linkBuffer;
    const { start: qStart, count: qCount, dest: qDest, gen: qGen, proc: qProc } = q;
    density.fill(0);
    finished.fill(0);
    next.fill(0);
    head.fill(-1);
    ready.clear();
    arriving.clear();
    let { flightPair, flightAdjust, flightProc, flightReceived, flightNext } = this;
    let flights = 0;
    let meanProc = 0;
    let inNoc = 0;
    let last = 0;
    for (let c = 0; c < cores; c++) if (qCount[c]! > 0) ready.push(qGen[qStart[c]!]!, c, c);
    while (ready.size) {
      const c = ready.topValue();
      const m = next[c]!;
      const at = qStart[c]! + m;
      let t = ready.topTime();
      if (t > last) last = t;
      // messages received by now leave the network
      while (arriving.size && arriving.topTime() <= t) {
        const d = arriving.topValue();
        const f = head[d]!;
        const p = flightPair[f]!;
        const adjust = flightAdjust[f]!;
        const routeEnd = routeStart[p + 1]!;
        for (let r = routeStart[p]!; r < routeEnd; r++) density[links[r]!]! -= adjust;
        if (inNoc > 1) meanProc += (meanProc - flightProc[f]!) / (inNoc - 1);
        else meanProc = 0;
        inNoc--;
        const after = flightNext[f]!;
        head[d] = after;
        if (after < 0) arriving.pop();
        else arriving.replaceTop(flightReceived[after]!, after);
      }
      const d = qDest[at]!;
      if (d >= 0) {
        const p = c * cores + d;
        const hops = hopsOf[p]!;
        // the density along the route before this message, and this message added to it, in one walk
        let along = 0;
        const adjust = adjustOf[p]!;
        const routeEnd = routeStart[p + 1]!;
        for (let r = routeStart[p]!; r < routeEnd; r++) {
          const link = links[r]!;
          const x = density[link]!;
          along += x;
          density[link] = x + adjust;
        }
        const capacity = (hops + 1) * linkBuffer;
        if (along > capacity) t += (along - capacity) * meanProc;
        const congestion = (along * meanProc) / (hops + 1);
        const earliest = t + Math.max(minHop[p]!, congestion);
        const proc = qProc[at]!;
        const received = Math.max(finished[d]!, earliest);
        // = max(finished + proc, earliest + proc), exactly: adding proc rounds monotonically
        const done = received + proc;
        finished[d] = done;
        if (done > last) last = done;
        meanProc += (proc - meanProc) / (inNoc + 1);
        inNoc++;
        if (flights === flightPair.length) {
          this.growFlights();
          ({ flightPair, flightAdjust, flightProc, flightReceived, flightNext } = this);
        }
        const f = flights++;
        flightPair[f] = p;
        flightAdjust[f] = adjust;
        flightProc[f] = proc;
        flightReceived[f] = received;
        flightNext[f] = -1;
        if (head[d]! < 0) {
          head[d] = f;
          arriving.push(received, f, d);
        } else flightNext[tail[d]!] = f;
        tail[d] = f;
      }
      if (m + 1 < qCount[c]!) {
        next[c] = m + 1;
        const sent = t + qGen[at + 1]!;
        if (sent > last) last = sent;
        ready.replaceTop(sent, c);
      } else ready.pop();
    }
    return last;
  }
}
