// The chip model of one timestep, run after the datapath computed it: every unit (population or dynamic
// matmul) in phases — one per unit in layer-sync order, or all at once when pipelined — consumes its synaptic
// events on the cores that hold it, updates its neurons, emits events as packets, and the packets cross the
// mesh. It counts events per core and kind, and times the step (README: timing model).

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { Frame } from "../reference/schedule.js";
import {
  AC,
  AXON_IN,
  AXON_OUT,
  type CostTable,
  HOP_EW,
  HOP_NS,
  K,
  MAC,
  MEM,
  SPIKE_OUT,
  UPD_ACTIVE,
  UPD_IDLE,
} from "./costs.js";
import type { Datapath, Unit } from "./datapath.js";
import type { Layout } from "./layout.js";
import type { Noc } from "./noc.js";
import { ItemBuffer } from "./scratch.js";
import type { ChipTally, Timing } from "./stats.js";
import type { SlotTable } from "./tables.js";

interface InPlan {
  src: number;
  lag: number;
  kind: number;
  table: SlotTable;
  /** Consumed in the step it was sent (layer-sync, delay 0): work waits for the packets. */
  sameStep: boolean;
}

interface UnitPlan {
  unit: Unit;
  src: number;
  slotOf: Int32Array;
  /** Distinct slots holding the unit, ascending, and its neurons on each. */
  slots: Int32Array;
  counts: Int32Array;
  inputs: InPlan[];
  operands: number[];
  spikes: boolean;
  prevAc: number;
  prevMac: number;
}

export class ChipModel {
  private readonly ids: string[];
  private readonly dest: SlotTable[];
  private readonly deliverT: Float64Array[];
  private readonly phases: UnitPlan[][];
  private readonly plans: UnitPlan[];
  /** Slot of each neuron, by source index (undefined for inputs: they sit on no core). */
  private readonly srcSlotOf: (Int32Array | undefined)[];
  private readonly clock: Float64Array;
  private readonly stepBusy: Float64Array;
  private readonly bufWork: Float64Array;
  private readonly act: Float64Array;
  private readonly stepEv = new Float64Array(K);
  private readonly items = new ItemBuffer();
  private readonly pending = new ItemBuffer();
  private readonly allUpdate: boolean;
  private readonly cyc: Float64Array;
  private packetId = 0;
  private maxDeliver = 0;
  private maxNet = 0;
  private stepPackets = 0;
  private stepHops = 0;
  private stepSpikes = 0;

  constructor(
    private readonly dp: Datapath,
    profile: ChipProfile,
    private readonly layout: Layout,
    private readonly costs: CostTable,
    private readonly noc: Noc,
    synapses: ReadonlyMap<string, SlotTable>,
    dest: ReadonlyMap<string, SlotTable>,
    readonly timing: Timing,
    private readonly tally: ChipTally,
  ) {
    this.ids = [...dest.keys()];
    const index = new Map(this.ids.map((id, i) => [id, i]));
    this.dest = this.ids.map((id) => dest.get(id)!);
    this.deliverT = this.dest.map((d) => new Float64Array(d.slot.length));
    this.cyc = costs.cycles;
    this.allUpdate = profile.timestep.updatePolicy === "all";
    const n = layout.slots;
    this.clock = new Float64Array(n);
    this.stepBusy = new Float64Array(n);
    this.bufWork = new Float64Array(n);
    this.act = new Float64Array(n);
    const sameStep = dp.mode === "layer-sync";
    this.plans = dp.plan.order.map((id) => {
      const unit = dp.units.get(id)!;
      const slotOf = layout.slotOf.get(id)!;
      const perSlot = new Map<number, number>();
      for (const s of layout.slices.get(id)!) perSlot.set(s.slot, (perSlot.get(s.slot) ?? 0) + s.count);
      const slots = Int32Array.from([...perSlot.keys()].sort((a, b) => a - b));
      const runs = unit.kind === "population" ? unit.projections.flat() : [];
      return {
        unit,
        src: index.get(id)!,
        slotOf,
        slots,
        counts: Int32Array.from(slots, (s) => perSlot.get(s)!),
        inputs: runs.map((r) => ({
          src: index.get(r.p.src)!,
          lag: r.lag,
          kind: r.tally.srcEvent === "spike" ? AC : MAC,
          table: synapses.get(r.p.id)!,
          sameStep: sameStep && r.lag === 0,
        })),
        operands: unit.kind === "matmul" ? [index.get(unit.dm.a)!, index.get(unit.dm.b)!] : [],
        spikes: unit.kind === "population" && unit.pop.output.kind === "spike",
        prevAc: 0,
        prevMac: 0,
      };
    });
    this.srcSlotOf = this.ids.map((id) => layout.slotOf.get(id));
    this.phases = sameStep ? this.plans.map((p) => [p]) : [this.plans];
  }

  reset(): void {
    for (const p of this.plans) [p.prevAc, p.prevMac] = [0, 0];
  }

  /** Models step t, which the datapath has just computed. */
  step(t: number): void {
    const { tally, cyc } = this;
    this.noc.newStep();
    this.clock.fill(0);
    this.stepBusy.fill(0);
    this.stepEv.fill(0);
    this.packetId = 0;
    this.maxDeliver = 0;
    this.maxNet = 0;
    this.stepPackets = 0;
    this.stepHops = 0;
    this.stepSpikes = 0;
    // Input events come from the host straight into the cores that read them (no mesh hops).
    this.dp.ir.inputs.forEach((port) => {
      const si = this.ids.indexOf(port.id);
      const f = this.dp.frame(port.id, t)!;
      const d = this.dest[si]!;
      const del = this.deliverT[si]!;
      for (let e = 0; e < f.count; e++) {
        const i = f.idx[e]!;
        for (let r = d.start[i]!; r < d.start[i + 1]!; r++) {
          del[r] = cyc[AXON_IN]!;
          this.receive(d.slot[r]!);
          tally.inputPackets++;
        }
      }
    });
    for (const phase of this.phases) {
      this.pending.n = 0;
      for (const u of phase) this.unitStep(u, t);
      this.route();
    }
    let compute = 0;
    let clockEnd = 0;
    for (let c = 0; c < this.layout.slots; c++) {
      compute = Math.max(compute, this.stepBusy[c]!);
      clockEnd = Math.max(clockEnd, this.clock[c]!);
      tally.busy[c]! += this.stepBusy[c]!;
    }
    const end = this.timing === "detailed" ? Math.max(clockEnd, this.maxDeliver) : compute + this.maxNet;
    const { barrierCycles, barrierKind } = this.costs;
    const barrier = barrierKind === "tick" ? Math.max(0, barrierCycles - end) : barrierCycles;
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
    s.packets.push(this.stepPackets);
    s.hops.push(this.stepHops);
    s.energyJ.push(dyn + (this.costs.staticPowerW * cycles) / this.costs.clockHz);
    tally.cycles += cycles;
    tally.steps++;
  }

  private count(c: number, kind: number, n: number): void {
    this.tally.events[c * K + kind]! += n;
    this.stepEv[kind]! += n;
  }

  private receive(c: number): void {
    this.tally.packetsIn[c]!++;
    this.count(c, AXON_IN, 1);
    this.count(c, MEM, 1);
  }

  /** When the packet of source `si`'s neuron i reached slot c this step. */
  private arrival(si: number, i: number, c: number): number {
    const d = this.dest[si]!;
    for (let r = d.start[i]!; r < d.start[i + 1]!; r++) if (d.slot[r] === c) return this.deliverT[si]![r]!;
    return 0;
  }

  private unitStep(u: UnitPlan, t: number): void {
    const { cyc, items, bufWork } = this;
    items.n = 0;
    for (let k = 0; k < u.slots.length; k++) bufWork[u.slots[k]!] = 0;
    for (const ip of u.inputs) {
      const f = this.dp.frame(this.ids[ip.src]!, t - ip.lag);
      if (!f || f.count === 0) continue;
      const w = cyc[ip.kind]!;
      const { start, slot, count } = ip.table;
      for (let e = 0; e < f.count; e++) {
        const i = f.idx[e]!;
        for (let r = start[i]!; r < start[i + 1]!; r++) {
          const c = slot[r]!;
          const n = count[r]!;
          this.count(c, ip.kind, n);
          if (ip.sameStep) items.push(c, this.arrival(ip.src, i, c), n * w, 0, 0);
          else bufWork[c]! += n * w;
        }
      }
    }
    if (u.unit.kind === "matmul") this.matmulWork(u, t);
    const order = items.n > 0 ? items.sorted() : undefined;
    let k = 0;
    this.updateCounts(u);
    for (let q = 0; q < u.slots.length; q++) {
      const c = u.slots[q]!;
      let tc = this.clock[c]! + bufWork[c]!;
      let busy = bufWork[c]!;
      while (order && k < order.length && items.key[order[k]!] === c) {
        const x = order[k++]!;
        tc = Math.max(tc, items.time[x]!) + items.value[x]!;
        busy += items.value[x]!;
      }
      if (u.unit.kind === "population") {
        const all = u.counts[q]!;
        const a = this.act[c]!;
        this.tally.updates[c]! += all;
        this.tally.activeUpdates[c]! += a;
        this.count(c, UPD_ACTIVE, a);
        let w = a * cyc[UPD_ACTIVE]!;
        if (this.allUpdate) {
          this.count(c, UPD_IDLE, all - a);
          w += (all - a) * cyc[UPD_IDLE]!;
        }
        tc += w;
        busy += w;
      }
      this.clock[c] = tc;
      this.stepBusy[c]! += busy;
    }
    this.emit(u, this.dp.frame(u.unit.id, t)!);
  }

  /** Active neurons (nonzero input on any port) per slot, into `act`. */
  private updateCounts(u: UnitPlan): void {
    if (u.unit.kind !== "population") return;
    for (let q = 0; q < u.slots.length; q++) this.act[u.slots[q]!] = 0;
    const [a, b] = u.unit.ports;
    const slotOf = u.slotOf;
    for (let j = 0; j < u.unit.n; j++)
      if (a![j] !== 0 || (b !== undefined && b[j] !== 0)) this.act[slotOf[j]!]!++;
  }

  /** A dynamic matmul's products this step, shared over its slots by neuron count; it waits for its operands. */
  private matmulWork(u: UnitPlan, t: number): void {
    if (u.unit.kind !== "matmul") return;
    const tl = u.unit.tally;
    const dAc = tl.ac - u.prevAc;
    const dMac = tl.mac - u.prevMac;
    [u.prevAc, u.prevMac] = [tl.ac, tl.mac];
    const n = u.unit.n;
    let restAc = dAc;
    let restMac = dMac;
    for (let q = u.slots.length - 1; q >= 0; q--) {
      const c = u.slots[q]!;
      const ac = q === 0 ? restAc : Math.floor((dAc * u.counts[q]!) / n);
      const mac = q === 0 ? restMac : Math.floor((dMac * u.counts[q]!) / n);
      restAc -= ac;
      restMac -= mac;
      this.count(c, AC, ac);
      this.count(c, MAC, mac);
      const w = ac * this.cyc[AC]! + mac * this.cyc[MAC]!;
      if (this.dp.plan.matmulLag > 0) {
        this.bufWork[c]! += w;
        continue;
      }
      let ready = 0;
      for (const si of u.operands) {
        const f = this.dp.frame(this.ids[si]!, t)!;
        for (let e = 0; e < f.count; e++) ready = Math.max(ready, this.arrival(si, f.idx[e]!, c));
      }
      this.items.push(c, ready, w, 0, 0);
    }
  }

  /** Each event: spike-out on its core, then one packet per destination core (or one multicast packet). */
  private emit(u: UnitPlan, f: Frame): void {
    const { cyc, pending, clock, stepBusy } = this;
    const d = this.dest[u.src]!;
    const multicast = this.noc.multicast;
    for (let e = 0; e < f.count; e++) {
      const i = f.idx[e]!;
      const c = u.slotOf[i]!;
      this.tally.emitted[c]!++;
      if (u.spikes) this.stepSpikes++;
      this.count(c, SPIKE_OUT, 1);
      clock[c]! += cyc[SPIKE_OUT]!;
      stepBusy[c]! += cyc[SPIKE_OUT]!;
      const r0 = d.start[i]!;
      const r1 = d.start[i + 1]!;
      if (r0 === r1) continue;
      for (let r = r0; r < (multicast ? r0 + 1 : r1); r++) {
        this.count(c, AXON_OUT, 1);
        clock[c]! += cyc[AXON_OUT]!;
        stepBusy[c]! += cyc[AXON_OUT]!;
        pending.push(0, clock[c]!, i, u.src, multicast ? -1 : r);
      }
    }
  }

  /** Routes this phase's packets in order of injection (links are FIFO). */
  private route(): void {
    const p = this.pending;
    if (p.n === 0) return;
    const order = p.byTime();
    const { noc, tally, stepEv } = this;
    const ev = tally.events;
    const axonIn = this.cyc[AXON_IN]!;
    let hopsEW = 0;
    let hopsNS = 0;
    for (let k = 0; k < order.length; k++) {
      const x = order[k]!;
      const si = p.a[x]!;
      const d = this.dest[si]!;
      const del = this.deliverT[si]!;
      const code = p.b[x]!;
      const i = p.value[x]!;
      const a = this.srcSlotOf[si]![i]!;
      const inject = p.time[x]!;
      const id = this.packetId++;
      const r0 = code < 0 ? d.start[i]! : code;
      const r1 = code < 0 ? d.start[i + 1]! : code + 1;
      tally.packetsOut[a]!++;
      let ew = 0;
      let ns = 0;
      for (let r = r0; r < r1; r++) {
        const b = d.slot[r]!;
        const arr = noc.send(id, a, b, inject) + axonIn;
        ew += noc.lastEW;
        ns += noc.lastNS;
        del[r] = arr;
        tally.packetsIn[b]!++;
        ev[b * K + AXON_IN]!++;
        ev[b * K + MEM]!++;
        if (arr > this.maxDeliver) this.maxDeliver = arr;
        if (arr - inject > this.maxNet) this.maxNet = arr - inject;
      }
      ev[a * K + HOP_EW]! += ew;
      ev[a * K + HOP_NS]! += ns;
      hopsEW += ew;
      hopsNS += ns;
      stepEv[AXON_IN]! += r1 - r0;
      stepEv[MEM]! += r1 - r0;
    }
    stepEv[HOP_EW]! += hopsEW;
    stepEv[HOP_NS]! += hopsNS;
    tally.packets += order.length;
    tally.hops += hopsEW + hopsNS;
    this.stepPackets += order.length;
    this.stepHops += hopsEW + hopsNS;
  }
}
