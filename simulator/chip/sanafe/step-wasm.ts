// The direct run's step loop in WebAssembly (step-module.ts), for counted connections: the network's arrays
// copied once into the module's memory (bulk copies, no per-element loop: this runs once, cold) and one call a
// step. The step's messages land at the queue's start in that memory and are copied into the scheduler's batch
// (a few kB a step). Bit for bit the JS
// loop's step (direct-step.ts): the same operations in the same order (direct-step.test.ts compares them).

import { PAGE, wasm } from "../wasm-binary.js";
import type { SanafeAccount } from "./account.js";
import type { ConventionNet } from "./net.js";
import type { QueueBatch } from "./schedule-batches.js";
import { STEP_ARRAYS, stepModule } from "./step-module.js";

type StepFn = (...args: number[]) => number;

/** What the step loop holds per neuron by processing position (direct-step.ts builds them). */
export interface StepTables {
  par: Float64Array;
  flags: Uint8Array;
  reset: Float64Array;
  targetAt: Int32Array;
  countBits: number;
  limit64: number;
}

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

  /** undefined where the runtime lacks WebAssembly or the network does not fit one memory. */
  static make(
    net: ConventionNet,
    account: SanafeAccount,
    tables: StepTables,
    trainStart: Int32Array,
    trainSteps: Int32Array,
  ): StepWasm | undefined {
    const module = stepModule();
    if (!module || !wasm) return undefined;
    const n = net.neurons;
    const cores = net.cores.length;
    const queue = account.queueStart[cores]!;
    const messages = net.msgCore.length;
    let next = 0;
    const layout = {} as Record<(typeof STEP_ARRAYS)[number], number>;
    // 8-byte items first, so every array is aligned to its element
    const sizes: [(typeof STEP_ARRAYS)[number], number][] = [
      ["par", 64 * n],
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
      ["targets", 4 * tables.targetAt.length],
      ["qDest", 4 * queue],
      ["qCount", 4 * cores],
      ["flags", n],
    ];
    for (const [name, bytes] of sizes) {
      layout[name] = next;
      next += Math.ceil(bytes / 8) * 8;
    }
    if (next + 8 > 2 ** 31) return undefined;
    const memory = new wasm.Memory({ initial: Math.ceil((next + 8) / PAGE) });
    const { exports } = new wasm.Instance(module, { m: { memory } });
    return new StepWasm(
      memory.buffer,
      layout,
      exports.step as StepFn,
      net,
      account,
      tables,
      trainStart,
      trainSteps,
    );
  }

  private constructor(
    buffer: ArrayBuffer,
    layout: Record<(typeof STEP_ARRAYS)[number], number>,
    run: StepFn,
    net: ConventionNet,
    account: SanafeAccount,
    tables: StepTables,
    trainStart: Int32Array,
    trainSteps: Int32Array,
  ) {
    const n = net.neurons;
    const cores = net.cores.length;
    this.cores = cores;
    const queue = account.queueStart[cores]!;
    const i32 = (name: keyof typeof layout, length: number) => new Int32Array(buffer, layout[name], length);
    const f64 = (name: keyof typeof layout, length: number) => new Float64Array(buffer, layout[name], length);
    f64("par", 8 * n).set(tables.par);
    f64("reset", n).set(tables.reset);
    new Uint8Array(buffer, layout.flags, n).set(tables.flags);
    i32("slotStart", cores + 1).set(account.slotStart);
    i32("order", n).set(account.order);
    i32("trainAt", n).set(trainStart.subarray(0, n));
    i32("trainStart", n + 1).set(trainStart.subarray(0, n + 1));
    i32("trainSteps", trainSteps.length).set(trainSteps);
    i32("targets", tables.targetAt.length).set(tables.targetAt);
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
    this.args = [
      cores,
      ...STEP_ARRAYS.map((name) => layout[name]),
      tables.countBits,
      tables.limit64,
      net.axonOut.l,
    ];
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
