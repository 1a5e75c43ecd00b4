// The direct run of a SANA-FE network file under the sanafe convention: SANA-FE's leaky_integrate_fire and
// input somas stepped in doubles over typed arrays (no NetGraph, no compile, no mapping: the file's own
// `mappings:` place every neuron), each step handed to the convention's account (account.ts). It runs only where
// it fires what the compiled chip fires (direct-domain.ts decides; direct-run.test.ts checks it on random nets).

import { SanafeAccount, type SanafeTotals } from "./account.js";
import type { ConventionNet } from "./net.js";

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
 * passes `limit`.
 */
export function runDirect(
  net: ConventionNet & { weight: Float64Array },
  s: DirectSomas,
  steps: number,
  limit: number,
): DirectRunResult {
  const n = net.neurons;
  const account = new SanafeAccount(net);
  const v = new Float64Array(n);
  let current = new Int32Array(n);
  let next = new Int32Array(n);
  let reached = new Uint8Array(n);
  let reachedNext = new Uint8Array(n);
  const vBefore = new Float64Array(n);
  const fired = new Uint8Array(n);
  const firedList = new Int32Array(n);
  const firedPerNeuron = new Int32Array(n);
  const spikesPerStep = new Int32Array(steps);
  const activePerNeuron = new Int32Array(n);
  const byGroup = connectionsByGroup(net);
  const nonzeroOpsInto = new Float64Array(net.groups.length);
  let lastCount = 0;
  const result = (outgrewAt: number): DirectRunResult => {
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
  const { postStart, post } = net;
  const w64 = new Int32Array(net.weight.length);
  for (let r = 0; r < w64.length; r++) w64[r] = net.weight[r]! * 64;
  for (let t = 0; t < steps; t++) {
    let count = 0;
    for (let k = 0; k < n; k++) {
      if (isInput[k] === 1) {
        const at = trainAt[k]!;
        const fire = at < trainStart[k + 1]! && trainSteps[at] === t;
        if (fire) trainAt[k] = at + 1;
        fired[k] = fire ? 1 : 0;
        if (fire) firedList[count++] = k;
        continue;
      }
      let vk = v[k]!;
      vBefore[k] = vk;
      const input = current[k]!;
      if (input !== 0 || bias[k] !== 0) activePerNeuron[k]!++;
      vk = Math.trunc(vk * leakDecay[k]! * 64) / 64 + bias[k]! + input / 64;
      current[k] = 0;
      let fire = 0;
      if (vk > threshold[k]!) {
        fire = 1;
        firedList[count++] = k;
        const mode = resetMode[k]!;
        if (mode === RESET_HARD) vk = reset[k]!;
        else if (mode === RESET_SOFT) vk -= threshold[k]!;
      }
      if (reverseSaturate[k] === 1 && vk < reverseThreshold[k]!) vk = reverseThreshold[k]!;
      fired[k] = fire;
      v[k] = vk;
      if (vk > limit || vk < -limit) return result(t);
    }
    let inputs = 0;
    for (let i = 0; i < count; i++) inputs += isInput[firedList[i]!]!;
    spikesPerStep[t] = count - inputs;
    lastCount = count;
    reachedNext.fill(0);
    for (let i = 0; i < count; i++) {
      const k = firedList[i]!;
      firedPerNeuron[k]!++;
      const end = postStart[k + 1]!;
      for (let r = postStart[k]!; r < end; r++) {
        const d = post[r]!;
        next[d]! += w64[r]!;
        reachedNext[d] = 1;
      }
    }
    account.step(fired, vBefore, reached);
    // this step's spikes are the next step's input
    [current, next] = [next, current];
    [reached, reachedNext] = [reachedNext, reached];
  }
  return result(-1);
}
