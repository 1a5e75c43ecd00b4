// The direct run's steps scheduled in batches, on a worker thread beside the neuron loop where one can start
// (SANA-FE, too, times its messages on a second thread), else on the calling thread: the step loop fills a batch
// of steps' message queues, hands it over and goes on with the next steps; the step times are joined at the end.

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
/** Batches in use at once (each holds the busiest step and then some: a few MB on a large network). */
const MAX_BATCHES = 3;
/** How long the worker may go without finishing a step before the run fails (an internal fault, not a hang). */
const STALL_MS = 60_000;

const emptyBatch = (
  counts: Int32Array,
  dest: Int32Array,
  gen: Float64Array,
  proc: Float64Array,
): QueueBatch => ({
  first: 0,
  steps: 0,
  counts,
  dest,
  gen,
  proc,
});

/** A batch's buffers, moved (not copied) between the threads. */
const transfers = (b: QueueBatch) =>
  [b.dest.buffer, b.gen.buffer, b.proc.buffer, b.counts.buffer] as ArrayBuffer[];

/** Schedules every step of `b` in order, writing step first + s's time (s, without the sync) to `times`. */
function scheduleBatch(
  scheduler: DetailedScheduler,
  b: QueueBatch,
  cores: number,
  times: Float64Array,
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

/** The worker thread's side: the first message gives the network and the shared buffers, each later one a batch
 * to schedule; a scheduled batch goes back for reuse. `Scheduler` comes as an argument: the worker defines it
 * from its source text, where this module's imports do not exist. */
function workerMain(port: MessagePort, Scheduler: typeof DetailedScheduler): void {
  let scheduler: DetailedScheduler | undefined;
  let cores = 0;
  let times: Float64Array<ArrayBufferLike> = new Float64Array(0);
  let progress: Int32Array<ArrayBufferLike> = new Int32Array(2);
  port.on("message", (m: QueueBatch | WorkerStart) => {
    try {
      if ("geometry" in m) {
        progress = new Int32Array(m.progress);
        times = new Float64Array(m.times);
        cores = m.geometry.cores.length;
        scheduler = new Scheduler(m.geometry);
        return;
      }
      scheduleBatch(scheduler!, m, cores, times);
      Atomics.store(progress, 0, m.first + m.steps);
    } catch (e) {
      Atomics.store(progress, 1, 1);
      port.postMessage({ error: String((e as Error)?.stack ?? e) });
    }
    Atomics.notify(progress, 0);
    if (!("geometry" in m)) port.postMessage(m, transfers(m));
  });
}

interface WorkerStart {
  geometry: ScheduleGeometry;
  times: SharedArrayBuffer;
  progress: SharedArrayBuffer;
}

/** The worker's source: this module's scheduler (and what it uses) as text, so it runs from the TypeScript
 * sources under test and from the built files alike, with nothing to resolve. */
const workerSource = () => `"use strict";
const { workerData } = require("node:worker_threads");
${KeyHeap}
${routeLinks}
${DetailedScheduler}
const transfers = ${transfers};
${scheduleBatch}
${workerMain}
workerMain(workerData.port, DetailedScheduler);
`;

/**
 * Takes batches and gives every step's scheduled time once all are in. Made before the network is read (a worker
 * thread takes a while to start: it starts while the file is parsed), then `begin` gives it the network; `take`
 * gives an empty batch with room for `capacity` messages; `submit` hands a filled one over.
 */
export class BatchScheduler {
  private cores = 0;
  private capacity = 0;
  private times: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private progress: Int32Array<ArrayBufferLike> = new Int32Array(2);
  private readonly worker?: Worker;
  private readonly port?: MessagePort;
  private inline?: DetailedScheduler;
  private readonly free: QueueBatch[] = [];
  private allocated = 0;
  private failure?: string;

  /** With `threaded`, on a worker thread if one starts (else on this thread). */
  constructor(threaded = true) {
    if (!threaded) return;
    try {
      const { port1, port2 } = new MessageChannel();
      this.worker = new Worker(workerSource(), {
        eval: true,
        workerData: { port: port2 },
        transferList: [port2],
      });
      this.worker.unref();
      this.port = port1;
    } catch {
      // no worker thread here: schedule on this one
    }
  }

  /** The network to schedule, its step count and the messages a batch must hold (the busiest step's). */
  begin(geometry: ScheduleGeometry, steps: number, capacity: number): void {
    this.cores = geometry.cores.length;
    this.capacity = capacity;
    const times = new SharedArrayBuffer(8 * Math.max(1, steps));
    const progress = new SharedArrayBuffer(8);
    this.times = new Float64Array(times);
    this.progress = new Int32Array(progress);
    if (this.port) this.port.postMessage({ geometry, times, progress } satisfies WorkerStart);
    else this.inline = new DetailedScheduler(geometry);
  }

  /** Ends the worker without waiting for it (a run that stops early, or never begins). */
  close(): void {
    this.port?.close();
    void this.worker?.terminate();
  }

  take(first: number): QueueBatch {
    this.drain();
    // a bounded number of batches: when the scheduler lags, the step loop waits for one to come back
    while (!this.free.length && this.allocated >= MAX_BATCHES) {
      this.check();
      Atomics.wait(this.progress, 0, Atomics.load(this.progress, 0), 5);
      this.drain();
    }
    let b = this.free.pop();
    if (!b) {
      this.allocated++;
      const { cores, capacity } = this;
      b = emptyBatch(
        new Int32Array(BATCH_STEPS * cores),
        new Int32Array(capacity),
        new Float64Array(capacity),
        new Float64Array(capacity),
      );
    }
    b.first = first;
    b.steps = 0;
    return b;
  }

  submit(b: QueueBatch): void {
    if (this.inline) {
      scheduleBatch(this.inline, b, this.cores, this.times);
      this.free.push(b);
    } else this.port!.postMessage(b, transfers(b));
  }

  /** Waits for the first `steps` steps' times (s, without the sync), then ends the worker. */
  finish(steps: number): Float64Array {
    if (this.worker) {
      let done = Atomics.load(this.progress, 0);
      let since = Date.now();
      while (done < steps) {
        this.check();
        Atomics.wait(this.progress, 0, done, 1000);
        const now = Atomics.load(this.progress, 0);
        if (now !== done) since = Date.now();
        else if (Date.now() - since > STALL_MS) {
          this.close();
          throw new Error(`the scheduling thread stopped (no step scheduled in ${STALL_MS / 1000} s)`);
        }
        done = now;
      }
      this.close();
    }
    return this.times;
  }

  /** Takes back the batches the worker is done with. */
  private drain(): void {
    if (!this.port) return;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const got = m.message as QueueBatch | { error: string };
      if ("error" in got) this.failure = got.error;
      // rebuilt here: a batch that crossed threads is a clone, of another shape than the step loop has seen
      else this.free.push(emptyBatch(got.counts, got.dest, got.gen, got.proc));
    }
  }

  /** Throws the worker's failure, if it had one. */
  private check(): void {
    if (Atomics.load(this.progress, 1) === 0) return;
    this.drain();
    this.close();
    throw new Error(`the scheduling thread failed: ${this.failure ?? "(no message)"}`);
  }
}
