// One step of the direct run (direct-run.ts): every neuron in processing order, core by core — its soma updated,
// its spike delivered, and the account's work for it (account.ts `step`: the same sums in the same order) — its
// messages written to the scheduler's batch. A class of its own, called once a step, so the engine optimizes it
// as a whole function early instead of replacing one long loop on the stack several times.

import type { SanafeAccount } from "./account.js";
import { type ConnectionForm, connectionTargets } from "./connection-targets.js";
import { type DirectSomas, RESET_HARD, RESET_SOFT } from "./direct-somas.js";
import type { ConventionNet } from "./net.js";
import type { QueueBatch } from "./schedule-batches.js";
import { StepWasm } from "./step-wasm.js";

export type { ConnectionForm } from "./connection-targets.js";

export { type DirectSomas, RESET_HARD, RESET_NONE, RESET_SOFT } from "./direct-somas.js";

/** Where a step's sums are in `DirectStepper.sums`. */
export const STEP_FIRED = 0;
export const STEP_INPUTS = 1;
export const STEP_UPDATED = 2;
export const STEP_MESSAGES = 3;
export const STEP_HOPS = 4;
export const STEP_SYNAPTIC_EVENTS = 5;
export const STEP_SOMA_J = 6;
export const STEP_SYNAPSE_J = 7;
export const STEP_DENDRITE_J = 8;
export const STEP_NETWORK_J = 9;

/** Where a neuron's values are in `DirectStepper.par` (leak, threshold, bias and floor in 1/64 units; its soma's
 * access and update costs), and its bits in `flags` (input, the account's update rule, reset mode, floor). */
const PAR_STRIDE = 8;
const PAR_LEAK = 0;
const PAR_THRESHOLD = 1;
const PAR_BIAS = 2;
const PAR_REVERSE_THRESHOLD = 3;
const PAR_ACCESS_E = 4;
const PAR_ACCESS_L = 5;
const PAR_UPDATE_E = 6;
const PAR_UPDATE_L = 7;
const FLAG_INPUT = 1;
const FLAG_RULE_SHIFT = 1;
const FLAG_RESET_SHIFT = 3;
const FLAG_REVERSE_SATURATE = 32;

export class DirectStepper {
  /** The last step's counts and energy (STEP_*). */
  readonly sums = new Float64Array(10);
  /** Per position in processing order (neuron `order[i]`): its potential and reset in 1/64 units — v·64 is an
   * integer (the domain puts every value on the 1/64 grid), so trunc(v·leak·64)/64 + bias + u/64 is, exactly,
   * (trunc(V·leak) + B + U)/64. The per-step arrays are by position, so the loop walks memory in order. */
  private readonly v: Float64Array;
  private readonly reset: Float64Array;
  /** What the loop reads of every neuron each step, side by side (one stream of memory, not eight): PAR_*
   * values (leak, threshold, bias, floor in 1/64 units; its soma's access and update costs), and FLAG_* bits. */
  private readonly par: Float64Array;
  private readonly flags: Uint8Array;
  private readonly limit64: number;
  /** Per connection (the net's CSR by neuron): its target's position in the upper 16 bits and its weight × 64
   * in the lower 16 (`packed`: every position and weight fits; one 4-byte read per synaptic event, the loop's
   * bulk), else the target's position alone (weights from the net's weight64). */
  private readonly targetAt: Int32Array;
  private readonly packed: boolean;
  /** Bits of a step's arrival count in `current` (0: none, `reached` says whether a spike arrived). With k bits,
   * `current` holds Σ(weight × 64 · 2^k + 1) over the step's arrivals — the weights' sum above, the count below,
   * exact in an Int32 (connectionTargets checks the neuron's count and Σ|weight × 64| fit) — so a synaptic event
   * is one read and one add, with no second array to mark. */
  private readonly countBits: number;
  /** This step's input current (1/64 units) and whether any spike reached the neuron; the next step's. */
  private current: Int32Array;
  private next: Int32Array;
  private reached: Uint8Array;
  private reachedNext: Uint8Array;
  /** Per input neuron, the position of its next spike in its train. */
  private readonly trainAt: Int32Array;
  /** Per position: steps with a nonzero input or bias. */
  private readonly activeAt: Int32Array;
  readonly firedList: Int32Array;
  readonly firedPerNeuron: Int32Array;
  /** The step in WebAssembly (counted connections, `auto`), which then holds the per-step state itself. */
  private readonly wasm?: StepWasm;

  constructor(
    private readonly net: ConventionNet & { weight64: Int32Array; fanIn64?: Float64Array },
    private readonly s: DirectSomas,
    private readonly account: SanafeAccount,
    limit: number,
    form: ConnectionForm = "auto",
  ) {
    const n = net.neurons;
    this.v = new Float64Array(n);
    this.reset = new Float64Array(n);
    this.par = new Float64Array(n * PAR_STRIDE);
    this.flags = new Uint8Array(n);
    const { order, rule, accessE, accessL, updateE, updateL } = account;
    const positionOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = order[i]!;
      positionOf[k] = i;
      const p = i * PAR_STRIDE;
      this.reset[i] = s.reset[k]! * 64;
      this.par[p + PAR_LEAK] = s.leakDecay[k]!;
      this.par[p + PAR_THRESHOLD] = s.threshold[k]! * 64;
      this.par[p + PAR_BIAS] = s.bias[k]! * 64;
      this.par[p + PAR_REVERSE_THRESHOLD] = s.reverseThreshold[k]! * 64;
      this.par[p + PAR_ACCESS_E] = accessE[i]!;
      this.par[p + PAR_ACCESS_L] = accessL[i]!;
      this.par[p + PAR_UPDATE_E] = updateE[i]!;
      this.par[p + PAR_UPDATE_L] = updateL[i]!;
      this.flags[i] =
        (s.isInput[k] === 1 ? FLAG_INPUT : 0) |
        (rule[k]! << FLAG_RULE_SHIFT) |
        (s.resetMode[k]! << FLAG_RESET_SHIFT) |
        (s.reverseSaturate[k] === 1 ? FLAG_REVERSE_SATURATE : 0);
    }
    this.limit64 = limit * 64;
    this.current = new Int32Array(n);
    this.next = new Int32Array(n);
    this.reached = new Uint8Array(n);
    this.reachedNext = new Uint8Array(n);
    this.trainAt = s.trainStart.slice(0, n);
    // counted connections stepped in WebAssembly, packed there (no JS copy); else the densest form in JS
    this.wasm =
      form === "auto"
        ? StepWasm.make(
            net,
            account,
            { par: this.par, flags: this.flags, reset: this.reset, positionOf, limit64: this.limit64 },
            { start: s.trainStart, steps: s.trainSteps },
          )
        : undefined;
    const targets = this.wasm
      ? { at: new Int32Array(0), packed: true, countBits: this.wasm.countBits }
      : connectionTargets(net.post, net.weight64, positionOf, form, net.fanIn64);
    this.targetAt = targets.at;
    this.packed = targets.packed;
    this.countBits = targets.countBits;
    this.activeAt = this.wasm?.activeAt ?? new Int32Array(n);
    this.firedList = this.wasm?.firedList ?? new Int32Array(n);
    this.firedPerNeuron = this.wasm?.firedPerNeuron ?? new Int32Array(n);
  }

  /** Whether the steps run in WebAssembly. */
  get inWasm(): boolean {
    return this.wasm !== undefined;
  }

  /** Per neuron (global order): steps in which its input (current, or a bias) was nonzero. */
  get activePerNeuron(): Int32Array {
    const { order } = this.account;
    const out = new Int32Array(this.net.neurons);
    for (let i = 0; i < out.length; i++) out[order[i]!] = this.activeAt[i]!;
    return out;
  }

  /**
   * Step t: its messages go to `batch` from position `at` (its per-core counts at the batch's next step), its
   * sums to `sums`. Returns the batch position after them, or −1 when a potential passed the limit.
   */
  step(t: number, batch: QueueBatch, at: number): number {
    if (this.wasm) return this.wasm.step(t, batch, at, this.sums);
    const { v, reset, par, flags, limit64, current, next, reached, reachedNext, targetAt, packed } = this;
    const countBits = this.countBits;
    const counted = countBits > 0;
    const countMask = (1 << countBits) - 1;
    const weightShift = 16 - countBits;
    const { trainAt, firedList, firedPerNeuron, activeAt } = this;
    const { trainStart, trainSteps } = this.s;
    const { postStart, somaOf, msgStart, msgCore, msgDendriteJ, weight64: w64 } = this.net;
    const { somaE, somaL, msgSynOnlyJ, msgNetJ, msgProcS, order, slotStart } = this.account;
    const { neuronHops, neuronSynapses } = this.account;
    const { counts: qCount, dest: qDest, gen: qGen, proc: qProc } = batch;
    const axonOutL = this.net.axonOut.l;
    const cores = this.net.cores.length;
    let count = 0;
    let inputs = 0;
    let somaJ = 0;
    let synJ = 0;
    let denJ = 0;
    let netJ = 0;
    let updatedCount = 0;
    let messages = 0;
    let hops = 0;
    let synapticEvents = 0;
    const countsAt = batch.steps * cores;
    for (let slot = 0; slot < cores; slot++) {
      const first = at;
      let pending = 0;
      const end = slotStart[slot + 1]!;
      for (let i = slotStart[slot]!; i < end; i++) {
        const p = i * PAR_STRIDE;
        const f = flags[i]!;
        const rule = (f >> FLAG_RULE_SHIFT) & 3;
        somaJ += par[p + PAR_ACCESS_E]!;
        pending += par[p + PAR_ACCESS_L]!;
        let fire = false;
        // 1 when the neuron counts as updated, as a number: its costs are added times it (× 1 exact, × 0 adds
        // +0), with no branch on a bit that changes from neuron to neuron
        let updated: number;
        if ((f & FLAG_INPUT) !== 0) {
          const k = order[i]!;
          const from = trainAt[k]!;
          fire = from < trainStart[k + 1]! && trainSteps[from] === t;
          if (fire) {
            trainAt[k] = from + 1;
            inputs++;
          }
          updated = fire || rule === 1 ? 1 : 0;
        } else {
          let vk = v[i]!;
          const arrived = current[i]!;
          const input = counted ? arrived >> countBits : arrived;
          const b = par[p + PAR_BIAS]!;
          const got = counted ? +((arrived & countMask) !== 0) : reached[i]!;
          updated = rule === 1 ? 1 : rule === 2 ? got | +(vk !== 0) : 0;
          if (input !== 0 || b !== 0) activeAt[i]!++;
          vk = Math.trunc(vk * par[p + PAR_LEAK]!) + b + input;
          current[i] = 0;
          const threshold = par[p + PAR_THRESHOLD]!;
          if (vk > threshold) {
            fire = true;
            const mode = (f >> FLAG_RESET_SHIFT) & 3;
            if (mode === RESET_HARD) vk = reset[i]!;
            else if (mode === RESET_SOFT) vk -= threshold;
          }
          if ((f & FLAG_REVERSE_SATURATE) !== 0 && vk < par[p + PAR_REVERSE_THRESHOLD]!)
            vk = par[p + PAR_REVERSE_THRESHOLD]!;
          v[i] = vk;
          if (vk > limit64 || vk < -limit64) return -1;
        }
        if (!counted) reached[i] = 0;
        if (fire) updated = 1;
        updatedCount += updated;
        somaJ += par[p + PAR_UPDATE_E]! * updated;
        pending += par[p + PAR_UPDATE_L]! * updated;
        if (!fire) continue;
        const k = order[i]!;
        firedList[count++] = k;
        firedPerNeuron[k]!++;
        const u = somaOf[k]! * 3 + 2;
        somaJ += somaE[u]!;
        pending += somaL[u]!;
        // the spike reaches its targets next step
        const postEnd = postStart[k + 1]!;
        if (counted)
          for (let r = postStart[k]!; r < postEnd; r++) {
            const x = targetAt[r]!;
            next[x >>> 16]! += ((x << 16) >> weightShift) + 1;
          }
        else if (packed)
          for (let r = postStart[k]!; r < postEnd; r++) {
            const x = targetAt[r]!;
            const d = x >>> 16;
            next[d]! += (x << 16) >> 16;
            reachedNext[d] = 1;
          }
        else
          for (let r = postStart[k]!; r < postEnd; r++) {
            const d = targetAt[r]!;
            next[d]! += w64[r]!;
            reachedNext[d] = 1;
          }
        const msgEnd = msgStart[k + 1]!;
        messages += msgEnd - msgStart[k]!;
        hops += neuronHops[k]!;
        synapticEvents += neuronSynapses[k]!;
        for (let m = msgStart[k]!; m < msgEnd; m++) {
          synJ += msgSynOnlyJ[m]!;
          denJ += msgDendriteJ[m]!;
          netJ += msgNetJ[m]!;
          qDest[at] = msgCore[m]!;
          qGen[at] = pending + axonOutL;
          qProc[at] = msgProcS[m]!;
          at++;
          pending = 0;
        }
      }
      // neuron processing after the core's last message: a placeholder that only takes time
      if (pending !== 0) {
        qDest[at] = -1;
        qGen[at] = pending;
        qProc[at] = 0;
        at++;
      }
      qCount[countsAt + slot] = at - first;
    }
    const sums = this.sums;
    sums[STEP_FIRED] = count;
    sums[STEP_INPUTS] = inputs;
    sums[STEP_UPDATED] = updatedCount;
    sums[STEP_MESSAGES] = messages;
    sums[STEP_HOPS] = hops;
    sums[STEP_SYNAPTIC_EVENTS] = synapticEvents;
    sums[STEP_SOMA_J] = somaJ;
    sums[STEP_SYNAPSE_J] = synJ;
    sums[STEP_DENDRITE_J] = denJ;
    sums[STEP_NETWORK_J] = netJ;
    // this step's spikes are the next step's input (every current and reached flag read above is now 0)
    this.current = next;
    this.next = current;
    this.reached = reachedNext;
    this.reachedNext = reached;
    return at;
  }
}
