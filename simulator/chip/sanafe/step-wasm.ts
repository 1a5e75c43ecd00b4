// The direct run's step loop in WebAssembly (step-module.ts), for counted connections: the network's arrays
// copied once into the module's memory (bulk copies, no per-element loop: this runs once, cold), its connections
// packed there by the module itself, and one call a step. The step's messages land at the queue's start in that
// memory and are copied into the scheduler's batch (a few kB a step). Bit for bit the JS loop's step
// (direct-step.ts): the same operations in the same order (direct-step.test.ts compares them).

import { PAGE, wasm } from "../wasm-binary.js";
import type { SanafeAccount } from "./account.js";
import { countBitsOf, PACKED_NEURONS } from "./connection-targets.js";
import type { ConventionNet } from "./net.js";
import type { QueueBatch } from "./schedule-batches.js";
import { STEP_ARRAYS, stepModule } from "./step-module.js";

/** The module's exports: `step` (step-module.ts) and `pack` (step-pack-code.ts). */
type StepFn = (...args: number[]) => number;
type PackFn = (...args: number[]) => number;

/** What the step loop holds per neuron by processing position (direct-step.ts builds them), and each neuron's
 * position. */
export interface StepTables {
  par: Float64Array;
  flags: Uint8Array;
  reset: Float64Array;
  positionOf: Int32Array;
  limit64: number;
}

/** Connections packed per call while setting up (a block of targets and weights copied in at a time). */
const PACK_BLOCK = 2 ** 16;

export class StepWasm {
  readonly firedList: Int32Array<ArrayBuffer>;
  readonly firedPerNeuron: Int32Array<ArrayBuffer>;
  /** Per position: steps with a nonzero input or bias. */
  readonly activeAt: Int32Array<ArrayBuffer>;
  private readonly run: StepFn;
  /** The step function's arguments after the step number (addresses; `current` and `next` swap each step). */
  private readonly args: number[];
  private readonly qDest: Int32Array<ArrayBuffer>;
  private readonly qGen: Float64Array<ArrayBuffer>;
  private readonly qProc: Float64Array<ArrayBuffer>;
  private readonly qCount: Int32Array<ArrayBuffer>;
  private readonly sumsView: Float64Array<ArrayBuffer>;
  private readonly cores: number;
  /** The bits of a step's arrival count (connection-targets.ts `countBitsOf`). */
  readonly countBits: number;

  /**
   * The step of `net` in WebAssembly, its connections packed there (as connection-targets.ts packs them, with the
   * arrival count); undefined where the runtime lacks WebAssembly, the network does not fit one memory, or its
   * connections do not pack with a count (then the JS loop takes the densest form that fits).
   */
  static make(
    net: ConventionNet & { weight64: Int32Array; fanIn64?: Float64Array },
    account: SanafeAccount,
    tables: StepTables,
    train: { start: Int32Array; steps: Int32Array },
  ): StepWasm | undefined {
    const trainSteps = train.steps;
    const module = stepModule();
    if (!module || !wasm) return undefined;
    const n = net.neurons;
    const cores = net.cores.length;
    const queue = account.queueStart[cores]!;
    const messages = net.msgCore.length;
    let next = 0;
    const layout = {} as Record<(typeof STEP_ARRAYS)[number], number>;
    // 8-byte items first, so every array is aligned to its element
    const rows = distinctRows(tables.par, n);
    const sizes: [(typeof STEP_ARRAYS)[number], number][] = [
      ["par", 8 * rows.table.length],
      ["v", 8 * n],
      ["reset", 8 * n],
      ["neuronHops", 8 * n],
      ["neuronSynapses", 8 * n],
      ["somaE", 8 * account.somaE.length],
      ["somaL", 8 * account.somaL.length],
      ["msgSynOnlyJ", 8 * messages],
      ["msgDendriteJ", 8 * messages],
      ["msgNetJ", 8 * messages],
      ["msgProcS", 8 * messages],
      ["qGen", 8 * queue],
      ["qProc", 8 * queue],
      ["sums", 80],
      ["slotStart", 4 * (cores + 1)],
      ["parOf", 4 * n],
      ["current", 4 * n],
      ["next", 4 * n],
      ["activeAt", 4 * n],
      ["order", 4 * n],
      ["trainAt", 4 * n],
      ["trainStart", 4 * (n + 1)],
      ["trainSteps", 4 * trainSteps.length],
      ["firedList", 4 * n],
      ["firedPerNeuron", 4 * n],
      ["postStart", 4 * (n + 1)],
      ["msgStart", 4 * (n + 1)],
      ["somaOf", 4 * n],
      ["msgCore", 4 * messages],
      ["targets", 4 * net.post.length],
      ["qDest", 4 * queue],
      ["qCount", 4 * cores],
      ["flags", n],
    ];
    for (const [name, bytes] of sizes) {
      layout[name] = next;
      next += Math.ceil(bytes / 8) * 8;
    }
    // set-up only: each neuron's position, the connections into each, a block of targets and weights
    const setUp = {
      positionOf: next,
      into: next + 4 * n,
      post: next + 8 * n,
      weight: next + 8 * n + 4 * PACK_BLOCK,
    };
    next = setUp.weight + 4 * PACK_BLOCK;
    if (next + 8 > 2 ** 31 || n > PACKED_NEURONS) return undefined;
    const memory = new wasm.Memory({ initial: Math.ceil((next + 8) / PAGE) });
    const { exports } = new wasm.Instance(module, { m: { memory } });
    const countBits = packConnections(
      memory.buffer,
      layout.targets,
      setUp,
      exports.pack as PackFn,
      net,
      tables,
    );
    if (countBits === 0) return undefined;
    return new StepWasm(
      memory.buffer,
      layout,
      exports.step as StepFn,
      net,
      account,
      { ...tables, par: rows.table },
      countBits,
      train,
      rows.rowOf,
    );
  }

  private constructor(
    buffer: ArrayBuffer,
    layout: Record<(typeof STEP_ARRAYS)[number], number>,
    run: StepFn,
    net: ConventionNet,
    account: SanafeAccount,
    tables: StepTables,
    countBits: number,
    train: { start: Int32Array; steps: Int32Array },
    rowOf: Int32Array,
  ) {
    const n = net.neurons;
    this.countBits = countBits;
    const { start: trainStart, steps: trainSteps } = train;
    const cores = net.cores.length;
    this.cores = cores;
    const queue = account.queueStart[cores]!;
    const i32 = (name: keyof typeof layout, length: number) => new Int32Array(buffer, layout[name], length);
    const f64 = (name: keyof typeof layout, length: number) => new Float64Array(buffer, layout[name], length);
    f64("par", tables.par.length).set(tables.par);
    i32("parOf", n).set(rowOf);
    f64("reset", n).set(tables.reset);
    new Uint8Array(buffer, layout.flags, n).set(tables.flags);
    i32("slotStart", cores + 1).set(account.slotStart);
    i32("order", n).set(account.order);
    i32("trainAt", n).set(trainStart.subarray(0, n));
    i32("trainStart", n + 1).set(trainStart.subarray(0, n + 1));
    i32("trainSteps", trainSteps.length).set(trainSteps);
    i32("postStart", n + 1).set(net.postStart);
    i32("msgStart", n + 1).set(net.msgStart);
    i32("somaOf", n).set(net.somaOf);
    f64("neuronHops", n).set(account.neuronHops);
    f64("neuronSynapses", n).set(account.neuronSynapses);
    f64("somaE", account.somaE.length).set(account.somaE);
    f64("somaL", account.somaL.length).set(account.somaL);
    const m = net.msgCore.length;
    f64("msgSynOnlyJ", m).set(account.msgSynOnlyJ);
    f64("msgDendriteJ", m).set(net.msgDendriteJ);
    f64("msgNetJ", m).set(account.msgNetJ);
    f64("msgProcS", m).set(account.msgProcS);
    i32("msgCore", m).set(net.msgCore);
    this.firedList = i32("firedList", n);
    this.firedPerNeuron = i32("firedPerNeuron", n);
    this.activeAt = i32("activeAt", n);
    this.qDest = i32("qDest", queue);
    this.qGen = f64("qGen", queue);
    this.qProc = f64("qProc", queue);
    this.qCount = i32("qCount", cores);
    this.sumsView = f64("sums", 10);
    this.run = run;
    this.args = [cores, ...STEP_ARRAYS.map((name) => layout[name]), countBits, tables.limit64, net.axonOut.l];
  }

  /** Step t into `sums`; its messages into `batch` from `at` (as DirectStepper.step). Returns the position after
   * them, or −1 when a potential passed the limit. */
  step(t: number, batch: QueueBatch, at: number, sums: Float64Array): number {
    const args = this.args;
    const entries = this.run(t, ...args);
    if (entries < 0) return -1;
    sums.set(this.sumsView);
    batch.dest.set(this.qDest.subarray(0, entries), at);
    batch.gen.set(this.qGen.subarray(0, entries), at);
    batch.proc.set(this.qProc.subarray(0, entries), at);
    batch.counts.set(this.qCount, batch.steps * this.cores);
    // the step's spikes are the next step's input: swap `current` and `next` (arguments 6 and 7 after t)
    const current = args[1 + STEP_ARRAYS.indexOf("current")]!;
    args[1 + STEP_ARRAYS.indexOf("current")] = args[1 + STEP_ARRAYS.indexOf("next")]!;
    args[1 + STEP_ARRAYS.indexOf("next")] = current;
    return at + entries;
  }
}

/**
 * The distinct rows of `par` (8 doubles a neuron, by position) and each position's row: neurons of one group and
 * soma unit mostly share theirs, so the step streams a 4-byte row number a neuron instead of a 64-byte row (the
 * rows compared bit for bit: each neuron reads the very doubles it had).
 */
function distinctRows(par: Float64Array, n: number): { table: Float64Array; rowOf: Int32Array } {
  const bits = new Int32Array(par.buffer, par.byteOffset, 16 * n);
  const rowOf = new Int32Array(n);
  const firstOf = new Map<number, number>(); // a row's hash → its first distinct row (then `sameHash` chains)
  const firstAt: number[] = []; // each distinct row's first position
  const sameHash: number[] = []; // per distinct row, the one before it with the same hash, or −1
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let j = 16 * i; j < 16 * i + 16; j++) h = (Math.imul(h, 0x01000193) ^ bits[j]!) | 0;
    let r = firstOf.get(h) ?? -1;
    for (; r >= 0; r = sameHash[r]!) {
      const at = 16 * firstAt[r]!;
      let j = 0;
      while (j < 16 && bits[at + j] === bits[16 * i + j]) j++;
      if (j === 16) break;
    }
    if (r < 0) {
      r = firstAt.length;
      firstAt.push(i);
      sameHash.push(firstOf.get(h) ?? -1);
      firstOf.set(h, r);
    }
    rowOf[i] = r;
  }
  const table = new Float64Array(8 * firstAt.length);
  for (let r = 0; r < firstAt.length; r++)
    table.set(par.subarray(8 * firstAt[r]!, 8 * firstAt[r]! + 8), 8 * r);
  return { table, rowOf };
}

/**
 * Packs `net`'s connections into the module's `targets` (byte address), a block at a time through the set-up
 * area; returns the arrival count's bits, or 0 where a weight does not fit 16 bits or the count does not fit.
 */
function packConnections(
  buffer: ArrayBuffer,
  targets: number,
  setUp: { positionOf: number; into: number; post: number; weight: number },
  pack: PackFn,
  net: ConventionNet & { weight64: Int32Array; fanIn64?: Float64Array },
  tables: StepTables,
): number {
  const n = net.neurons;
  new Int32Array(buffer, setUp.positionOf, n).set(tables.positionOf);
  const post = new Int32Array(buffer, setUp.post, PACK_BLOCK);
  const weight = new Int32Array(buffer, setUp.weight, PACK_BLOCK);
  const total = net.post.length;
  for (let r = 0; r < total; r += PACK_BLOCK) {
    const end = Math.min(total, r + PACK_BLOCK);
    post.set(net.post.subarray(r, end));
    weight.set(net.weight64.subarray(r, end));
    if (pack(setUp.post, setUp.weight, setUp.positionOf, targets + 4 * r, setUp.into, end - r) === 0)
      return 0;
  }
  let most = 0;
  const into = new Int32Array(buffer, setUp.into, n);
  for (let k = 0; k < n; k++) if (into[k]! > most) most = into[k]!;
  // Σ|weight × 64| into each neuron: the net's own when it has them, else summed here (by neuron: the same maximum)
  let abs = net.fanIn64;
  if (!abs) {
    abs = new Float64Array(n);
    for (let r = 0; r < total; r++) abs[net.post[r]!]! += Math.abs(net.weight64[r]!);
  }
  let mostAbs = 0;
  for (let k = 0; k < abs.length; k++) if (abs[k]! > mostAbs) mostAbs = abs[k]!;
  return countBitsOf(most, mostAbs);
}
