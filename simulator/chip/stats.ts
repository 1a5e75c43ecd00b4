// What the chip model records: per core and per event kind (typed arrays, indexed slot·K + kind), per link,
// and per step; energy is derived from the event counts and the profile's costs when asked.

import { AC, type CostTable, K, MAC } from "./costs.js";

export type Timing = "simple" | "detailed";

/** Per-step series (one entry per timestep run). */
export interface StepSeries {
  /** Cycles of the step: compute + noc + barrier. */
  cycles: number[];
  compute: number[];
  noc: number[];
  barrier: number[];
  /** Binary spikes emitted (populations that spike). */
  spikes: number[];
  /** Synaptic ops consumed (AC + MAC, dynamic-matmul products included). */
  synapticOps: number[];
  packets: number[];
  hops: number[];
  /** Dynamic energy of the step's events + static power × the step's duration. */
  energyJ: number[];
}

/**
 * An empty number[] that V8 stores as doubles from the start. An array begun with small integers switches
 * representation at its first fraction (joules, fractional cycles), and that switch discards the optimized code
 * of every function that pushed to it — once per series, in every worker thread.
 */
function doubles(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}

export class ChipTally {
  /** Event counts per (slot, kind). */
  readonly events: Float64Array;
  readonly busy: Float64Array;
  readonly packetsIn: Float64Array;
  readonly packetsOut: Float64Array;
  /** Events emitted (spikes and graded payloads). */
  readonly emitted: Float64Array;
  readonly updates: Float64Array;
  readonly activeUpdates: Float64Array;
  packets = 0;
  /** Mesh hops (a chip-to-chip crossing is not a hop: it is counted in chipLinkCrossings). */
  hops = 0;
  /** Packets × chip-to-chip links crossed (multi-chip systems). */
  chipLinkCrossings = 0;
  /** Packets from the host carrying input events (no mesh hops). */
  inputPackets = 0;
  /** Host link (system.host): packets in (one per input packet) and out (one per output event per port). */
  hostInPackets = 0;
  hostOutPackets = 0;
  /** Cycles the host link serialised packets in each direction (packets × packetBits / bandwidth). */
  hostInBusy = 0;
  hostOutBusy = 0;
  /** Steps whose end was set by the host link (its last packet arrived after everything else). */
  hostBoundSteps = 0;
  steps = 0;
  cycles = 0;
  readonly series: StepSeries = {
    cycles: doubles(),
    compute: doubles(),
    noc: doubles(),
    barrier: doubles(),
    spikes: doubles(),
    synapticOps: doubles(),
    packets: doubles(),
    hops: doubles(),
    energyJ: doubles(),
  };

  constructor(readonly slots: number) {
    this.events = new Float64Array(slots * K);
    this.busy = new Float64Array(slots);
    this.packetsIn = new Float64Array(slots);
    this.packetsOut = new Float64Array(slots);
    this.emitted = new Float64Array(slots);
    this.updates = new Float64Array(slots);
    this.activeUpdates = new Float64Array(slots);
  }

  reset(): void {
    for (const a of [
      this.events,
      this.busy,
      this.packetsIn,
      this.packetsOut,
      this.emitted,
      this.updates,
      this.activeUpdates,
    ])
      a.fill(0);
    this.packets = 0;
    this.hops = 0;
    this.chipLinkCrossings = 0;
    this.inputPackets = 0;
    this.hostInPackets = 0;
    this.hostOutPackets = 0;
    this.hostInBusy = 0;
    this.hostOutBusy = 0;
    this.hostBoundSteps = 0;
    this.steps = 0;
    this.cycles = 0;
    for (const s of Object.values(this.series)) s.length = 0;
  }

  /** Events of one kind over every core. */
  total(kind: number): number {
    let s = 0;
    for (let c = 0; c < this.slots; c++) s += this.events[c * K + kind]!;
    return s;
  }

  /** Σ over kinds of events × energy (no static), of every core. */
  dynamicJ(costs: CostTable): number {
    let e = 0;
    for (let c = 0; c < this.slots; c++)
      for (let k = 0; k < K; k++) e += this.events[c * K + k]! * costs.energyJ[k]!;
    return e;
  }

  synapticOps(): number {
    return this.total(AC) + this.total(MAC);
  }
}
