// The chip model of one timestep, run after the datapath computed it: every unit (population or dynamic
// matmul) in phases — one per unit in layer-sync order, or all at once when pipelined — consumes its synaptic
// events on the cores that hold it, updates its neurons, emits events as packets, and the packets cross the
// mesh. It counts events per core and kind, and times the step (README: timing model). A bit-plane encoded
// source (a graded population on a binary-spike chip, compiler/mapping/encoding.ts) costs per event one spike,
// packets and fan-out ACs per set bit of its payload instead of one graded event's MACs.

import { popcount } from "../../compiler/mapping/encoding.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import { ArrivalTrim, OperandsReady } from "./arrival-trim.js";
import {
  AC,
  AXON_IN,
  type CostTable,
  HOST_IN,
  HOST_OUT,
  K,
  MAC,
  MEM,
  UPD_ACTIVE,
  UPD_IDLE,
} from "./costs.js";
import type { Datapath } from "./datapath.js";
import { emit } from "./emit.js";
import { ItemBuffer } from "./item-buffer.js";
import type { Layout } from "./layout.js";
import { matmulWork } from "./matmul-work.js";
import { buildUnitPlans, countItems, firstRowAt, lastSameStepReaders, type UnitPlan } from "./model-plan.js";
import type { Noc } from "./noc.js";
import { Router } from "./router.js";
import type { ChipTally, Timing } from "./stats.js";
import { countEvents, type StepState } from "./step-state.js";
import { type DestTable, highAt, highFrom, rowsOf, type SlotTable, slotAt } from "./tables.js";

export class ChipModel implements StepState {
  readonly ids: string[];
  readonly dest: DestTable[];
  readonly router: Router;
  private readonly trim: ArrivalTrim;
  private readonly phases: UnitPlan[][];
  private readonly plans: UnitPlan[];
  readonly clock: Float64Array;
  readonly stepBusy: Float64Array;
  readonly bufWork: Float64Array;
  readonly operandsReady: OperandsReady;
  readonly stepEv = new Float64Array(K);
  readonly items = new ItemBuffer();
  readonly allUpdate: boolean;
  readonly cyc: Float64Array;
  stepSpikes = 0;
  /** Bit planes of each source's events (by source index; 0: sent as they are). */
  readonly planes: Int32Array;
  /** Output ports reading each source (by source index): each of its events goes to the host once per port. */
  readonly outPorts: Int32Array;
  /** This step's output packets: the time each left its core (host link, system.host). */
  private hostOut = new Float64Array(64);
  private hostOutN = 0;

  constructor(
    readonly dp: Datapath,
    profile: ChipProfile,
    private readonly layout: Layout,
    private readonly costs: CostTable,
    readonly noc: Noc,
    synapses: ReadonlyMap<string, SlotTable>,
    dest: ReadonlyMap<string, DestTable>,
    readonly timing: Timing,
    readonly tally: ChipTally,
    /** Inputs and outputs that never cross the host link (a phased run's stored sequences). */
    private readonly onChipPorts: ReadonlySet<string> = new Set(),
  ) {
    this.ids = [...dest.keys()];
    const index = new Map(this.ids.map((id, i) => [id, i]));
    this.dest = this.ids.map((id) => dest.get(id)!);
    this.outPorts = new Int32Array(this.ids.length);
    if (costs.host)
      for (const o of dp.ir.outputs) {
        if (onChipPorts.has(o.id)) continue;
        const si = index.get(o.src);
        if (si !== undefined) this.outPorts[si]!++;
      }
    this.cyc = costs.cycles;
    this.allUpdate = profile.timestep.updatePolicy === "all";
    const n = layout.slots;
    this.clock = new Float64Array(n);
    this.stepBusy = new Float64Array(n);
    this.bufWork = new Float64Array(n);
    this.operandsReady = new OperandsReady(n);
    const sameStep = dp.mode === "layer-sync";
    this.plans = buildUnitPlans(dp, profile, layout, synapses, index);
    this.phases = sameStep ? this.plans.map((p) => [p]) : [this.plans];
    this.planes = new Int32Array(this.ids.length);
    for (const p of this.plans) this.planes[p.src] = p.planes;
    this.router = new Router(
      noc,
      this.dest,
      this.ids.map((id) => layout.slotOf.get(id)),
      costs.cycles[AXON_IN]!,
      lastSameStepReaders(this.phases, this.ids.length, dp.plan.matmulLag),
    );
    this.trim = new ArrivalTrim(this.phases, this.ids.length, dp.plan.matmulLag);
  }

  reset(): void {
    for (const p of this.plans) {
      [p.prevAc, p.prevMac] = [0, 0];
      p.prevTerms?.fill(0);
    }
    this.router.reset();
  }

  /** Brings the per-core and per-link tallies up to date (the router folds its per-pair counts lazily). */
  flush(): void {
    this.router.flush(this.tally);
  }

  /** Models step t, which the datapath has just computed. */
  step(t: number): void {
    const { tally, cyc } = this;
    const { router } = this;
    this.noc.newStep();
    router.newStep();
    this.clock.fill(0);
    this.stepBusy.fill(0);
    this.stepEv.fill(0);
    this.stepSpikes = 0;
    // Input events come from the host straight into the cores that read them (no mesh hops). With a host
    // link (system.host) they cross it first, one packet per destination core, in order: each holds the link
    // packetBits / bandwidth and arrives its latency after it departs.
    const host = this.costs.host;
    const hostOcc = this.costs.hostOccupancy;
    const hostLat = cyc[HOST_IN]!;
    let hostFree = 0;
    let hostInEnd = 0;
    let hostIn = 0;
    this.dp.ir.inputs.forEach((port) => {
      const fromHost = host && !this.onChipPorts.has(port.id);
      const si = this.ids.indexOf(port.id);
      const f = this.dp.frame(port.id, t)!;
      const d = this.dest[si]!;
      // its arrivals, when read this step: entry k is its k-th delivery (Router.arrivals)
      let rows = 0;
      if (router.reads(si)) for (let e = 0; e < f.count; e++) rows += rowsOf(d, f.idx[e]!);
      const at = rows > 0 ? new Int32Array(f.count) : undefined;
      const arrival = at ? router.arrivals.open(si, rows, at) : undefined;
      let k = 0;
      for (let e = 0; e < f.count; e++) {
        const list = d.listOf[f.idx[e]!]!;
        if (at) at[e] = k;
        for (let r = d.rowStart[list]!; r < d.rowStart[list + 1]!; r++) {
          let at = cyc[AXON_IN]!;
          if (fromHost) {
            const depart = hostFree;
            hostFree = depart + hostOcc;
            at += depart + hostLat;
            if (at > hostInEnd) hostInEnd = at;
            countEvents(this, slotAt(d, list, r), HOST_IN, 1);
            hostIn++;
          }
          if (arrival) arrival[k++] = at;
          this.receive(slotAt(d, list, r));
          tally.inputPackets++;
        }
      }
    });
    this.hostOutN = 0;
    this.phases.forEach((phase, k) => {
      for (const u of phase) this.unitStep(u, t);
      router.route(tally, this.stepEv);
      router.endPhase(k);
      this.trim.after(k, router.arrivals, this.dest, (s) => this.dp.frame(this.ids[s]!, t)!, this.planes);
    });
    const hostOutEnd = host ? this.drainHostOut() : 0;
    const hostOutN = this.hostOutN;
    let compute = 0;
    let clockEnd = 0;
    for (let c = 0; c < this.layout.slots; c++) {
      compute = Math.max(compute, this.stepBusy[c]!);
      clockEnd = Math.max(clockEnd, this.clock[c]!);
      tally.busy[c]! += this.stepBusy[c]!;
    }
    // simple timing: a chip-to-chip link that serialises more than the on-chip time sets the step (README)
    const linkBound = router.stepChipLinkBusy();
    let end =
      this.timing === "detailed"
        ? Math.max(clockEnd, router.maxDeliver)
        : Math.max(compute + router.maxNet, linkBound);
    if (host) {
      // detailed: the step lasts until the last host packet arrived (an input's wait is already in the cores'
      // clocks); simple: the host latency lengthens the longest route, and a host link serialising more than
      // the rest of the step sets it, as a chip-to-chip link does
      const inBusy = hostIn * hostOcc;
      const outBusy = hostOutN * hostOcc;
      const hostEnd =
        this.timing === "detailed"
          ? Math.max(hostInEnd, hostOutEnd)
          : Math.max(
              compute + router.maxNet + (hostIn > 0 ? hostLat : 0) + (hostOutN > 0 ? cyc[HOST_OUT]! : 0),
              inBusy,
              outBusy,
            );
      if (hostEnd > end) {
        end = hostEnd;
        tally.hostBoundSteps++;
      }
      tally.hostInPackets += hostIn;
      tally.hostOutPackets += hostOutN;
      tally.hostInBusy += inBusy;
      tally.hostOutBusy += outBusy;
    }
    const { barrierCycles, barrierKind, systemBarrierCycles } = this.costs;
    const barrier =
      (barrierKind === "tick" ? Math.max(0, barrierCycles - end) : barrierCycles) + systemBarrierCycles;
    const cycles = end + barrier;
    let dyn = 0;
    for (let k = 0; k < K; k++) dyn += this.stepEv[k]! * this.costs.energyJ[k]!;
    const s = tally.series;
    s.cycles.push(cycles);
    s.compute.push(compute);
    s.noc.push(end - compute);
    s.barrier.push(barrier);
    s.spikes.push(this.stepSpikes);
    s.synapticOps.push(this.stepEv[AC]! + this.stepEv[MAC]!);
    s.packets.push(router.stepPackets);
    s.hops.push(router.stepHops);
    s.energyJ.push(dyn + (this.costs.staticPowerW * cycles) / this.costs.clockHz);
    tally.cycles += cycles;
    tally.steps++;
  }

  /**
   * The step's output packets through the host link in the order they left their cores: each departs when it
   * left and the link is free, holds it packetBits / bandwidth, arrives its latency later. The last arrival.
   */
  private drainHostOut(): number {
    const n = this.hostOutN;
    if (n === 0) return 0;
    const times = this.hostOut.subarray(0, n).sort();
    const occ = this.costs.hostOccupancy;
    const lat = this.cyc[HOST_OUT]!;
    let free = 0;
    let last = 0;
    for (let k = 0; k < n; k++) {
      const depart = Math.max(times[k]!, free);
      free = depart + occ;
      last = depart + lat;
    }
    return last;
  }

  pushHostOut(time: number): void {
    if (this.hostOutN === this.hostOut.length) {
      const grown = new Float64Array(this.hostOut.length * 2);
      grown.set(this.hostOut);
      this.hostOut = grown;
    }
    this.hostOut[this.hostOutN++] = time;
  }

  private receive(c: number): void {
    this.tally.packetsIn[c]!++;
    countEvents(this, c, AXON_IN, 1);
    countEvents(this, c, MEM, 1);
  }

  private unitStep(u: UnitPlan, t: number): void {
    const { cyc, items, bufWork } = this;
    for (let k = 0; k < u.slots.length; k++) bufWork[u.slots[k]!] = 0;
    const ev = this.tally.events;
    const frameOf = (ip: UnitPlan["inputs"][number]) => this.dp.frame(this.ids[ip.src]!, t - ip.lag);
    countItems(u, this.dp.plan.matmulLag, frameOf, items.begin(u.slots, this.clock.length));
    items.open();
    for (const ip of u.inputs) {
      const f = frameOf(ip);
      if (!f || f.count === 0) continue;
      const w = cyc[ip.kind]!;
      const { kind, sameStep } = ip;
      const { listOf, rowStart, slot, count } = ip.table;
      // same-step work waits for the packet of its (neuron, slot) row among the source's destination rows:
      // both lists ascend by slot, so one forward walk finds each; its arrival is the entry `emit` gave it
      const d = this.dest[ip.src]!;
      const dSlot = d.slot;
      const dAt = highAt(d);
      const arrival = sameStep ? this.router.arrivals.of(ip.src) : undefined;
      // entry of event e's row q: at[e] + q (ArrivalStore; only rows a phase still to run reads are kept)
      const at = this.router.arrivals.entries(ip.src)?.at;
      let ops = 0;
      for (let e = 0; e < f.count; e++) {
        const i = f.idx[e]!;
        // bit planes: one AC per synapse per set bit; the work starts when the event's last bit arrived
        const bits = ip.planes > 0 ? popcount(f.values[i]!, ip.planes) : 1;
        const dk = d.listOf[i]!;
        const r0 = d.rowStart[dk]!;
        const gHigh = highFrom(d, dk);
        const sk = listOf[i]!;
        const sEnd = rowStart[sk + 1]!;
        // the walk starts at the row of its first synapse row's slot
        let g = arrival && sEnd > rowStart[sk]! ? firstRowAt(d, dk, slot[rowStart[sk]!]!) : r0;
        for (let r = rowStart[sk]!; r < sEnd; r++) {
          const c = slot[r]!;
          const n = count[r]! * bits;
          ev[c * K + kind]! += n;
          ops += n;
          if (arrival) {
            while ((g >= gHigh ? dAt + dSlot[g]! : dSlot[g]) !== c) g++;
            // an event with no bit set sent nothing: no wait (its work is 0 ops)
            items.push(c, bits > 0 ? arrival[at![e]! + g - r0]! : 0, n * w);
          } else bufWork[c]! += n * w;
        }
      }
      this.stepEv[kind]! += ops;
    }
    if (u.unit.kind === "matmul") matmulWork(this, u, t);
    // each slot's items in arrival order (the slots' runs follow u.slots)
    const { pairs, end } = items.sorted();
    let k = 0;
    for (let q = 0; q < u.slots.length; q++) {
      const c = u.slots[q]!;
      let tc = this.clock[c]! + bufWork[c]!;
      let busy = bufWork[c]!;
      for (const e = end[q]!; k < e; k++) {
        tc = Math.max(tc, pairs[2 * k]!) + pairs[2 * k + 1]!;
        busy += pairs[2 * k + 1]!;
      }
      if (u.unit.kind === "population") {
        const all = u.counts[q]!;
        const a = u.active[q]!;
        this.tally.updates[c]! += all;
        this.tally.activeUpdates[c]! += a;
        countEvents(this, c, UPD_ACTIVE, a);
        let w = a * cyc[UPD_ACTIVE]!;
        if (this.allUpdate) {
          countEvents(this, c, UPD_IDLE, all - a);
          w += (all - a) * cyc[UPD_IDLE]!;
        }
        tc += w;
        busy += w;
      }
      this.clock[c] = tc;
      this.stepBusy[c]! += busy;
    }
    items.release();
    emit(this, u, this.dp.frame(u.unit.id, t)!);
  }
}
