// A unit's events leaving its cores this step (ChipModel.unitStep's last part): spike-out on the core, then
// one packet per destination core (or one multicast packet) into the router's pending packets, each leaving
// after the core's spike-out and axon-out work; output ports' events also go to the host link.

import { popcount } from "../../compiler/mapping/encoding.js";
import type { Frame } from "../reference/schedule.js";
import { AXON_OUT, HOST_OUT, K, SPIKE_OUT } from "./costs.js";
import { packetsOf, type UnitPlan } from "./model-plan.js";
import type { StepState } from "./step-state.js";
import { highAt, highFrom } from "./tables.js";

/**
 * Each event: spike-out on its core, then one packet per destination core (or one multicast packet). A
 * bit-plane encoded event is popcount(payload) binary spikes, each with its own packets.
 */
export function emit(m: StepState, u: UnitPlan, f: Frame): void {
  const { cyc, clock, stepBusy } = m;
  const pending = m.router.pending;
  const ev = m.tally.events;
  const d = m.dest[u.src]!;
  const base = m.router.base[u.src]!;
  const router = m.router;
  const dSlot = d.slot;
  const dAt = highAt(d);
  const multicast = m.noc.multicast;
  const spikeOut = cyc[SPIKE_OUT]!;
  const axonOut = cyc[AXON_OUT]!;
  const ports = m.outPorts[u.src]!;
  // entries number this step's deliveries of the source, as Router.entryOf reads them (kept only if read)
  const keep = router.sendFrom(u.src);
  // per event, the entry of its last bit plane's first row (ArrivalStore.open)
  const at = keep ? new Int32Array(f.count) : undefined;
  pending.reserve(packetsOf(f, d, u.planes, multicast));
  let entry = 0;
  let spikes = 0;
  let packets = 0;
  for (let e = 0; e < f.count; e++) {
    const i = f.idx[e]!;
    const c = u.slotOf[i]!;
    const bits = u.planes > 0 ? popcount(f.values[i]!, u.planes) : 1;
    const k = d.listOf[i]!;
    const r0 = d.rowStart[k]!;
    const r1 = d.rowStart[k + 1]!;
    const rHigh = highFrom(d, k);
    // a multicast packet serves every destination row; unicast: one packet per row
    const per = multicast ? Math.min(1, r1 - r0) : r1 - r0;
    if (at) at[e] = entry + (bits - 1) * (r1 - r0);
    m.tally.emitted[c]! += bits;
    spikes += bits;
    packets += bits * per;
    ev[c * K + SPIKE_OUT]! += bits;
    ev[c * K + AXON_OUT]! += bits * per;
    let tc = clock[c]!;
    let busy = stepBusy[c]!;
    for (let b = 0; b < bits; b++) {
      tc += spikeOut;
      busy += spikeOut;
      for (let q = 0; q < per; q++) {
        tc += axonOut;
        busy += axonOut;
        const r = r0 + q;
        const key = multicast ? r1 - r0 : router.pairOf(c, r >= rHigh ? dAt + dSlot[r]! : dSlot[r]!);
        // a multicast packet's source neuron, numbered over every source (Router.base)
        pending.push(tc, key, base + i, entry);
        entry += multicast ? r1 - r0 : 1;
      }
    }
    clock[c] = tc;
    stepBusy[c] = busy;
    // output values leave for the host once the event is out of its core, one packet per output port
    for (let o = 0; o < ports; o++) m.pushHostOut(tc);
    if (ports > 0) ev[c * K + HOST_OUT]! += ports;
  }
  if (keep && entry > 0) router.arrivals.open(u.src, entry, at!);
  if (ports > 0) m.stepEv[HOST_OUT]! += ports * f.count;
  if (u.spikes || u.planes > 0) m.stepSpikes += spikes;
  m.stepEv[SPIKE_OUT]! += spikes;
  m.stepEv[AXON_OUT]! += packets;
}
