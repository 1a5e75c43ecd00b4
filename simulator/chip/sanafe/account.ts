// SANA-FE's counting and costing of one run, step by step, over a ConventionNet: every neuron accessed every
// step; "updated" when its potential was nonzero, it got a message last step or it has a bias (or it fired);
// one message per (firing neuron, destination core holding any connection of it, zero weights included), its
// synaptic look-ups counted and charged in the step it is sent; hops by direction; no static power.

import type { ConventionNet } from "./net.js";
import { DetailedScheduler, type MessageQueues } from "./schedule.js";

export interface SanafeTotals {
  steps: number;
  /** The sync latency added to every step (s). */
  syncS: number;
  fired: number;
  neuronsUpdated: number;
  synapticEvents: number;
  messages: number;
  hops: number;
  energy: { synapseJ: number; dendriteJ: number; somaJ: number; networkJ: number; totalJ: number };
  /** Σ of every step's scheduled time + sync (s). */
  simulatedS: number;
  perStepS: number[];
  perStepJ: number[];
  /** Messages and synaptic events of each step. */
  perStepMessages: number[];
  perStepSynapticEvents: number[];
}

export const zeroTotals = (): SanafeTotals => ({
  steps: 0,
  syncS: 0,
  fired: 0,
  neuronsUpdated: 0,
  synapticEvents: 0,
  messages: 0,
  hops: 0,
  energy: { synapseJ: 0, dendriteJ: 0, somaJ: 0, networkJ: 0, totalJ: 0 },
  simulatedS: 0,
  perStepS: [],
  perStepJ: [],
  perStepMessages: [],
  perStepSynapticEvents: [],
});

export class SanafeAccount {
  readonly totals = zeroTotals();
  /** Neurons a message reached in the step before (their soma sees a current this step). */
  private gotInput: Uint8Array;
  private nextInput: Uint8Array;
  /** Per core slot, where its messages start in a step's queues (the last entry: their total, the most one step
   * can send with one placeholder per core). */
  readonly queueStart: Int32Array;
  /** The step's message queues and their scheduler, made on the first `step` (the direct run has its own). */
  private stepQueues?: MessageQueues;
  private stepScheduler?: DetailedScheduler;
  /** Per soma unit, its access / update / spike-out energy (J) and latency (s), flat for the per-neuron loop. */
  readonly somaE: Float64Array;
  readonly somaL: Float64Array;
  /** Per message: its synapse-only energy, its network energy (axon out + in + hops by direction) and its proc
   * time at the destination (axon in + look-ups), each computed once as the step loop would. */
  readonly msgSynOnlyJ: Float64Array;
  readonly msgNetJ: Float64Array;
  readonly msgProcS: Float64Array;
  /** Every neuron in processing order (core slot by core slot, `slotStart` marks each core's first), with its
   * soma's access and update costs at the same position, so the per-neuron loop reads memory in order. */
  readonly order: Int32Array;
  readonly slotStart: Int32Array;
  readonly accessE: Float64Array;
  readonly accessL: Float64Array;
  readonly updateE: Float64Array;
  readonly updateL: Float64Array;
  /** Per neuron: 0 an input (updated only when it fires), 1 a bias (always updated), 2 any other. */
  readonly rule: Uint8Array;
  /** Per neuron, the hops and synaptic look-ups of all its messages (whole numbers: summed once, exactly). */
  readonly neuronHops: Float64Array;
  readonly neuronSynapses: Float64Array;

  constructor(readonly net: ConventionNet) {
    this.gotInput = new Uint8Array(net.neurons);
    this.nextInput = new Uint8Array(net.neurons);
    // a core sends at most one message per (neuron, destination core) and one neuron-work placeholder a step
    const cores = net.cores.length;
    const start = new Int32Array(cores + 1);
    net.cores.forEach((core, slot) => {
      let capacity = 1;
      const members = core.neurons;
      for (let j = 0; j < members.length; j++)
        capacity += net.msgStart[members[j]! + 1]! - net.msgStart[members[j]!]!;
      start[slot + 1] = start[slot]! + capacity;
    });
    this.queueStart = start;
    this.somaE = new Float64Array(net.soma.length * 3);
    this.somaL = new Float64Array(net.soma.length * 3);
    const messages = net.msgCore.length;
    // the per-message loops below write through locals, not `this.…`: they run once, cold, over 10⁵–10⁶ messages
    const msgSynOnlyJ = new Float64Array(messages);
    const msgNetJ = new Float64Array(messages);
    const msgProcS = new Float64Array(messages);
    this.msgSynOnlyJ = msgSynOnlyJ;
    this.msgNetJ = msgNetJ;
    this.msgProcS = msgProcS;
    const { axonIn, axonOut, coreOf, msgStart, msgCore, msgSynapseJ, msgDendriteJ, msgLatencyS } = net;
    // the cores' places as numbers (a message's loop reads no object: it runs once, over 10⁵–10⁶ messages)
    const coreX = Int32Array.from(net.cores, (c) => c.x);
    const coreY = Int32Array.from(net.cores, (c) => c.y);
    const [eastE, westE, northE, southE] = [net.hopEast.e, net.hopWest.e, net.hopNorth.e, net.hopSouth.e];
    const sendE = axonOut.e + axonIn.e;
    const axonInL = axonIn.l;
    const n = net.neurons;
    const neuronHops = new Float64Array(n);
    const neuronSynapses = new Float64Array(n);
    const { msgSynapses } = net;
    for (let k = 0; k < n; k++) {
      const x = coreX[coreOf[k]!]!;
      const y = coreY[coreOf[k]!]!;
      const end = msgStart[k + 1]!;
      let hopsOfK = 0;
      let synapsesOfK = 0;
      for (let m = msgStart[k]!; m < end; m++) {
        const toX = coreX[msgCore[m]!]!;
        const toY = coreY[msgCore[m]!]!;
        const dx = Math.abs(toX - x);
        const dy = Math.abs(toY - y);
        msgSynOnlyJ[m] = msgSynapseJ[m]! - msgDendriteJ[m]!;
        // SANA-FE's rule: +x is east, anything else west; +y north, else south
        msgNetJ[m] = sendE + dx * (x < toX ? eastE : westE) + dy * (y < toY ? northE : southE);
        msgProcS[m] = axonInL + msgLatencyS[m]!;
        // per neuron, its messages' hops and synapses (whole numbers: exact in this order, as in any)
        hopsOfK += dx + dy;
        synapsesOfK += msgSynapses[m]!;
      }
      neuronHops[k] = hopsOfK;
      neuronSynapses[k] = synapsesOfK;
    }
    this.neuronHops = neuronHops;
    this.neuronSynapses = neuronSynapses;
    net.soma.forEach((s, i) => {
      [s.access, s.update, s.spikeOut].forEach((c, j) => {
        this.somaE[i * 3 + j] = c.e;
        this.somaL[i * 3 + j] = c.l;
      });
    });
    this.order = new Int32Array(n);
    this.slotStart = new Int32Array(cores + 1);
    this.accessE = new Float64Array(n);
    this.accessL = new Float64Array(n);
    this.updateE = new Float64Array(n);
    this.updateL = new Float64Array(n);
    let i = 0;
    net.cores.forEach((core, slot) => {
      const members = core.neurons;
      for (let j = 0; j < members.length; j++) {
        const k = members[j]!;
        const soma = net.soma[net.somaOf[k]!]!;
        this.order[i] = k;
        this.accessE[i] = soma.access.e;
        this.accessL[i] = soma.access.l;
        this.updateE[i] = soma.update.e;
        this.updateL[i] = soma.update.l;
        i++;
      }
      this.slotStart[slot + 1] = i;
    });
    this.rule = new Uint8Array(n);
    for (let k = 0; k < n; k++) this.rule[k] = net.isInput[k] ? 0 : net.hasBias[k] ? 1 : 2;
  }

  reset(): void {
    Object.assign(this.totals, zeroTotals());
    this.gotInput.fill(0);
  }

  /**
   * One step. `fired[k]`: neuron k fired this step; `vBefore[k]`: its potential before this step's update
   * (SANA-FE's potential after the previous step's reset; only whether it is nonzero counts). `reached`, when
   * the caller already walked the spikes' connections: `reached[k]` = 1 when a spike of the step before reached
   * neuron k (else the account marks them itself, from this step's spikes, for the next).
   */
  step(fired: Uint8Array, vBefore: Float64Array, reached?: Uint8Array): void {
    const net = this.net;
    const got = reached ?? this.gotInput;
    const next = this.nextInput;
    if (!reached) next.fill(0);
    let somaJ = 0;
    let synJ = 0;
    let denJ = 0;
    let netJ = 0;
    let updatedCount = 0;
    let firedCount = 0;
    let messages = 0;
    let hops = 0;
    let synapticEvents = 0;
    const { somaOf, postStart, post, msgStart, msgCore, msgDendriteJ } = net;
    const { somaE, somaL, msgSynOnlyJ, msgNetJ, msgProcS, order, slotStart, rule } = this;
    const { accessE, accessL, updateE, updateL, neuronHops, neuronSynapses } = this;
    const axonOutL = net.axonOut.l;
    const total = this.queueStart[net.cores.length]!;
    this.stepQueues ??= {
      start: this.queueStart,
      count: new Int32Array(net.cores.length),
      dest: new Int32Array(total),
      gen: new Float64Array(total),
      proc: new Float64Array(total),
    };
    const queues = this.stepQueues;
    const { start: qStart, count: qCount, dest: qDest, gen: qGen, proc: qProc } = queues;
    for (let slot = 0; slot < net.cores.length; slot++) {
      let at = qStart[slot]!;
      let pending = 0;
      const end = slotStart[slot + 1]!;
      for (let i = slotStart[slot]!; i < end; i++) {
        const k = order[i]!;
        somaJ += accessE[i]!;
        pending += accessL[i]!;
        const fire = fired[k] === 1;
        const how = rule[k]!;
        if (fire || how === 1 || (how === 2 && (got[k] === 1 || vBefore[k] !== 0))) {
          updatedCount++;
          somaJ += updateE[i]!;
          pending += updateL[i]!;
        }
        if (!fire) continue;
        firedCount++;
        const u = somaOf[k]! * 3 + 2;
        somaJ += somaE[u]!;
        pending += somaL[u]!;
        if (!reached) {
          const postEnd = postStart[k + 1]!;
          for (let r = postStart[k]!; r < postEnd; r++) next[post[r]!] = 1;
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
      qCount[slot] = at - qStart[slot]!;
    }
    if (!reached) {
      this.gotInput = next;
      this.nextInput = got;
    }
    this.addStep(updatedCount, firedCount, messages, hops, synapticEvents, somaJ, synJ, denJ, netJ);
    this.stepScheduler ??= new DetailedScheduler(net);
    this.addStepTime(this.stepScheduler.schedule(queues));
  }

  /**
   * Adds a step's counts and energy (summed in processing order) to the totals; its time follows by
   * `addStepTime`, step by step in the same order (the direct run schedules on another thread).
   */
  addStep(
    updatedCount: number,
    firedCount: number,
    messages: number,
    hops: number,
    synapticEvents: number,
    somaJ: number,
    synJ: number,
    denJ: number,
    netJ: number,
  ): void {
    const t = this.totals;
    t.neuronsUpdated += updatedCount;
    t.fired += firedCount;
    t.messages += messages;
    t.hops += hops;
    t.synapticEvents += synapticEvents;
    const e = t.energy;
    e.somaJ += somaJ;
    e.synapseJ += synJ;
    e.dendriteJ += denJ;
    e.networkJ += netJ;
    e.totalJ += somaJ + synJ + denJ + netJ;
    t.perStepJ.push(somaJ + synJ + denJ + netJ);
    t.perStepMessages.push(messages);
    t.perStepSynapticEvents.push(synapticEvents);
    t.steps++;
  }

  /** Adds the scheduled length (s, without the sync) of the next step not yet timed. */
  addStepTime(scheduledS: number): void {
    const t = this.totals;
    const stepS = scheduledS + this.net.syncS;
    t.perStepS.push(stepS);
    t.simulatedS += stepS;
    t.syncS = this.net.syncS;
  }
}
