// Watches a chip run step by step for the sanafe convention: which neurons had a nonzero potential before the
// step and which fired in it, per SANA-FE group (a population or input of the compiled network), fed to the
// account (account.ts). The datapath computes the spikes; nothing here changes them.

import type { Datapath } from "../datapath.js";
import { SanafeAccount, type SanafeTotals } from "./account.js";
import type { ConventionNet } from "./net.js";

/** What a chip run calls around every step (ChipRunOptions.observer). */
export interface StepObserver {
  before(dp: Datapath, t: number): void;
  after(dp: Datapath, t: number): void;
}

export class SanafeObserver implements StepObserver {
  readonly account: SanafeAccount;
  private readonly fired: Uint8Array;
  /** Every neuron's potential before the step (0 for inputs), copied per group in one block. */
  private readonly vBefore: Float64Array;

  constructor(readonly net: ConventionNet) {
    this.account = new SanafeAccount(net);
    this.fired = new Uint8Array(net.neurons);
    this.vBefore = new Float64Array(net.neurons);
  }

  before(dp: Datapath): void {
    for (const g of this.net.groups) {
      const u = dp.units.get(g.id);
      const v = u?.kind === "population" ? u.kernel.state.v : undefined;
      if (!v) continue;
      this.vBefore.set(v.length === g.size ? v : v.subarray(0, g.size), g.start);
    }
  }

  after(dp: Datapath, t: number): void {
    this.fired.fill(0);
    for (const g of this.net.groups) {
      const f = dp.frame(g.id, t);
      if (!f) continue;
      for (let j = 0; j < f.count; j++) {
        const i = f.idx[j]!;
        if (f.values[i] !== 0 && i < g.size) this.fired[g.start + i] = 1;
      }
    }
    this.account.step(this.fired, this.vBefore);
  }

  totals(): SanafeTotals {
    return this.account.totals;
  }
}
