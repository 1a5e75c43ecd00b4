// The direct run's steps scheduled in batches, on a worker thread beside the neuron loop where one can start
// (SANA-FE, too, times its messages on a second thread), else on the calling thread: the step loop fills a batch
// of steps' message queues, hands it over and goes on with the next steps; the step times are joined at the end.
// The batches are a ring in shared memory: a hand-over is a counter, nothing is copied or moved.

import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { wasm } from "../wasm-binary.js";
import { DetailedScheduler, type QueueBatch, type ScheduleGeometry } from "./schedule.js";
import { scheduleModule } from "./schedule-module.js";
import { WasmScheduler } from "./schedule-wasm.js";
import {
  BATCH_STEPS,
  type BatchStepScheduler,
  batchesOf,
  CLAIMED,
  DONE,
  FAILED,
  IN_WASM,
  makeScheduler,
  RING,
  type Ring,
  STALL_MS,
  STOP,
  SUBMITTED,
  slotAt,
  WASM_OWN,
  WASM_WORKER,
  type WorkerCall,
  workerSource,
} from "./schedule-worker.js";

export type { QueueBatch } from "./schedule.js";
export { BATCH_STEPS, RING, type WorkerCall } from "./schedule-worker.js";

/**
 * Takes batches and gives every step's scheduled time once all are in. Made before the network is read (a worker
 * thread takes a while to start: it starts while the file is parsed), then `begin` gives it the network; `take`
 * gives the next empty batch; `submit` hands a filled one over. When the worker lags (every ring slot still
 * waiting), the step loop gets a batch of its own and schedules it itself: the two threads share the work.
 */
/** The answer of a call asked of the worker (`BatchScheduler.ask`), taken once. */
export class WorkerAnswer {
  private taken = false;
  constructor(
    private readonly port: MessagePort,
    private readonly flag: Int32Array,
  ) {}

  /** The call's value once the worker has it (this thread waits); undefined when the call threw, its value does
   * not clone, it took longer than the stall limit, or it was taken before — then the caller does the work
   * itself (and meets any error itself). */
  take(): { value: unknown } | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    Atomics.wait(this.flag, 0, 0, STALL_MS);
    const reply = receiveMessageOnPort(this.port)?.message as { value?: unknown; failed?: true } | undefined;
    this.port.close();
    return reply && !reply.failed ? { value: reply.value } : undefined;
  }

  /** Whether the worker has answered (taking it would not wait). */
  get ready(): boolean {
    return Atomics.load(this.flag, 0) !== 0;
  }

  /** Gives up on the answer. */
  drop(): void {
    this.taken = true;
    this.port.close();
  }

  /** Gives up on the answer unless the worker has given it (the worker is ending: it never will). */
  dropIfPending(): void {
    if (!this.taken && !this.ready) this.drop();
  }
}

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
  /** The constructor's `call`, its answer still to take. */
  private first?: WorkerAnswer;
  /** Every answer asked of the worker (a close drops those still pending). */
  private readonly answers: WorkerAnswer[] = [];

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
    if (call) this.first = this.ask(call);
  }

  /**
   * Runs `call` on the worker thread before it schedules (after any call asked before it); undefined without a
   * worker. Its arguments go by structured clone: typed arrays over a SharedArrayBuffer are shared, not copied.
   */
  ask(call: WorkerCall): WorkerAnswer | undefined {
    if (!this.worker) return undefined;
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    this.worker.postMessage({ call, port: port2, flag }, [port2]);
    const answer = new WorkerAnswer(port1, flag);
    this.answers.push(answer);
    return answer;
  }

  /**
   * The result of the constructor's `call`, once the worker has it (this thread waits); undefined when there was
   * no call or worker, the call threw, its value does not clone, or it took longer than the stall limit — then
   * the caller does the work itself (and meets any error itself).
   */
  callResult(): { value: unknown } | undefined {
    const first = this.first;
    this.first = undefined;
    return first?.take();
  }

  /** Whether the worker is still on the constructor's call (false once it answered, or with no call or worker). */
  get callPending(): boolean {
    return this.first !== undefined && !this.first.ready;
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

  /** Ends the worker without waiting for it (a run that stops early, or never begins); an answer it has not
   * given by then is none. */
  close(): void {
    this.first?.drop();
    this.first = undefined;
    for (const answer of this.answers) answer.dropIfPending();
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
