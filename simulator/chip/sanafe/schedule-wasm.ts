// SANA-FE's detailed timing in WebAssembly (schedule-module.ts): a DetailedScheduler's per-pair tables copied
// once into the module's memory, then per batch its message queues copied in and one call per step. Every time
// is bit for bit the JS scheduler's (schedule-wasm.test.ts compares them). Self-contained on purpose: the
// scheduling worker defines this class from its source text (schedule-worker.ts), where no import exists — the
// row layout is plain data written into that text, the compiled module and the WebAssembly API come as
// arguments.

import type { DetailedScheduler, QueueBatch } from "./schedule.js";

type ScheduleFn = (...args: number[]) => number;

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface ScheduleApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** Per (source, destination) pair: its hop-latency floor and density step (f64), its links' range in the links
 * array and its hop count (i32). Per message in flight: its density step, proc and received times (f64), its
 * pair and the next message in flight to its destination (i32). Plain data: the worker's source has it as
 * JSON. */
export const SCHEDULE_ROWS = {
  PAIR_BYTES: 32,
  PAIR_MIN_HOP: 0,
  PAIR_ADJUST: 8,
  PAIR_ROUTE: 16,
  PAIR_HOPS: 24,
  FLIGHT_BYTES: 32,
};

export class WasmScheduler {
  private readonly run: ScheduleFn;
  /** The schedule function's arguments from the queue's dest address on (see schedule-module.ts). */
  private readonly args: number[];
  private readonly counts: Int32Array<ArrayBuffer>;
  private readonly dest: Int32Array<ArrayBuffer>;
  private readonly gen: Float64Array<ArrayBuffer>;
  private readonly proc: Float64Array<ArrayBuffer>;
  private readonly cores: number;
  private readonly countsAt: number;
  private readonly linkBuffer: number;

  /**
   * `tables`: the JS scheduler of the same network (its routes, hops, floors and density steps); `capacity`:
   * the most queue entries a batch holds, `batchSteps` the most steps; `module`: schedule-module.ts compiled.
   */
  constructor(
    tables: DetailedScheduler,
    capacity: number,
    batchSteps: number,
    module: object,
    api: ScheduleApi,
  ) {
    const P = SCHEDULE_ROWS;
    const cores = tables.net.cores.length;
    this.cores = cores;
    this.linkBuffer = tables.net.linkBuffer;
    const nLinks = tables.density.length;
    const heap = cores + 2;
    let next = 0;
    const take = (bytes: number) => {
      const at = next;
      next += Math.ceil(bytes / 8) * 8;
      return at;
    };
    const a = {
      pairs: take(P.PAIR_BYTES * cores * cores),
      flights: take(P.FLIGHT_BYTES * capacity),
      gen: take(8 * capacity),
      proc: take(8 * capacity),
      density: take(8 * nLinks),
      finished: take(8 * cores),
      readyT: take(8 * heap),
      arrivingT: take(8 * heap),
      dest: take(4 * capacity),
      counts: take(4 * batchSteps * cores),
      start: take(4 * cores),
      next: take(4 * cores),
      head: take(4 * cores),
      tail: take(4 * cores),
      readyTie: take(4 * heap),
      readyVal: take(4 * heap),
      arrivingTie: take(4 * heap),
      arrivingVal: take(4 * heap),
      links: take(4 * tables.links.length),
    };
    const memory = new api.Memory({ initial: Math.ceil((next + 8) / 65536) });
    const buffer = memory.buffer;
    const pairsF = new Float64Array(buffer, a.pairs, (P.PAIR_BYTES / 8) * cores * cores);
    const pairsI = new Int32Array(buffer, a.pairs, (P.PAIR_BYTES / 4) * cores * cores);
    for (let p = 0; p < cores * cores; p++) {
      pairsF[(p * P.PAIR_BYTES + P.PAIR_MIN_HOP) / 8] = tables.minHop[p]!;
      pairsF[(p * P.PAIR_BYTES + P.PAIR_ADJUST) / 8] = tables.adjustOf[p]!;
      pairsI[(p * P.PAIR_BYTES + P.PAIR_ROUTE) / 4] = tables.routeStart[p]!;
      pairsI[(p * P.PAIR_BYTES + P.PAIR_ROUTE) / 4 + 1] = tables.routeStart[p + 1]!;
      pairsI[(p * P.PAIR_BYTES + P.PAIR_HOPS) / 4] = tables.hops[p]!;
    }
    new Int32Array(buffer, a.links, tables.links.length).set(tables.links);
    this.counts = new Int32Array(buffer, a.counts, batchSteps * cores);
    this.dest = new Int32Array(buffer, a.dest, capacity);
    this.gen = new Float64Array(buffer, a.gen, capacity);
    this.proc = new Float64Array(buffer, a.proc, capacity);
    this.countsAt = a.counts;
    const { exports } = new api.Instance(module, { m: { memory } });
    this.run = exports.schedule as ScheduleFn;
    this.args = [
      ...[a.dest, a.gen, a.proc, a.start, a.next, a.head, a.tail, a.finished, a.density, nLinks],
      ...[
        a.pairs,
        a.links,
        a.flights,
        a.readyT,
        a.readyTie,
        a.readyVal,
        a.arrivingT,
        a.arrivingTie,
        a.arrivingVal,
      ],
    ];
  }

  /** Schedules every step of `b` in order, writing step first + s's time (s, without the sync) to `times`. */
  scheduleBatch(b: QueueBatch, times: Float64Array<ArrayBufferLike>): void {
    const cores = this.cores;
    let entries = 0;
    const counts = b.counts.subarray(0, b.steps * cores);
    for (const n of counts) entries += n;
    this.counts.set(counts);
    this.dest.set(b.dest.subarray(0, entries));
    this.gen.set(b.gen.subarray(0, entries));
    this.proc.set(b.proc.subarray(0, entries));
    const { run, args, linkBuffer } = this;
    let base = 0;
    for (let s = 0; s < b.steps; s++) {
      times[b.first + s] = run(cores, this.countsAt + 4 * s * cores, base, ...args, linkBuffer);
      for (let c = 0; c < cores; c++) base += counts[s * cores + c]!;
    }
  }
}
