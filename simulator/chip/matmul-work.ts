// A dynamic matmul's work on its slots this step (ChipModel.unitStep), from the products and term neurons
// matmul-split.ts assigns each slot: counted as events, and queued as work waiting for its operands.

import { AC, AXON_IN, AXON_OUT, MAC, MEM, SPIKE_OUT, UPD_ACTIVE, UPD_IDLE } from "./costs.js";
import { matmulShares } from "./matmul-split.js";
import { termTotals, type UnitPlan } from "./model-plan.js";
import { countEvents, type StepState } from "./step-state.js";

/**
 * A dynamic matmul's work this step on each of its slots, from the operands it received there
 * (matmul-split.ts): natively one AC/MAC per product of its outputs; realised by term neurons, what the
 * terms of its outputs and their accumulators did. It waits for its operands.
 */
export function matmulWork(m: StepState, u: UnitPlan, t: number): void {
  if (u.unit.kind !== "matmul") return;
  const unit = u.unit;
  const tl = unit.tally;
  const now = u.prevTerms ? termTotals(unit) : undefined;
  const d = now
    ? now.map((x, i) => x - u.prevTerms![i]!)
    : Float64Array.of(tl.ac - u.prevAc, tl.mac - u.prevMac, 0, 0, 0);
  if (now) u.prevTerms!.set(now);
  [u.prevAc, u.prevMac] = [tl.ac, tl.mac];
  const lag = m.dp.plan.matmulLag;
  const split = u.split!;
  split.step(unit.a.at(t - lag), unit.b.at(t - lag));
  const share = matmulShares(unit, split, u.counts, d, now !== undefined);
  const cyc = m.cyc;
  // the last operand packet each slot received (operands it does not read never come there)
  const ready =
    lag === 0
      ? m.operandsReady.of(u, m.router.arrivals, m.dest, (si) => m.dp.frame(m.ids[si]!, t)!, m.planes)
      : undefined;
  for (let q = 0; q < u.slots.length; q++) {
    const c = u.slots[q]!;
    const ac = share.ac[q]!;
    const mac = share.mac[q]!;
    countEvents(m, c, AC, ac);
    countEvents(m, c, MAC, mac);
    let w = ac * cyc[AC]! + mac * cyc[MAC]!;
    if (now && unit.terms) {
      const all = share.all[q]!;
      const active = share.active[q]!;
      const fired = share.fired[q]!;
      // term and accumulator updates as a population's; a term event stays on its core (its accumulator's)
      m.tally.updates[c]! += all;
      m.tally.activeUpdates[c]! += active;
      countEvents(m, c, UPD_ACTIVE, active);
      w += active * cyc[UPD_ACTIVE]!;
      if (m.allUpdate) {
        countEvents(m, c, UPD_IDLE, all - active);
        w += (all - active) * cyc[UPD_IDLE]!;
      }
      // each term event: out of its neuron, one packet to its accumulator on the same core (no hops)
      countEvents(m, c, SPIKE_OUT, fired);
      countEvents(m, c, AXON_OUT, fired);
      countEvents(m, c, AXON_IN, fired);
      countEvents(m, c, MEM, fired);
      m.tally.emitted[c]! += fired;
      m.tally.packetsOut[c]! += fired;
      m.tally.packetsIn[c]! += fired;
      m.tally.packets += fired;
      m.router.stepPackets += fired;
      if (unit.terms.terms.kind === "threshold") m.stepSpikes += fired;
      w += fired * (cyc[SPIKE_OUT]! + cyc[AXON_OUT]! + cyc[AXON_IN]!);
    }
    if (lag > 0) {
      m.bufWork[c]! += w;
      continue;
    }
    m.items.push(c, ready ? ready[c]! : 0, w);
  }
}
