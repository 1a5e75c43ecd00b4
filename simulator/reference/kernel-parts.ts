// The parts every neuron kernel (kernels.ts) shares: the kernel interface, the saturation counter, the event
// writer, integer-or-float state and retention factors.

import type { Param } from "../../compiler/nmir/neuron-models.js";
import { expand } from "./arith.js";
import type { Frame } from "./schedule.js";

/** What a population's update adds to its counts besides updates and active neurons. */
export interface PopTally {
  spikes: number;
  gradedEvents: number;
  saturations: number;
}

export type StateArray = Int32Array | Float64Array;

export interface NeuronKernel {
  /** One step: reads this step's port inputs (in, or a and b), writes the output frame, adds to the tally. */
  step(ins: readonly Float64Array[], out: Frame, tally: PopTally): void;
  /** Every state variable back to 0. */
  reset(): void;
  /** Live views of the state variables by name (v, u, ref), for records and tests. */
  readonly state: Record<string, StateArray>;
}

/** Integer state at stage quantized (every width ≤ 32 bits), float state at stage lowered. */
export const stateArray = (n: number, q: boolean): StateArray =>
  q ? new Int32Array(n) : new Float64Array(n);

/** 2^decayBits − d per neuron: the retained fraction's numerator. */
export function retention(d: Param, decayBits: number, n: number): Float64Array {
  const keep = expand(d, n);
  for (let i = 0; i < n; i++) keep[i] = 2 ** decayBits - keep[i]!;
  return keep;
}

/** `sat(x, lo, hi)` that counts every clamp which changes x. */
export class SatCounter {
  private n = 0;
  sat(x: number, lo: number, hi: number): number {
    if (x > hi) {
      this.n++;
      return hi;
    }
    if (x < lo) {
      this.n++;
      return lo;
    }
    return x;
  }
  /** The count so far, reset to 0. */
  take(): number {
    const n = this.n;
    this.n = 0;
    return n;
  }
}

/** Records payload p of neuron i in the frame (p = 0: no event; -0 is stored as 0). */
export function emit(out: Frame, i: number, p: number): void {
  if (p === 0) {
    out.values[i] = 0;
    return;
  }
  out.values[i] = p;
  out.idx[out.count++] = i;
  const a = p < 0 ? -p : p;
  if (a > out.maxAbs) out.maxAbs = a;
}
