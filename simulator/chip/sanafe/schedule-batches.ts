// The direct run's steps scheduled in batches, on a worker thread beside the neuron loop where one can start
// (SANA-FE, too, times its messages on a second thread), else on the calling thread: the step loop fills a batch
// of steps' message queues, hands it over and goes on with the next steps; the step times are joined at the end.
// The batches are a ring in shared memory: a hand-over is a counter, nothing is copied or moved.

import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { wasm } from "../wasm-binary.js";
import {
  DetailedScheduler,
  KeyHeap,
  type QueueBatch,
  routeLinks,
  type ScheduleGeometry,
} from "./schedule.js";
import { scheduleModule } from "./schedule-module.js";
import { SCHEDULE_ROWS, WasmScheduler } from "./schedule-wasm.js";

export type { QueueBatch } from "./schedule.js";

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
/** Which threads scheduled in WebAssembly (bits: WASM_WORKER, WASM_OWN). */
const IN_WASM = 5;
const WASM_WORKER = 1;
const WASM_OWN = 2;
/** Where ring slot `slot`'s first step is (its step count follows). */
const slotAt = (slot: number) => 6 + 2 * slot;

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

/** What schedules a batch: the JS scheduler or the WebAssembly one. */
type BatchStepScheduler = Pick<DetailedScheduler, "scheduleBatch">;

/** The classes a scheduling thread builds its scheduler from, and the WebAssembly API: arguments, because the
 * worker defines them from its source text, where this module's imports do not exist. */
interface SchedulerKit {
  Js: typeof DetailedScheduler;
  Wasm: typeof WasmScheduler;
  api?: ConstructorParameters<typeof WasmScheduler>[4];
}

/** The scheduler of a network for batches of up to `capacity` entries: in WebAssembly when `module` (schedule-
 * module.ts compiled) is given and its memory can be made (the same times), else in JS. */
function makeScheduler(
  geometry: ScheduleGeometry,
  capacity: number,
  module: object | undefined,
  kit: SchedulerKit,
): BatchStepScheduler {
  const js = new kit.Js(geometry);
  if (!module || !kit.api) return js;
  try {
    return new kit.Wasm(js, capacity, BATCH_STEPS, module, kit.api);
  } catch {
    return js;
  }
}

/** The worker thread's side: waits for each batch handed over, schedules it, counts it done. The scheduler's
 * classes and `batches` come as arguments: the worker defines them from its source text (see SchedulerKit). */
function workerMain(
  m: { geometry: ScheduleGeometry; ring: Ring; capacity: number; module?: object },
  kit: SchedulerKit,
  batches: (ring: Ring) => QueueBatch[],
): void {
  const { geometry, ring } = m;
  const control = new Int32Array(ring.control);
  try {
    const scheduler = makeScheduler(geometry, m.capacity, m.module, kit);
    if (scheduler instanceof kit.Wasm) Atomics.or(control, IN_WASM, WASM_WORKER);
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
      scheduler.scheduleBatch(b, times);
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
const IN_WASM = ${IN_WASM}, WASM_WORKER = ${WASM_WORKER};
const slotAt = ${slotAt};
const BATCH_STEPS = ${BATCH_STEPS};
const SCHEDULE_ROWS = ${JSON.stringify(SCHEDULE_ROWS)};
${KeyHeap}
${routeLinks}
${DetailedScheduler}
${WasmScheduler}
${makeScheduler}
${batchesOf}
${workerMain}
${workerCall}
const kit = { Js: DetailedScheduler, Wasm: WasmScheduler, api: globalThis.WebAssembly };
parentPort.on("message", (m) => (m.call ? workerCall(m, (url) => import(url)) : workerMain(m, kit, batchesOf)));
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
  private scheduler?: BatchStepScheduler;
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
   * (`callResult`). With `wasmWanted`, each thread schedules in WebAssembly where the runtime has it
   * (schedule-wasm.ts: the same times), else in JS. */
  constructor(
    threaded = true,
    call?: WorkerCall,
    private readonly wasmWanted = true,
  ) {
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
    this.worker?.postMessage({ geometry, ring, capacity, module: this.module() });
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

  /** Which threads have scheduled in WebAssembly so far: the worker, this thread. */
  get inWasm(): { worker: boolean; own: boolean } {
    const bits = Atomics.load(this.control, IN_WASM);
    return { worker: (bits & WASM_WORKER) !== 0, own: (bits & WASM_OWN) !== 0 };
  }

  /** The WebAssembly scheduler's module, unless turned off or this runtime lacks WebAssembly. */
  private module(): object | undefined {
    return (this.wasmWanted && scheduleModule()) || undefined;
  }

  private ownScheduler(): BatchStepScheduler {
    this.scheduler ??= makeScheduler(this.geometry!, this.capacity, this.module(), {
      Js: DetailedScheduler,
      Wasm: WasmScheduler,
      api: wasm,
    });
    if (this.scheduler instanceof WasmScheduler) Atomics.or(this.control, IN_WASM, WASM_OWN);
    return this.scheduler;
  }

  submit(b: QueueBatch): void {
    if (b === this.own) {
      this.ownScheduler().scheduleBatch(b, this.times);
      return;
    }
    const n = this.handed++;
    const at = slotAt(n % this.ring.length);
    this.control[at] = b.first;
    this.control[at + 1] = b.steps;
    Atomics.store(this.control, SUBMITTED, n + 1);
    Atomics.notify(this.control, SUBMITTED);
  }

  /** Schedules handed-over batches the worker has not claimed yet, with it (the steps are all sent; with
   * `share` false the worker does them all), then waits for every step's time (s, without the sync) and ends the
   * worker. */
  finish(share = true): Float64Array<ArrayBufferLike> {
    const control = this.control;
    for (; share; ) {
      const next = Atomics.load(control, CLAIMED);
      if (next >= this.handed) break;
      if (Atomics.compareExchange(control, CLAIMED, next, next + 1) !== next) continue;
      const slot = next % this.ring.length;
      const b = this.ring[slot]!;
      b.first = control[slotAt(slot)]!;
      b.steps = control[slotAt(slot) + 1]!;
      this.ownScheduler().scheduleBatch(b, this.times);
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
