// The direct run of a SANA-FE network file under the sanafe convention: SANA-FE's leaky_integrate_fire and
// input somas stepped in doubles over typed arrays (no NetGraph, no compile, no mapping: the file's own
// `mappings:` place every neuron), each step doing the convention's account (account.ts) as it goes
// (direct-step.ts) and its messages timed on a second thread (schedule-batches.ts). It runs only where it fires
// what the compiled chip fires (direct-domain.ts decides; direct-run.test.ts checks it on random nets).

import { SanafeAccount, type SanafeTotals } from "./account.js";
import {
  type ConnectionForm,
  type DirectSomas,
  DirectStepper,
  STEP_DENDRITE_J,
  STEP_FIRED,
  STEP_HOPS,
  STEP_INPUTS,
  STEP_MESSAGES,
  STEP_NETWORK_J,
  STEP_SOMA_J,
  STEP_SYNAPSE_J,
  STEP_SYNAPTIC_EVENTS,
  STEP_UPDATED,
} from "./direct-step.js";
import type { ConventionNet } from "./net.js";
import { nonzeroOpsByWalk, nonzeroOpsFromTable } from "./nonzero-ops.js";
import { scheduleGeometry } from "./schedule.js";
import { BATCH_STEPS, BatchScheduler } from "./schedule-batches.js";

export { type ConnectionForm, type DirectSomas, RESET_HARD, RESET_NONE, RESET_SOFT } from "./direct-step.js";

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
  /** Whether the steps ran in WebAssembly (step-wasm.ts) rather than the JS loop: the same run either way. */
  steppedInWasm: boolean;
}

/** The groups' first neurons, then the neuron count (nonzero-ops.ts's `groupStart`). */
function groupStarts(net: ConventionNet): Int32Array {
  const start = new Int32Array(net.groups.length + 1);
  net.groups.forEach((g, i) => {
    start[i] = g.start;
  });
  start[net.groups.length] = net.neurons;
  return start;
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
 * the run ends. `form`: how the loop holds connections and whether it runs in WebAssembly (direct-step.ts; all
 * give the same run). `nonzeroTargets`: nonzero-ops.ts's table of this net where one was made ahead (else the
 * run walks its connections for the per-group ops at the end).
 */
export function runDirect(
  net: ConventionNet & { weight64: Int32Array },
  s: DirectSomas,
  steps: number,
  limit: number,
  scheduler = new BatchScheduler(),
  form: ConnectionForm = "auto",
  nonzeroTargets?: Int32Array,
): DirectRunResult {
  const account = new SanafeAccount(net);
  const spikesPerStep = new Int32Array(steps);
  let lastCount = 0;
  const result = (outgrewAt: number): DirectRunResult => {
    // the counts first: the scheduler's thread may still be on the last batches meanwhile
    const { firedList, firedPerNeuron, activePerNeuron } = stepper;
    const delivered = firedPerNeuron.slice();
    for (let i = 0; i < lastCount; i++) delivered[firedList[i]!]!--;
    const nonzeroOpsInto = nonzeroTargets
      ? nonzeroOpsFromTable(nonzeroTargets, net.groups.length, delivered)
      : nonzeroOpsByWalk(net.postStart, net.post, net.weight64, groupStarts(net), delivered);
    if (outgrewAt >= 0) scheduler.close();
    else for (const time of scheduler.finish().subarray(0, steps)) account.addStepTime(time);
    const totals = account.totals;
    const steppedInWasm = stepper.inWasm;
    return {
      totals,
      firedPerNeuron,
      spikesPerStep,
      activePerNeuron,
      nonzeroOpsInto,
      outgrewAt,
      steppedInWasm,
    };
  };
  const stepper = new DirectStepper(net, s, account, limit, form);
  const cores = net.cores.length;
  // a batch always has room for one more step of the most messages (and placeholders) a step can send
  const stepMost = account.queueStart[cores]!;
  const capacity = stepMost + 16384;
  scheduler.begin(scheduleGeometry(net), steps, capacity);
  let batch = scheduler.take(0);
  let at = 0;
  const sums = stepper.sums;
  for (let t = 0; t < steps; t++) {
    at = stepper.step(t, batch, at);
    if (at < 0) return result(t);
    const count = sums[STEP_FIRED]!;
    spikesPerStep[t] = count - sums[STEP_INPUTS]!;
    lastCount = count;
    account.addStep(
      sums[STEP_UPDATED]!,
      count,
      sums[STEP_MESSAGES]!,
      sums[STEP_HOPS]!,
      sums[STEP_SYNAPTIC_EVENTS]!,
      sums[STEP_SOMA_J]!,
      sums[STEP_SYNAPSE_J]!,
      sums[STEP_DENDRITE_J]!,
      sums[STEP_NETWORK_J]!,
    );
    batch.steps++;
    if (batch.steps === BATCH_STEPS || capacity - at < stepMost || t === steps - 1) {
      scheduler.submit(batch);
      if (t < steps - 1) {
        batch = scheduler.take(t + 1);
        at = 0;
      }
    }
  }
  return result(-1);
}
