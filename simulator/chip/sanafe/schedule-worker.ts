// The scheduling worker's side of the direct run's batches (schedule-batches.ts runs the other): the ring's
// layout in shared memory, the worker's loop, a call it makes before it schedules, and its source text. Every
// function here that the worker runs is written into that text and refers only to names the text defines — the
// constants below, and the classes it is handed (SchedulerKit) — so it runs from the TypeScript sources under test
// and from the built files alike, with nothing to resolve.

import type { MessagePort } from "node:worker_threads";
import {
  DetailedScheduler,
  KeyHeap,
  type QueueBatch,
  routeLinks,
  type ScheduleGeometry,
} from "./schedule.js";
import { SCHEDULE_ROWS, WasmScheduler } from "./schedule-wasm.js";

/** Steps per batch: small enough that the scheduler starts early, large enough that a hand-over is rare. */
export const BATCH_STEPS = 32;
/** Batches in the ring (each holds the busiest step and then some: a few MB on a large network). */
export const RING = 3;
/** How long the worker may go without finishing a step before the run fails (an internal fault, not a hang). */
export const STALL_MS = 60_000;

/** The shared counters (Int32): batches handed over, batches scheduled, a failure flag, a stop request, the
 * next batch to claim (each handed-over batch is scheduled by the thread that claims it: the worker during the
 * run, both threads at its end); then per ring slot its first step and step count. */
export const SUBMITTED = 0;
export const DONE = 1;
export const FAILED = 2;
export const STOP = 3;
export const CLAIMED = 4;
/** Which threads scheduled in WebAssembly (bits: WASM_WORKER, WASM_OWN). */
export const IN_WASM = 5;
export const WASM_WORKER = 1;
export const WASM_OWN = 2;
/** Where ring slot `slot`'s first step is (its step count follows). */
export const slotAt = (slot: number) => 6 + 2 * slot;

/** The ring's buffers (shared with the worker), and the views over them. */
export interface Ring {
  control: SharedArrayBuffer;
  times: SharedArrayBuffer;
  slots: {
    counts: SharedArrayBuffer;
    dest: SharedArrayBuffer;
    gen: SharedArrayBuffer;
    proc: SharedArrayBuffer;
  }[];
}

export function batchesOf(ring: Ring): QueueBatch[] {
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
export type BatchStepScheduler = Pick<DetailedScheduler, "scheduleBatch">;

/** The classes a scheduling thread builds its scheduler from, and the WebAssembly API: arguments, because the
 * worker defines them from its source text, where this module's imports do not exist. */
interface SchedulerKit {
  Js: typeof DetailedScheduler;
  Wasm: typeof WasmScheduler;
  api?: ConstructorParameters<typeof WasmScheduler>[4];
}

/** The scheduler of a network for batches of up to `capacity` entries: in WebAssembly when `module` (schedule-
 * module.ts compiled) is given and its memory can be made (the same times), else in JS. */
export function makeScheduler(
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
 * module as a file URL, its name and arguments; its result comes back by structured clone. The worker runs its
 * calls one after the other in the order asked, and starts scheduling only after them.
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
export const workerSource = () => `"use strict";
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
// one message after the other, each to its end: a call waits for the calls asked before it (an import can finish
// out of order), and the scheduler — whose loop holds the thread — starts only once every call has answered
let queue = Promise.resolve();
parentPort.on("message", (m) => {
  queue = queue.then(() => (m.call ? workerCall(m, (url) => import(url)) : workerMain(m, kit, batchesOf)));
});
`;
