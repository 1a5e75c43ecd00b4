// The direct run's steps scheduled in batches, on a worker thread beside the neuron loop where one can start
// (SANA-FE, too, times its messages on a second thread), else on the calling thread: the step loop fills a batch
// of steps' message queues, hands it over and goes on with the next steps; the step times are joined at the end.
// The batches are a ring in shared memory: a hand-over is a counter, nothing is copied or moved.

import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import {
  DetailedScheduler,
  KeyHeap,
  type MessageQueues,
  routeLinks,
  type ScheduleGeometry,
} from "./schedule.js";

/** Several steps' message queues, flat: step s's core c sent `counts[s × cores + c]` messages, cores in slot
 * order, steps one after another in `dest` / `gen` / `proc` (as MessageQueues). */
export interface QueueBatch {
  first: number;
  steps: number;
  counts: Int32Array;
  dest: Int32Array;
  gen: Float64Array;
  proc: Float64Array;
}

/** Steps per batch: small enough that the scheduler starts early, large enough that a hand-over is rare. */
export const BATCH_STEPS = 32;
/** Batches in the ring (each holds the busiest step and then some: a few MB on a large network). */
export const RING = 3;
/** How long the worker may go without finishing a step before the run fails (an internal fault, not a hang). */
const STALL_MS = 60_000;

/** The shared counters (Int32): batches handed over, batches scheduled, a failure flag, a stop request, the
 * next batch to claim (each handed-over batch is scheduled by the thread that claims it: the worker during the
 * run, both threads at its end); then per ring slot its first step and step count. */
const SUBMITTED = 0;
const DONE = 1;
const FAILED = 2;
const STOP = 3;
const CLAIMED = 4;
/** Where ring slot `slot`'s first step is (its step count follows). */
const slotAt = (slot: number) => 5 + 2 * slot;

/** The ring's buffers (shared with the worker), and the views over them. */
interface Ring {
  control: SharedArrayBuffer;
  times: SharedArrayBuffer;
  slots: {
    counts: SharedArrayBuffer;
    dest: SharedArrayBuffer;
    gen: SharedArrayBuffer;
    proc: SharedArrayBuffer;
  }[];
}

function batchesOf(ring: Ring): QueueBatch[] {
  return ring.slots.map((s) => ({
    first: 0,
    steps: 0,
    counts: new Int32Array(s.counts),
    dest: new Int32Array(s.dest),
    gen: new Float64Array(s.gen),
    proc: new Float64Array(s.proc),
  }));
}

/** Schedules every step of `b` in order, writing step first + s's time (s, without the sync) to `times`. */
function scheduleBatch(
  scheduler: DetailedScheduler,
  b: QueueBatch,
  cores: number,
  times: Float64Array<ArrayBufferLike>,
): void {
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
    times[b.first + s] = scheduler.schedule(q);
  }
}

/** The worker thread's side: waits for each batch handed over, schedules it, counts it done. `Scheduler` and
 * `batches` come as arguments: the worker defines them from its source text, where this module's imports do not
 * exist. */
function workerMain(
  geometry: ScheduleGeometry,
  ring: Ring,
  Scheduler: typeof DetailedScheduler,
  batches: (ring: Ring) => QueueBatch[],
): void {
  const control = new Int32Array(ring.control);
  try {
    const scheduler = new Scheduler(geometry);
    const times = new Float64Array(ring.times);
    const slots = batches(ring);
    for (;;) {
      const next = Atomics.load(control, CLAIMED);
      while (Atomics.load(control, SUBMITTED) <= next) {
        if (Atomics.load(control, STOP) !== 0) return;
        Atomics.wait(control, SUBMITTED, next, 1000);
      }
      // the step loop's thread, done with its steps, may have claimed it first
      if (Atomics.compareExchange(control, CLAIMED, next, next + 1) !== next) continue;
      const slot = next % slots.length;
      const b = slots[slot]!;
      b.first = control[slotAt(slot)]!;
      b.steps = control[slotAt(slot) + 1]!;
      scheduleBatch(scheduler, b, geometry.cores.length, times);
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  } catch {
    // the step loop sees the flag and fails the run (an internal fault)
    Atomics.store(control, FAILED, 1);
    Atomics.notify(control, DONE);
  }
}

/**
 * A module's function to run on the worker thread before it schedules (while this thread reads the network): its
 * module as a file URL, its name and arguments; its result comes back by structured clone.
 */
export interface WorkerCall {
  module: string;
  name: string;
  args: unknown[];
}

/** The worker's side of a WorkerCall: imports the module, calls the function, posts `{ value }` (or `{ failed }`)
 * on `port`, then raises `flag` for the thread that waits on it. `importModule` comes as an argument: it is
 * written in the worker's source text, which no build or test transform rewrites. */
async function workerCall(
  m: { call: WorkerCall; port: MessagePort; flag: Int32Array },
  importModule: (url: string) => Promise<Record<string, (...args: unknown[]) => unknown>>,
): Promise<void> {
  let reply: { value?: unknown; failed?: true };
  try {
    const mod = await importModule(m.call.module);
    reply = { value: await mod[m.call.name]!(...m.call.args) };
  } catch {
    reply = { failed: true };
  }
  try {
    m.port.postMessage(reply);
  } catch {
    m.port.postMessage({ failed: true }); // a value that does not clone
  }
  Atomics.store(m.flag, 0, 1);
  Atomics.notify(m.flag, 0);
}

/** The worker's source: this module's scheduler (and what it uses) as text, so it runs from the TypeScript
 * sources under test and from the built files alike, with nothing to resolve. */
const workerSource = () => `"use strict";
const { parentPort } = require("node:worker_threads");
const SUBMITTED = ${SUBMITTED}, DONE = ${DONE}, FAILED = ${FAILED}, STOP = ${STOP}, CLAIMED = ${CLAIMED};
const slotAt = ${slotAt};
${KeyHeap}
${routeLinks}
${DetailedScheduler}
${scheduleBatch}
${batchesOf}
${workerMain}
${workerCall}
parentPort.on("message", (m) =>
  m.call ? workerCall(m, (url) => import(url)) : workerMain(m.geometry, m.ring, DetailedScheduler, batchesOf),
);
`;

/**
 * Takes batches and gives every step's scheduled time once all are in. Made before the network is read (a worker
 * thread takes a while to start: it starts while the file is parsed), then `begin` gives it the network; `take`
 * gives the next empty batch; `submit` hands a filled one over. When the worker lags (every ring slot still
 * waiting), the step loop gets a batch of its own and schedules it itself: the two threads share the work.
 */
export class BatchScheduler {
  private cores = 0;
  private readonly worker?: Worker;
  private geometry?: ScheduleGeometry;
  private capacity = 0;
  /** This thread's own scheduler and batch, made the first time it needs them (with a worker that keeps up:
   * never). */
  private scheduler?: DetailedScheduler;
  private control: Int32Array<ArrayBufferLike> = new Int32Array(slotAt(1));
  private times: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private ring: QueueBatch[] = [];
  /** The batch this thread schedules itself (all of them without a worker). */
  private own?: QueueBatch;
  private handed = 0;
  /** Handed-over batches this thread claimed and scheduled itself when the steps were done. */
  claimedAtEnd = 0;
  /** Where the result of the constructor's `call` arrives, and the flag raised when it has. */
  private callPort?: MessagePort;
  private callFlag?: Int32Array;

  /** With `threaded`, on a worker thread if one starts (else on this thread); `call` runs there first
   * (`callResult`). */
  constructor(threaded = true, call?: WorkerCall) {
    if (!threaded) return;
    try {
      this.worker = new Worker(workerSource(), { eval: true });
      this.worker.unref();
      // a failure reaches the step loop through the shared flag (or the stall limit), not as an event
      this.worker.on("error", () => {});
    } catch {
      // no worker thread here: schedule on this one
      return;
    }
    if (call) {
      const { port1, port2 } = new MessageChannel();
      this.callPort = port1;
      this.callFlag = new Int32Array(new SharedArrayBuffer(4));
      this.worker.postMessage({ call, port: port2, flag: this.callFlag }, [port2]);
    }
  }

  /**
   * The result of the constructor's `call`, once the worker has it (this thread waits); undefined when there was
   * no call or worker, the call threw, its value does not clone, or it took longer than the stall limit — then
   * the caller does the work itself (and meets any error itself).
   */
  callResult(): { value: unknown } | undefined {
    const port = this.callPort;
    const flag = this.callFlag;
    if (!port || !flag) return undefined;
    this.callPort = undefined;
    Atomics.wait(flag, 0, 0, STALL_MS);
    const reply = receiveMessageOnPort(port)?.message as { value?: unknown; failed?: true } | undefined;
    port.close();
    return reply && !reply.failed ? { value: reply.value } : undefined;
  }

  /** The network to schedule, its step count and the messages a batch must hold (the busiest step's and more). */
  begin(geometry: ScheduleGeometry, steps: number, capacity: number): void {
    this.cores = geometry.cores.length;
    const shared = (bytes: number) => new SharedArrayBuffer(bytes);
    const slot = () => ({
      counts: shared(4 * BATCH_STEPS * this.cores),
      dest: shared(4 * capacity),
      gen: shared(8 * capacity),
      proc: shared(8 * capacity),
    });
    const ring: Ring = {
      control: shared(4 * slotAt(RING)),
      times: shared(8 * Math.max(1, steps)),
      slots: Array.from({ length: this.worker ? RING : 0 }, slot),
    };
    this.control = new Int32Array(ring.control);
    this.times = new Float64Array(ring.times);
    this.ring = batchesOf(ring);
    this.geometry = geometry;
    this.capacity = capacity;
    this.worker?.postMessage({ geometry, ring });
  }

  /** Ends the worker without waiting for it (a run that stops early, or never begins). */
  close(): void {
    this.callPort?.close();
    this.callPort = undefined;
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, SUBMITTED);
    void this.worker?.terminate();
  }

  /** The next batch (empty), starting at step `first`: the next ring slot once the worker is done with it, else
   * this thread's own. */
  take(first: number): QueueBatch {
    const n = this.handed;
    const free = this.ring.length > 0 && Atomics.load(this.control, DONE) > n - this.ring.length;
    const b = free ? this.ring[n % this.ring.length]! : this.ownBatch();
    b.first = first;
    b.steps = 0;
    return b;
  }

  private ownBatch(): QueueBatch {
    if (!this.own) {
      const shared = (bytes: number) => new SharedArrayBuffer(bytes);
      this.own = batchesOf({
        control: shared(0),
        times: shared(0),
        slots: [
          {
            counts: shared(4 * BATCH_STEPS * this.cores),
            dest: shared(4 * this.capacity),
            gen: shared(8 * this.capacity),
            proc: shared(8 * this.capacity),
          },
        ],
      })[0];
    }
    return this.own!;
  }

  private ownScheduler(): DetailedScheduler {
    this.scheduler ??= new DetailedScheduler(this.geometry!);
    return this.scheduler;
  }

  submit(b: QueueBatch): void {
    if (b === this.own) {
      scheduleBatch(this.ownScheduler(), b, this.cores, this.times);
      return;
    }
    const n = this.handed++;
    const at = slotAt(n % this.ring.length);
    this.control[at] = b.first;
    this.control[at + 1] = b.steps;
    Atomics.store(this.control, SUBMITTED, n + 1);
    Atomics.notify(this.control, SUBMITTED);
  }

  /** Schedules handed-over batches the worker has not claimed yet, with it (the steps are all sent), then waits
   * for every step's time (s, without the sync) and ends the worker. */
  finish(): Float64Array<ArrayBufferLike> {
    const control = this.control;
    for (;;) {
      const next = Atomics.load(control, CLAIMED);
      if (next >= this.handed) break;
      if (Atomics.compareExchange(control, CLAIMED, next, next + 1) !== next) continue;
      const slot = next % this.ring.length;
      const b = this.ring[slot]!;
      b.first = control[slotAt(slot)]!;
      b.steps = control[slotAt(slot) + 1]!;
      scheduleBatch(this.ownScheduler(), b, this.cores, this.times);
      this.claimedAtEnd++;
      Atomics.add(control, DONE, 1);
    }
    let done = Atomics.load(this.control, DONE);
    let since = Date.now();
    while (done < this.handed) {
      if (Atomics.load(this.control, FAILED) !== 0) {
        this.close();
        throw new Error("the scheduling thread failed");
      }
      Atomics.wait(this.control, DONE, done, 1000);
      const now = Atomics.load(this.control, DONE);
      if (now !== done) since = Date.now();
      else if (Date.now() - since > STALL_MS) {
        this.close();
        throw new Error(`the scheduling thread stopped (no batch scheduled in ${STALL_MS / 1000} s)`);
      }
      done = now;
    }
    this.close();
    return this.times;
  }
}
