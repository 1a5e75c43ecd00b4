// The direct run's batched scheduling, on a worker thread and on the calling thread, against the detailed
// scheduler called step by step: the same step times, bit for bit, over random message queues on a 2×2 mesh.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { rng } from "../../../compiler/mapping/math.js";
import { DetailedScheduler, type ScheduleGeometry } from "./schedule.js";
import { BATCH_STEPS, BatchScheduler, RING } from "./schedule-batches.js";

const hop = { e: 1e-12, l: 3e-9 };
const geometry: ScheduleGeometry = {
  cores: [0, 1, 2, 3, 4, 5].map((i) => ({ x: i >> 2, y: (i >> 1) & 1, offset: i & 1 })),
  coresPerTile: 2,
  gridWidth: 2,
  gridHeight: 2,
  hopEast: hop,
  hopWest: { e: 1e-12, l: 2e-9 },
  hopNorth: { e: 1e-12, l: 4e-9 },
  hopSouth: hop,
  linkBuffer: 2,
};
const cores = geometry.cores.length;
const CAPACITY = 2000;

/** A random step: per core up to 30 messages (some neuron-work placeholders), written at `at`. */
function fillStep(
  r: () => number,
  counts: Int32Array,
  dest: Int32Array,
  gen: Float64Array,
  proc: Float64Array,
  at: number,
) {
  for (let c = 0; c < cores; c++) {
    const n = Math.floor(r() * 31);
    for (let i = 0; i < n; i++, at++) {
      dest[at] = i === n - 1 && r() < 0.3 ? -1 : Math.floor(r() * cores);
      gen[at] = r() * 1e-8;
      proc[at] = dest[at]! < 0 ? 0 : r() * 5e-8;
    }
    counts[c] = n;
  }
  return at;
}

function batchedTimes(
  seed: number,
  steps: number,
  threaded: boolean,
  s = new BatchScheduler(threaded),
  share = true,
  begun = false,
): Float64Array {
  const r = rng(seed);
  if (!begun) s.begin(geometry, steps, CAPACITY);
  let b = s.take(0);
  let at = 0;
  for (let t = 0; t < steps; t++) {
    at = fillStep(r, b.counts.subarray(b.steps * cores), b.dest, b.gen, b.proc, at);
    b.steps++;
    if (b.steps === BATCH_STEPS || CAPACITY - at < 6 * 30 || t === steps - 1) {
      s.submit(b);
      if (t < steps - 1) {
        b = s.take(t + 1);
        at = 0;
      }
    }
  }
  return Float64Array.from(s.finish(share).subarray(0, steps));
}

function directTimes(seed: number, steps: number): Float64Array {
  const r = rng(seed);
  const scheduler = new DetailedScheduler(geometry);
  const dest = new Int32Array(CAPACITY);
  const gen = new Float64Array(CAPACITY);
  const proc = new Float64Array(CAPACITY);
  const count = new Int32Array(cores);
  const times = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    fillStep(r, count, dest, gen, proc, 0);
    const start = new Int32Array(cores);
    for (let c = 1; c < cores; c++) start[c] = start[c - 1]! + count[c - 1]!;
    times[t] = scheduler.schedule({ start, count, dest, gen, proc });
  }
  return times;
}

describe("batched step scheduling", () => {
  it("gives the detailed scheduler's step times, on a worker thread and inline, in WebAssembly and in JS", () => {
    for (const seed of [1, 2, 3]) {
      const want = directTimes(seed, 70);
      expect(want.some((x) => x > 0)).toBe(true);
      // the worker schedules every batch the ring holds (the later ones run inline while it is busy)
      const threaded = new BatchScheduler(true);
      expect(batchedTimes(seed, 70, true, threaded, false)).toEqual(want);
      expect(threaded.inWasm.worker).toBe(true);
      const inline = new BatchScheduler(false);
      expect(batchedTimes(seed, 70, false, inline)).toEqual(want);
      expect(inline.inWasm).toEqual({ worker: false, own: true });
      const js = new BatchScheduler(true, undefined, false);
      expect(batchedTimes(seed, 70, true, js)).toEqual(want);
      expect(js.inWasm).toEqual({ worker: false, own: false });
    }
  });
});

describe("a call on the scheduler's thread before it schedules", () => {
  const dir = mkdtempSync(join(tmpdir(), "sg-worker-call-"));
  const module = join(dir, "calls.mjs");
  writeFileSync(
    module,
    [
      "export const make = (n) => ({ n, table: new Map([['a', { status: 'published' }]]) });",
      "export const fail = () => { throw new Error('bad'); };",
      "export const unclonable = () => () => 1;",
      // waits until the caller has written the last element, so the sum shows the array was shared
      "export const sum = (a) => { const end = Date.now() + 5000; while (a[3] !== 7 && Date.now() < end); return a.reduce((x, y) => x + y, 0); };",
      // keeps the worker busy while the step loop hands its batches over
      "export const busy = () => { const end = Date.now() + 500; while (Date.now() < end); return 1; };",
    ].join("\n"),
  );
  const url = pathToFileURL(module).href;
  const call = (name: string, threaded = true) =>
    new BatchScheduler(threaded, { module: url, name, args: [3] });

  it("returns the function's value, then schedules as without it", () => {
    const s = call("make");
    expect(s.callResult()).toEqual({ value: { n: 3, table: new Map([["a", { status: "published" }]]) } });
    expect(s.callResult()).toBeUndefined(); // taken once
    expect(batchedTimes(1, 70, true, s)).toEqual(directTimes(1, 70));
  });

  it("answers later calls too, each once, with shared arrays read uncopied", () => {
    const s = call("make");
    const shared = new Int32Array(new SharedArrayBuffer(16)).fill(5);
    const sum = s.ask({ module: url, name: "sum", args: [shared] })!;
    const bad = s.ask({ module: url, name: "fail", args: [] })!;
    shared[3] = 7; // after the asking: the worker sees the array itself
    expect(sum.take()).toEqual({ value: 22 });
    expect(sum.take()).toBeUndefined();
    expect(bad.take()).toBeUndefined();
    expect(s.callResult()?.value).toMatchObject({ n: 3 });
    expect(batchedTimes(1, 30, true, s)).toEqual(directTimes(1, 30));
    expect(new BatchScheduler(false).ask({ module: url, name: "sum", args: [shared] })).toBeUndefined();
  });

  it("runs its calls in the order asked, each to its end, and schedules only once they have answered", () => {
    const log = new Int32Array(new SharedArrayBuffer(16));
    const mark = "export const mark = (log, id) => { log[Atomics.add(log, 0, 1) + 1] = id; return id; };\n";
    // a module slow to import (a top-level wait) asked first, a quick one second: answered in that order
    const slow = join(dir, "slow.mjs");
    writeFileSync(slow, `await new Promise((r) => setTimeout(r, 300));\n${mark}`);
    const quick = join(dir, "quick.mjs");
    writeFileSync(quick, mark);
    const s = new BatchScheduler(true);
    const first = s.ask({ module: pathToFileURL(slow).href, name: "mark", args: [log, 1] })!;
    const second = s.ask({ module: pathToFileURL(quick).href, name: "mark", args: [log, 2] })!;
    // the run begins at once: the scheduler's loop, which holds the thread, must wait for the pending import
    s.begin(geometry, 40, CAPACITY);
    expect(first.take()).toEqual({ value: 1 });
    expect(second.take()).toEqual({ value: 2 });
    expect([...log.subarray(0, 3)]).toEqual([2, 1, 2]);
    expect(batchedTimes(3, 40, true, s, true, true)).toEqual(directTimes(3, 40));
  });

  it("gives an answer still pending when the run ends as none, at once", () => {
    const slow = join(dir, "slower.mjs");
    writeFileSync(slow, "await new Promise((r) => setTimeout(r, 2000));\nexport const f = () => 1;\n");
    const s = new BatchScheduler(true);
    const pending = s.ask({ module: pathToFileURL(slow).href, name: "f", args: [] })!;
    const quick = s.ask({ module: url, name: "make", args: [1] })!;
    s.close();
    const started = Date.now();
    expect(pending.take()).toBeUndefined();
    expect(quick.take()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("lets the step loop's thread schedule the handed-over batches the worker has not claimed when the run ends", () => {
    const s = call("busy");
    const steps = 7 * BATCH_STEPS;
    expect(batchedTimes(2, steps, true, s)).toEqual(directTimes(2, steps));
    // the ring's batches, full since the worker never got to them (the later ones ran inline as it lagged)
    expect(s.claimedAtEnd).toBe(RING);
  });

  it("gives nothing where the caller must do the work itself: a throw, a value that does not clone, no module, no worker", () => {
    for (const s of [
      call("fail"),
      call("unclonable"),
      new BatchScheduler(true, { module: pathToFileURL(join(dir, "none.mjs")).href, name: "make", args: [] }),
      call("make", false),
    ]) {
      expect(s.callResult()).toBeUndefined();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
