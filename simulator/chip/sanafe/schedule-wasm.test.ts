// The WebAssembly scheduler against the JS one (DetailedScheduler), batch by batch: random meshes up to 5×5 tiles
// of 1–4 cores (heaps up to 100 deep), link buffers that congest, hop latencies per direction, queues with
// neuron-work placeholders, equal send times (the tie decides) and zero gaps — every step's time bit for bit.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rng } from "../../../compiler/mapping/math.js";
import { wasm } from "../wasm-binary.js";
import { DetailedScheduler, type QueueBatch, type ScheduleGeometry } from "./schedule.js";
import { scheduleModule } from "./schedule-module.js";
import { WasmScheduler } from "./schedule-wasm.js";

const STEPS = 6;
const MOST_PER_CORE = 40;

const latency = fc.constantFrom(1e-9, 2e-9, 3.5e-9, 7e-9);
const geometry = fc
  .record({
    width: fc.integer({ min: 1, max: 5 }),
    height: fc.integer({ min: 1, max: 5 }),
    perTile: fc.integer({ min: 1, max: 4 }),
    linkBuffer: fc.constantFrom(1, 2, 4, 16),
    hops: fc.tuple(latency, latency, latency, latency),
    used: fc.double({ min: 0.3, max: 1, noNaN: true }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map((g): ScheduleGeometry => {
    const r = rng(g.seed);
    const cores: ScheduleGeometry["cores"] = [];
    for (let x = 0; x < g.width; x++)
      for (let y = 0; y < g.height; y++)
        for (let offset = 0; offset < g.perTile; offset++) if (r() < g.used) cores.push({ x, y, offset });
    if (cores.length === 0) cores.push({ x: 0, y: 0, offset: 0 });
    const [e, w, n, so] = g.hops;
    return {
      cores,
      coresPerTile: g.perTile,
      gridWidth: g.width,
      gridHeight: g.height,
      hopEast: { e: 0, l: e },
      hopWest: { e: 0, l: w },
      hopNorth: { e: 0, l: n },
      hopSouth: { e: 0, l: so },
      linkBuffer: g.linkBuffer,
    };
  });

/** A batch of STEPS random steps on `cores` cores: per core up to MOST_PER_CORE messages, gaps often equal or 0. */
function batch(cores: number, seed: number, busy: number): QueueBatch {
  const r = rng(seed);
  const counts = new Int32Array(STEPS * cores);
  const dest: number[] = [];
  const gen: number[] = [];
  const proc: number[] = [];
  for (let i = 0; i < STEPS * cores; i++) {
    const n = r() < busy ? Math.floor(r() * (MOST_PER_CORE + 1)) : 0;
    counts[i] = n;
    for (let m = 0; m < n; m++) {
      const placeholder = m === n - 1 && r() < 0.3;
      dest.push(placeholder ? -1 : Math.floor(r() * cores));
      gen.push(r() < 0.3 ? 0 : r() < 0.5 ? 2e-9 : r() * 2e-8);
      proc.push(placeholder ? 0 : r() < 0.3 ? 4e-9 : r() * 6e-8);
    }
  }
  return {
    first: 0,
    steps: STEPS,
    counts,
    dest: Int32Array.from(dest),
    gen: Float64Array.from(gen),
    proc: Float64Array.from(proc),
  };
}

describe("the WebAssembly scheduler", () => {
  it("gives the JS scheduler's step times, bit for bit", () => {
    const module = scheduleModule();
    expect(module).not.toBeNull();
    fc.assert(
      fc.property(
        geometry,
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        (g, seed, busy) => {
          const js = new DetailedScheduler(g);
          const b = batch(g.cores.length, seed, busy);
          const capacity = b.dest.length + 1;
          const inWasm = new WasmScheduler(new DetailedScheduler(g), capacity, STEPS, module!, wasm!);
          const want = new Float64Array(STEPS);
          const got = new Float64Array(STEPS);
          js.scheduleBatch(b, want);
          // twice over the same scheduler: nothing of one batch carries into the next
          inWasm.scheduleBatch(b, got);
          inWasm.scheduleBatch(b, got);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("takes a batch of a thousand messages in flight to one core (the FIFO, the busiest route)", () => {
    const g: ScheduleGeometry = {
      cores: Array.from({ length: 16 }, (_, i) => ({ x: i % 4, y: i >> 2, offset: 0 })),
      coresPerTile: 1,
      gridWidth: 4,
      gridHeight: 4,
      hopEast: { e: 0, l: 1e-9 },
      hopWest: { e: 0, l: 1e-9 },
      hopNorth: { e: 0, l: 2e-9 },
      hopSouth: { e: 0, l: 2e-9 },
      linkBuffer: 1,
    };
    const per = 70;
    const counts = new Int32Array(16).fill(per);
    const n = 16 * per;
    const b: QueueBatch = {
      first: 0,
      steps: 1,
      counts,
      dest: new Int32Array(n).fill(5),
      gen: new Float64Array(n).fill(1e-9),
      proc: new Float64Array(n).fill(3e-8),
    };
    const want = new Float64Array(1);
    const got = new Float64Array(1);
    new DetailedScheduler(g).scheduleBatch(b, want);
    new WasmScheduler(new DetailedScheduler(g), n, 1, scheduleModule()!, wasm!).scheduleBatch(b, got);
    expect(got).toEqual(want);
    // every message waits for the one before at core 5: at least n × proc
    expect(want[0]).toBeGreaterThan(n * 3e-8);
  });
});
