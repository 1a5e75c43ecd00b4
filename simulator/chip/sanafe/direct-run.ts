// The direct run of a SANA-FE network file under the sanafe convention: SANA-FE's leaky_integrate_fire and
// input somas stepped in doubles over typed arrays (no NetGraph, no compile, no mapping: the file's own
// `mappings:` place every neuron), each step handed to the convention's account (account.ts). It runs only where
// it fires what the compiled chip fires (direct-domain.ts decides; direct-run.test.ts checks it on random nets).

import { SanafeAccount, type SanafeTotals } from "./account.js";
import type { ConventionNet } from "./net.js";
import { scheduleGeometry } from "./schedule.js";
import { BATCH_STEPS, BatchScheduler } from "./schedule-batches.js";

/** Reset after a fire: none (also SANA-FE's `saturate`, which has no forward reset), soft (v −= threshold),
 * hard (v = reset). */
export const RESET_NONE = 0;
export const RESET_SOFT = 1;
export const RESET_HARD = 2;

/** Every neuron's soma in global order (the ConventionNet's): LIF parameters, or an input's spike train. */
export interface DirectSomas {
  isInput: Uint8Array;
  threshold: Float64Array;
  reverseThreshold: Float64Array;
  reset: Float64Array;
  bias: Float64Array;
  leakDecay: Float64Array;
  inputDecay: Float64Array;
  resetMode: Uint8Array;
  /** 1: reverse_reset_mode saturate (v floored at reverse_threshold); 0: none. */
  reverseSaturate: Uint8Array;
  /** Input neurons: the steps (0-based, ascending) their `spikes:` train has a 1 at (CSR over trainSteps). */
  trainStart: Int32Array;
  trainSteps: Int32Array;
}

export interface DirectRunResult {
  totals: SanafeTotals;
  /** Spikes per neuron over the run (global order). */
  firedPerNeuron: Int32Array;
  /** Spikes of the LIF groups per step (input trains not included, as the compiled chip's series). */
  spikesPerStep: Int32Array;
  /** Per LIF neuron: steps in which its input (current, or a bias) was nonzero. */
  activePerNeuron: Int32Array;
  /** Per destination group (ConventionNet order): synaptic ops of nonzero weights delivered within the run
   * (the last step's spikes arrive after it, as the compiled chip counts them). */
  nonzeroOpsInto: Float64Array;
  /** The step a potential first left ±limit (the compiled state would have saturated), else −1. */
  outgrewAt: number;
}

/** Per source neuron, its connections by destination group: (group, nonzero-weight count), CSR. */
function connectionsByGroup(net: ConventionNet & { weight: Float64Array }) {
  const groupOf = new Int32Array(net.neurons);
  net.groups.forEach((g, i) => {
    groupOf.fill(i, g.start, g.start + g.size);
  });
  const start = new Int32Array(net.neurons + 1);
  const group: number[] = [];
  const nonzero: number[] = [];
  for (let k = 0; k < net.neurons; k++) {
    const at = group.length;
    for (let r = net.postStart[k]!; r < net.postStart[k + 1]!; r++) {
      const g = groupOf[net.post[r]!]!;
      let j = at;
      while (j < group.length && group[j] !== g) j++;
      if (j === group.length) {
        group.push(g);
        nonzero.push(0);
      }
      if (net.weight[r] !== 0) nonzero[j]!++;
    }
    start[k + 1] = group.length;
  }
  return { start, group: Int32Array.from(group), nonzero: Int32Array.from(nonzero) };
}

/**
 * Runs `steps` steps. Per LIF neuron and step, in SANA-FE's order: v ← v·leak_decay, truncated toward zero to a
 * multiple of 1/64; v += bias; v += the weights of last step's spikes (u, with input_decay 0: direct-domain.ts);
 * fire when v > threshold, then the reset; then the reverse floor. A spike of step t reaches its targets at
 * t + 1. Currents add as integers in 1/64 units (weights are multiples of 1/64 and each neuron's Σ|w| is bounded
 * by the domain, so they are exact and the same as SANA-FE's double sums). Stops early (outgrewAt ≥ 0) once |v|
 * passes `limit`. One pass over the neurons in processing order (core by core) updates each, delivers its spike
 * and does the account's work for it (account.ts `step`, the same sums in the same order), so nothing is walked
 * twice. The steps' messages are timed by `scheduler` (by default on a worker thread beside this loop), which
 * the run ends.
 */
export function runDirect(
  net: ConventionNet & { weight: Float64Array },
  s: DirectSomas,
  steps: number,
  limit: number,
  scheduler = new BatchScheduler(),
): DirectRunResult {
  const n = net.neurons;
  const account = new SanafeAccount(net);
  const v = new Float64Array(n);
  let current = new Int32Array(n);
  let next = new Int32Array(n);
  let reached = new Uint8Array(n);
  let reachedNext = new Uint8Array(n);
  const firedList = new Int32Array(n);
  const firedPerNeuron = new Int32Array(n);
  const spikesPerStep = new Int32Array(steps);
  const activePerNeuron = new Int32Array(n);
  const nonzeroOpsInto = new Float64Array(net.groups.length);
  let lastCount = 0;
  const result = (outgrewAt: number): DirectRunResult => {
    if (outgrewAt >= 0) scheduler.close();
    else for (const time of scheduler.finish(steps).subarray(0, steps)) account.addStepTime(time);
    const byGroup = connectionsByGroup(net);
    const delivered = firedPerNeuron.slice();
    for (let i = 0; i < lastCount; i++) delivered[firedList[i]!]!--;
    for (let k = 0; k < n; k++)
      for (let j = byGroup.start[k]!; j < byGroup.start[k + 1]!; j++)
        nonzeroOpsInto[byGroup.group[j]!]! += delivered[k]! * byGroup.nonzero[j]!;
    const totals = account.totals;
    return { totals, firedPerNeuron, spikesPerStep, activePerNeuron, nonzeroOpsInto, outgrewAt };
  };
  const trainAt = s.trainStart.slice(0, n);
  const { isInput, threshold, reverseThreshold, reset, bias, leakDecay, resetMode } = s;
  const { reverseSaturate, trainStart, trainSteps } = s;
  const { postStart, post, somaOf, msgStart, msgCore, msgDendriteJ } = net;
  const w64 = new Int32Array(net.weight.length);
  for (let r = 0; r < w64.length; r++) w64[r] = net.weight[r]! * 64;
  const { somaE, somaL, msgSynOnlyJ, msgNetJ, msgProcS, order, slotStart, rule } = account;
  const { accessE, accessL, updateE, updateL, neuronHops, neuronSynapses } = account;
  const axonOutL = net.axonOut.l;
  const cores = net.cores.length;
  // a batch always has room for one more step of the most messages (and placeholders) a step can send
  const stepMost = account.queues.start[cores]!;
  const capacity = stepMost + 16384;
  scheduler.begin(scheduleGeometry(net), steps, capacity);
  let batch = scheduler.take(0);
  let { counts: qCount, dest: qDest, gen: qGen, proc: qProc } = batch;
  let at = 0;
  for (let t = 0; t < steps; t++) {
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
        const k = order[i]!;
        somaJ += accessE[i]!;
        pending += accessL[i]!;
        let fire = false;
        let updated: boolean;
        if (isInput[k] === 1) {
          const from = trainAt[k]!;
          fire = from < trainStart[k + 1]! && trainSteps[from] === t;
          if (fire) {
            trainAt[k] = from + 1;
            inputs++;
          }
          updated = fire || rule[k] === 1;
        } else {
          let vk = v[k]!;
          const input = current[k]!;
          const b = bias[k]!;
          updated = rule[k] === 1 || (rule[k] === 2 && (reached[k] === 1 || vk !== 0));
          if (input !== 0 || b !== 0) activePerNeuron[k]!++;
          vk = Math.trunc(vk * leakDecay[k]! * 64) / 64 + b + input / 64;
          current[k] = 0;
          if (vk > threshold[k]!) {
            fire = true;
            const mode = resetMode[k]!;
            if (mode === RESET_HARD) vk = reset[k]!;
            else if (mode === RESET_SOFT) vk -= threshold[k]!;
          }
          if (reverseSaturate[k] === 1 && vk < reverseThreshold[k]!) vk = reverseThreshold[k]!;
          v[k] = vk;
          if (vk > limit || vk < -limit) return result(t);
        }
        reached[k] = 0;
        if (fire) updated = true;
        if (updated) {
          updatedCount++;
          somaJ += updateE[i]!;
          pending += updateL[i]!;
        }
        if (!fire) continue;
        firedList[count++] = k;
        firedPerNeuron[k]!++;
        const u = somaOf[k]! * 3 + 2;
        somaJ += somaE[u]!;
        pending += somaL[u]!;
        // the spike reaches its targets next step
        const postEnd = postStart[k + 1]!;
        for (let r = postStart[k]!; r < postEnd; r++) {
          const d = post[r]!;
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
    spikesPerStep[t] = count - inputs;
    lastCount = count;
    account.addStep(updatedCount, count, messages, hops, synapticEvents, somaJ, synJ, denJ, netJ);
    batch.steps++;
    if (batch.steps === BATCH_STEPS || capacity - at < stepMost || t === steps - 1) {
      scheduler.submit(batch);
      if (t < steps - 1) {
        batch = scheduler.take(t + 1);
        ({ counts: qCount, dest: qDest, gen: qGen, proc: qProc } = batch);
        at = 0;
      }
    }
    // this step's spikes are the next step's input
    [current, next] = [next, current];
    [reached, reachedNext] = [reachedNext, reached];
  }
  return result(-1);
}
