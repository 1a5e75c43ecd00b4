// SANA-FE's counting and costing of one run, step by step, over a ConventionNet: every neuron accessed every
// step; "updated" when its potential was nonzero, it got a message last step or it has a bias (or it fired);
// one message per (firing neuron, destination core holding any connection of it, zero weights included), its
// synaptic look-ups counted and charged in the step it is sent; hops by direction; no static power.

import type { ConventionNet } from "./net.js";
import { type MessageQueues, scheduleDetailed } from "./schedule.js";

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
});

export class SanafeAccount {
  readonly totals = zeroTotals();
  /** Neurons a message reached in the step before (their soma sees a current this step). */
  private gotInput: Uint8Array;
  private nextInput: Uint8Array;
  private readonly queues: MessageQueues;

  constructor(readonly net: ConventionNet) {
    this.gotInput = new Uint8Array(net.neurons);
    this.nextInput = new Uint8Array(net.neurons);
    this.queues = { byCore: net.cores.map(() => ({ dest: [], gen: [], proc: [] })) };
  }

  reset(): void {
    Object.assign(this.totals, zeroTotals());
    this.gotInput.fill(0);
  }

  /**
   * One step. `fired[k]`: neuron k fired this step; `vNonzero[k]`: its potential before this step's update was
   * nonzero (SANA-FE's potential after the previous step's reset).
   */
  step(fired: Uint8Array, vNonzero: Uint8Array): void {
    const net = this.net;
    const t = this.totals;
    const got = this.gotInput;
    const next = this.nextInput;
    next.fill(0);
    let somaJ = 0;
    let synJ = 0;
    let denJ = 0;
    let netJ = 0;
    const { axonIn, axonOut } = net;
    net.cores.forEach((core, slot) => {
      const q = this.queues.byCore[slot]!;
      q.dest.length = 0;
      q.gen.length = 0;
      q.proc.length = 0;
      let pending = 0;
      for (const k of core.neurons) {
        const s = net.soma[net.somaOf[k]!]!;
        somaJ += s.access.e;
        pending += s.access.l;
        const fire = fired[k] === 1;
        const updated =
          fire || (net.isInput[k] === 0 && (vNonzero[k] === 1 || got[k] === 1 || net.hasBias[k] === 1));
        if (updated) {
          t.neuronsUpdated++;
          somaJ += s.update.e;
          pending += s.update.l;
        }
        if (!fire) continue;
        t.fired++;
        somaJ += s.spikeOut.e;
        pending += s.spikeOut.l;
        for (let r = net.postStart[k]!; r < net.postStart[k + 1]!; r++) next[net.post[r]!] = 1;
        for (let m = net.msgStart[k]!; m < net.msgStart[k + 1]!; m++) {
          const dc = net.msgCore[m]!;
          const dest = net.cores[dc]!;
          const dx = Math.abs(dest.x - core.x);
          const dy = Math.abs(dest.y - core.y);
          // SANA-FE's rule: +x is east, anything else west; +y north, else south
          const ew = core.x < dest.x ? net.hopEast : net.hopWest;
          const ns = core.y < dest.y ? net.hopNorth : net.hopSouth;
          t.messages++;
          t.hops += dx + dy;
          t.synapticEvents += net.msgSynapses[m]!;
          synJ += net.msgSynapseJ[m]! - net.msgDendriteJ[m]!;
          denJ += net.msgDendriteJ[m]!;
          netJ += axonOut.e + axonIn.e + dx * ew.e + dy * ns.e;
          q.dest.push(dc);
          q.gen.push(pending + axonOut.l);
          q.proc.push(axonIn.l + net.msgLatencyS[m]!);
          pending = 0;
        }
      }
      // neuron processing after the core's last message: a placeholder that only takes time
      if (pending !== 0) {
        q.dest.push(-1);
        q.gen.push(pending);
        q.proc.push(0);
      }
    });
    this.gotInput = next;
    this.nextInput = got;
    const e = t.energy;
    e.somaJ += somaJ;
    e.synapseJ += synJ;
    e.dendriteJ += denJ;
    e.networkJ += netJ;
    e.totalJ += somaJ + synJ + denJ + netJ;
    const stepS = scheduleDetailed(net, this.queues) + net.syncS;
    t.perStepS.push(stepS);
    t.perStepJ.push(somaJ + synJ + denJ + netJ);
    t.simulatedS += stepS;
    t.steps++;
    t.syncS = net.syncS;
  }
}
