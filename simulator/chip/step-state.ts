// What a unit's step reads of the chip model and adds to (model.ts), shared with emit.ts and matmul-work.ts:
// the model itself, seen through this interface.

import type { OperandsReady } from "./arrival-trim.js";
import { K } from "./costs.js";
import type { Datapath } from "./datapath.js";
import type { ItemBuffer } from "./item-buffer.js";
import type { Noc } from "./noc.js";
import type { Router } from "./router.js";
import type { ChipTally } from "./stats.js";
import type { DestTable } from "./tables.js";

export interface StepState {
  readonly dp: Datapath;
  /** Cycles per event kind (costs.ts). */
  readonly cyc: Float64Array;
  /** Per slot this step: the core's clock, its busy cycles, and the work its items do not wait for. */
  readonly clock: Float64Array;
  readonly stepBusy: Float64Array;
  readonly bufWork: Float64Array;
  /** This step's events by kind. */
  readonly stepEv: Float64Array;
  readonly tally: ChipTally;
  readonly router: Router;
  readonly noc: Noc;
  /** By source index: its destination table, id, bit planes and output ports. */
  readonly dest: readonly DestTable[];
  readonly ids: readonly string[];
  readonly planes: Int32Array;
  readonly outPorts: Int32Array;
  readonly operandsReady: OperandsReady;
  readonly items: ItemBuffer;
  /** Idle neurons are updated (and counted) too (timestep.updatePolicy "all"). */
  readonly allUpdate: boolean;
  /** Spikes this step (its series entry). */
  stepSpikes: number;
  /** An output packet leaving its core for the host link at `time`. */
  pushHostOut(time: number): void;
}

/** n events of `kind` on slot c: the run's per-core tally and the step's. */
export function countEvents(m: StepState, c: number, kind: number, n: number): void {
  m.tally.events[c * K + kind]! += n;
  m.stepEv[kind]! += n;
}
