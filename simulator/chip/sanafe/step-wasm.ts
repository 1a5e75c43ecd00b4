// The direct run's step loop in WebAssembly (step-module.ts), for counted connections: the network's arrays
// copied once into the module's memory — per-neuron rows and per-message rows side by side, so a fired neuron's
// costs and a message's four values are one read each — and one call a step. The step's messages land at the
// queue's start in that memory and are copied into the scheduler's batch (a few kB a step). Bit for bit the JS
// loop's step (direct-step.ts): the same operations in the same order (direct-step.test.ts compares them).

import { PAGE, wasm } from "../wasm-binary.js";
import type { SanafeAccount } from "./account.js";
import type { ConventionNet } from "./net.js";
import type { QueueBatch } from "./schedule-batches.js";
import {
  MESSAGE_BYTES,
  MESSAGE_CORE,
  MESSAGE_DENDRITE_J,
  MESSAGE_NET_J,
  MESSAGE_PROC_S,
  MESSAGE_SYN_ONLY_J,
  NEURON_BYTES,
  NEURON_HOPS,
  NEURON_MSG,
  NEURON_POST,
  NEURON_SOMA_E,
  NEURON_SOMA_L,
  NEURON_SYNAPSES,
  STEP_ARRAYS,
  stepModule,
} from "./step-module.js";

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
    let next = 0;
    const layout = {} as Record<(typeof STEP_ARRAYS)[number], number>;
    const take = (name: (typeof STEP_ARRAYS)[number], bytes: number) => {
      layout[name] = next;
      next += Math.ceil(bytes / 8) * 8;
    };
    take("par", 64 * n);
    take("v", 8 * n);
    take("reset", 8 * n);
    take("neuron", NEURON_BYTES * n);
    take("messages", MESSAGE_BYTES * net.msgCore.length);
    take("qGen", 8 * queue);
    take("qProc", 8 * queue);
    take("sums", 80);
    take("slotStart", 4 * (cores + 1));
    take("current", 4 * n);
    take("next", 4 * n);
    take("activeAt", 4 * n);
    take("order", 4 * n);
    take("trainAt", 4 * n);
    take("trainStart", 4 * (n + 1));
    take("trainSteps", 4 * trainSteps.length);
    take("firedList", 4 * n);
    take("firedPerNeuron", 4 * n);
    take("targets", 4 * tables.targetAt.length);
    take("qDest", 4 * queue);
    take("qCount", 4 * cores);
    take("flags", n);
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
    // per neuron: its connections and messages (i32 pairs), its fire costs, hops and synaptic events
    const rowsI = new Int32Array(buffer, layout.neuron, (NEURON_BYTES / 4) * n);
    const rowsF = new Float64Array(buffer, layout.neuron, (NEURON_BYTES / 8) * n);
    const { postStart, msgStart, somaOf } = net;
    for (let k = 0; k < n; k++) {
      const i = (k * NEURON_BYTES) / 4;
      const f = (k * NEURON_BYTES) / 8;
      rowsI[i + NEURON_POST / 4] = postStart[k]!;
      rowsI[i + NEURON_POST / 4 + 1] = postStart[k + 1]!;
      rowsI[i + NEURON_MSG / 4] = msgStart[k]!;
      rowsI[i + NEURON_MSG / 4 + 1] = msgStart[k + 1]!;
      const u = somaOf[k]! * 3 + 2;
      rowsF[f + NEURON_SOMA_E / 8] = account.somaE[u]!;
      rowsF[f + NEURON_SOMA_L / 8] = account.somaL[u]!;
      rowsF[f + NEURON_HOPS / 8] = account.neuronHops[k]!;
      rowsF[f + NEURON_SYNAPSES / 8] = account.neuronSynapses[k]!;
    }
    const m = net.msgCore.length;
    const msgI = new Int32Array(buffer, layout.messages, (MESSAGE_BYTES / 4) * m);
    const msgF = new Float64Array(buffer, layout.messages, (MESSAGE_BYTES / 8) * m);
    for (let j = 0; j < m; j++) {
      const f = (j * MESSAGE_BYTES) / 8;
      msgF[f + MESSAGE_SYN_ONLY_J / 8] = account.msgSynOnlyJ[j]!;
      msgF[f + MESSAGE_DENDRITE_J / 8] = net.msgDendriteJ[j]!;
      msgF[f + MESSAGE_NET_J / 8] = account.msgNetJ[j]!;
      msgF[f + MESSAGE_PROC_S / 8] = account.msgProcS[j]!;
      msgI[(j * MESSAGE_BYTES) / 4 + MESSAGE_CORE / 4] = net.msgCore[j]!;
    }
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
