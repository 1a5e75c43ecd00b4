// Arrival times read in the step they were sent (layer-sync same-step work): what the work waits for, computed
// by hand on a fan-out over the mesh with contention, and how much the router keeps for them — one step's
// deliveries of the sources still to be read, not one entry per destination row.

import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createDense,
  createIf,
  createInput,
  createLinear,
  createModule,
  createOneToOne,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../../compiler/nmir/index.js";
import { costTable } from "../../simulator/chip/costs.js";
import { createChip } from "../../simulator/chip/index.js";
import { ItemBuffer } from "../../simulator/chip/item-buffer.js";
import type { Layout } from "../../simulator/chip/layout.js";
import { Noc } from "../../simulator/chip/noc.js";
import { Router } from "../../simulator/chip/router.js";
import { ArrivalStore } from "../../simulator/chip/scratch.js";
import { handProfile, placeAt } from "./helpers.js";

/** x (2 spikes) → a (2 IF, vth 0, one to one) → b (`nb` IF, silent), a → b dense with weight 1. */
function fanOut(nb: number): NmirModule {
  const m = createModule({ name: "fan-out", stage: "quantized", inputs: [createInput("x", [2])] });
  m.populations.push(
    createPopulation({ id: "a", shape: [2], model: createIf({ vth: 0, vBits: 16 }) }),
    createPopulation({ id: "b", shape: [nb], model: createIf({ vth: 1000, vBits: 16 }) }),
  );
  const xa = createOneToOne({ size: 2, weights: Int32Array.of(1) });
  const ab = createDense({ inSize: 2, outSize: nb, weights: new Int32Array(2 * nb).fill(1) });
  m.projections.push(createProjection({ id: "xa", src: "x", dst: "a", connectivity: xa, weightBits: 8 }));
  m.projections.push(createProjection({ id: "ab", src: "a", dst: "b", connectivity: ab, weightBits: 8 }));
  m.outputs.push(createOutput("y", "b"));
  return m;
}

const spikes = (values: number[]) => ({ x: { shape: [1, values.length], data: Float64Array.from(values) } });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("same-step arrivals", () => {
  it("each (event, core) work item waits for its own packet's arrival, as computed by hand", () => {
    const p = handProfile();
    const ir = fanOut(4);
    // a on tile (0,0); b's two cores of 2 neurons on (1,0) and (3,0)
    const mapping = placeAt(ir, p, 2, [
      [0, 0],
      [1, 0],
      [3, 0],
    ]);
    const pushed: number[][] = [];
    const push = ItemBuffer.prototype.push;
    vi.spyOn(ItemBuffer.prototype, "push").mockImplementation(function (this: ItemBuffer, k, t, v) {
      pushed.push([k, t, v]);
      push.call(this, k, t, v);
    });
    const r = createChip(p, { timing: "detailed", mode: "layer-sync" })
      .load(ir, mapping)
      .run(spikes([1, 1]));
    // Core a (slot 0): both input packets land at 1 (axonIn); 2 ACs (2 each) → 5; 2 active updates (5 each)
    // → 15; a0 spikes (1) → 16 and sends to b's cores (slots 1, 2) at 16; a1 spikes → 17, sends at 17.
    // Routed in injection order, FIFO E-W links of 4 cycles, then axonIn 1:
    //   a0 → slot 1: link 0→1 at 16 → 20, arrives 21
    //   a0 → slot 2: link 0→1 free at 20 → 24, 1→2 → 28, 2→3 → 32, arrives 33
    //   a1 → slot 1: link 0→1 free at 24 → 28, arrives 29
    //   a1 → slot 2: 0→1 free at 28 → 32, 1→2 free at 28 → 36, 2→3 free at 32 → 40, arrives 41
    // b's work per (event, core): 2 synapses × 2 cycles = 4, waiting for that packet.
    expect(pushed).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [1, 21, 4],
      [2, 33, 4],
      [1, 29, 4],
      [2, 41, 4],
    ]);
    // slot 2: max(0, 33) + 4 = 37, max(37, 41) + 4 = 45, 2 active updates (10) → 55; + barrier 20
    expect(r.chip.perStep.cycles).toEqual([75]);
    // only a1 fires: core a: input at 1, 1 AC → 3, one active (5) and one idle (3) update → 11, spike → 12;
    // slot 1's packet crosses link 0→1 at 12 → 16, arrives 17; slot 2's waits for that link until 16, then
    // three links → 28, arrives 29
    pushed.length = 0;
    createChip(p, { timing: "detailed", mode: "layer-sync" })
      .load(ir, mapping)
      .run(spikes([0, 1]));
    expect(pushed.filter(([k]) => k! > 0)).toEqual([
      [1, 17, 4],
      [2, 29, 4],
    ]);
  });

  it("keeps arrivals for one step's deliveries of the sources still read, not per destination row", () => {
    const p = handProfile();
    // b over 8 cores: a's 2 neurons have 8 destination rows each; x's 1 each
    const ir = fanOut(16);
    const at: [number, number][] = [[0, 0]];
    for (let k = 0; k < 8; k++) at.push([(k % 3) + 1, Math.floor(k / 3)]);
    const mapping = placeAt(ir, p, 2, at);
    const opened: number[] = [];
    const open = ArrivalStore.prototype.open;
    vi.spyOn(ArrivalStore.prototype, "open").mockImplementation(function (this: ArrivalStore, s, n, at) {
      opened.push(n);
      return open.call(this, s, n, at);
    });
    // step 0: x0 fires (1 delivery to a), then a0 (8 rows); step 1: nothing; step 2: both (2, then 16)
    const input = { x: { shape: [3, 2], data: Float64Array.of(1, 0, 0, 0, 1, 1) } };
    createChip(p, { mode: "layer-sync" }).load(ir, mapping).run(input);
    expect(opened).toEqual([1, 8, 2, 16]);
  });

  it("a bit-plane event's work waits for its last plane's packet, as computed by hand", () => {
    // g: 2 linear neurons, 4-bit payloads 5 (0101: 2 planes) and −3 (1101: 3 planes) from their biases, sent
    // as bit planes (binary spikes only) to h (4 IF, dense weight 1) on slots 1 and 2 at tiles (1,0), (3,0)
    const p = handProfile();
    p.core = { ...p.core, capabilities: { ...p.core.capabilities, gradedSpikes: false } };
    const m = createModule({ name: "g2h", stage: "quantized", inputs: [createInput("x", [2])] });
    m.populations.push(
      createPopulation({
        id: "g",
        shape: [2],
        model: createLinear({ bias: Int32Array.of(5, -3), outBits: 4 }),
      }),
      createPopulation({ id: "h", shape: [4], model: createIf({ vth: 1000, vBits: 16 }) }),
    );
    const xg = createOneToOne({ size: 2, weights: Int32Array.of(1) });
    const gh = createDense({ inSize: 2, outSize: 4, weights: new Int32Array(8).fill(1) });
    m.projections.push(createProjection({ id: "xg", src: "x", dst: "g", connectivity: xg, weightBits: 8 }));
    m.projections.push(createProjection({ id: "gh", src: "g", dst: "h", connectivity: gh, weightBits: 8 }));
    m.outputs.push(createOutput("y", "h"));
    const mapping = placeAt(m, p, 2, [
      [0, 0],
      [1, 0],
      [3, 0],
    ]);
    expect(mapping.encodings).toEqual({ g: { kind: "bitplanes", bits: 4 } });
    const pushed: number[][] = [];
    const push = ItemBuffer.prototype.push;
    vi.spyOn(ItemBuffer.prototype, "push").mockImplementation(function (this: ItemBuffer, k, t, v) {
      pushed.push([k, t, v]);
      push.call(this, k, t, v);
    });
    createChip(p, { timing: "detailed", mode: "layer-sync" })
      .load(m, mapping)
      .run(spikes([0, 0]));
    // g (slot 0, no input): 2 idle updates (3 each) → 6; g0's planes: spike (1) → 7, packets to slots 1 and 2
    // at 7; spike → 8, packets at 8; g1's three at 9, 10, 11. FIFO links of 4 cycles, axonIn 1, in order:
    //   g0 plane 1 → 1: 0→1 7 → 11, arrives 12;  → 2: 0→1 11 → 15, 1→2 → 19, 2→3 → 23, arrives 24
    //   g0 plane 2 → 1: 0→1 15 → 19, arrives 20; → 2: 0→1 19 → 23, 1→2 → 27, 2→3 → 31, arrives 32
    //   g1 plane 1 → 1: 23 → 27, 28;              → 2: 27 → 31, → 35, → 39, arrives 40
    //   g1 plane 2 → 1: 31 → 35, 36;              → 2: 35 → 39, → 43, → 47, arrives 48
    //   g1 plane 3 → 1: 39 → 43, 44;              → 2: 43 → 47, → 51, → 55, arrives 56
    // h's work per (event, core): 2 synapses × planes × 2 cycles, waiting for the last plane's packet there
    expect(pushed).toEqual([
      [1, 20, 8],
      [2, 32, 8],
      [1, 44, 12],
      [2, 56, 12],
    ]);
  });

  it("drops a source's arrivals to the cores of readers already run before its later readers read it", () => {
    const p = handProfile();
    // x → a (2 spikes) → b (8 IF on 4 cores, read first) and → c (2 IF on 1 core, read last), all same-step
    const m = fanOut(8);
    m.populations.push(createPopulation({ id: "c", shape: [2], model: createIf({ vth: 1000, vBits: 16 }) }));
    const ac = createDense({ inSize: 2, outSize: 2, weights: new Int32Array(4).fill(1) });
    m.projections.push(createProjection({ id: "ac", src: "a", dst: "c", connectivity: ac, weightBits: 8 }));
    m.outputs.push(createOutput("z", "c"));
    const at: [number, number][] = [0, 1, 2, 3, 4, 5].map((k) => [k % 4, Math.floor(k / 4)]);
    const mapping = placeAt(m, p, 2, at);
    expect(mapping.cores.map((c) => c.slices.map((x) => x.population).join())).toEqual([
      "a",
      "b",
      "b",
      "b",
      "b",
      "c",
    ]);
    // the entries of a's arrivals held when b, then c, read them
    const held: number[] = [];
    const of = ArrivalStore.prototype.of;
    vi.spyOn(ArrivalStore.prototype, "of").mockImplementation(function (this: ArrivalStore, s) {
      const buf = of.call(this, s);
      if (buf.length > 0) held.push(buf.length);
      return buf;
    });
    createChip(p, { mode: "layer-sync" })
      .load(m, mapping)
      .run(spikes([1, 1]));
    // x's one delivery per event read by a (a pool buffer); a's 2 events × 5 rows, cut to their exact 10
    // once a has sent them, read by b; then only the 2 rows to c's core, read by c (all 1,024 held before)
    expect(held).toEqual([1024, 10, 2]);
  });

  it("drops the rows to slots above every later reader's too (a reader on lower slots runs last)", () => {
    const p = handProfile();
    const m = fanOut(8);
    m.populations.push(createPopulation({ id: "c", shape: [2], model: createIf({ vth: 1000, vBits: 16 }) }));
    const ac = createDense({ inSize: 2, outSize: 2, weights: new Int32Array(4).fill(1) });
    m.projections.push(createProjection({ id: "ac", src: "a", dst: "c", connectivity: ac, weightBits: 8 }));
    m.outputs.push(createOutput("z", "c"));
    const at: [number, number][] = [0, 1, 2, 3, 4, 5].map((k) => [k % 4, Math.floor(k / 4)]);
    const placed = placeAt(m, p, 2, at);
    // c's core second: slots follow the mapping's cores, so c (read last) sits on slot 1 below b's 2 … 5
    const mapping = { ...placed, cores: [0, 5, 1, 2, 3, 4].map((k) => placed.cores[k]!) };
    const held: number[] = [];
    const of = ArrivalStore.prototype.of;
    vi.spyOn(ArrivalStore.prototype, "of").mockImplementation(function (this: ArrivalStore, s) {
      const buf = of.call(this, s);
      if (buf.length > 0) held.push(buf.length);
      return buf;
    });
    const input = spikes([1, 1]);
    const r = createChip(p, { mode: "layer-sync" }).load(m, mapping).run(input);
    // a's 10 rows read by b, then only the 2 to c's core (a floor alone would keep b's 8 above it)
    expect(held).toEqual([1024, 10, 2]);
    vi.restoreAllMocks();
    // the same cores on the same tiles, listed in another order: the same outputs and counts
    const same = createChip(p, { mode: "layer-sync" }).load(m, placed).run(input);
    expect([r.outputs, r.counts]).toEqual([same.outputs, same.counts]);
  });

  it("a router holds no array per destination row, however many rows its tables have", () => {
    const p = handProfile();
    // slots 0, 1, 2 on tiles (0,0), (1,0), (3,0)
    const tileX = Int32Array.of(0, 1, 3);
    const layout: Layout = {
      slots: 3,
      coreIndex: Int32Array.of(0, 1, 3),
      tileX,
      tileY: new Int32Array(3),
      tileId: tileX,
      tilesInUse: 3,
      chipOf: new Int32Array(3),
      chipsInUse: 1,
      slotOf: new Map(),
      slices: new Map(),
      bySlot: [],
    };
    const noc = new Noc(p, layout, costTable(p, 3, 3, 1), true);
    // one source of 100,000 neurons, each sending to slots 1 and 2: 200,000 rows (one list per neuron)
    const neurons = 100_000;
    const dest = [
      {
        listOf: Int32Array.from({ length: neurons }, (_, i) => i),
        rowStart: Int32Array.from({ length: neurons + 1 }, (_, i) => 2 * i),
        slot: Int32Array.from({ length: 2 * neurons }, (_, r) => 1 + (r % 2)),
      },
    ];
    noc.path(0, 1);
    noc.path(0, 2);
    noc.finalize();
    const router = new Router(noc, dest, [new Int32Array(neurons)], 1, Int32Array.of(0));
    expect(router.keepArrival).toBeTruthy();
    const sizes = Object.values(router)
      .filter((v) => ArrayBuffer.isView(v))
      .map((v) => (v as Int32Array).length);
    expect(Math.max(...sizes)).toBeLessThan(neurons);
    expect(router.arrivals.heldEntries()).toBe(0);
  });
});
