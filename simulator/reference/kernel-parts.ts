// The parts every neuron kernel (kernels.ts) shares: the kernel interface, the saturation counter, the event
// writer, integer-or-float state and retention factors.

import type { Param } from "../../compiler/nmir/neuron-models.js";
import { expand } from "./arith.js";
import type { Frame } from "./schedule.js";

/** What a population's update adds to its counts besides updates and active neurons. */
export interface PopTally extends SatTally {
  spikes: number;
  gradedEvents: number;
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

/** Where a clamp count goes: the number of clamps and the largest overshoot (|value| / |limit| it passed). */
export interface SatTally {
  saturations: number;
  overshoot: number;
}

/** An overshoot factor as the warnings print it: `1.27×`, `312×`, `4,096×`. */
export function formatOvershoot(r: number): string {
  return `${r < 100 ? r.toPrecision(3) : Math.round(r).toLocaleString("en-US")}×`;
}

/**
 * The warning of one element that clamped (the reference interpreter's and the chip datapath's wording, which
 * pipeline/warnings.ts folds per batch), or undefined when it never clamped.
 */
export function saturationWarning(what: string, id: string, t: SatTally): string | undefined {
  const n = t.saturations;
  if (n === 0) return undefined;
  return `${what} "${id}" saturated ${n} time${n === 1 ? "" : "s"} (values clamped, at most ${formatOvershoot(t.overshoot)} the limit)`;
}

/** `sat(x, lo, hi)` that counts every clamp which changes x, and how far past the limit the worst one was. */
export class SatCounter {
  private n = 0;
  private worst = 0;
  sat(x: number, lo: number, hi: number): number {
    if (x > hi) {
      this.n++;
      this.note(x, hi);
      return hi;
    }
    if (x < lo) {
      this.n++;
      this.note(x, lo);
      return lo;
    }
    return x;
  }
  /** Off the hot path: only a clamp gets here. */
  private note(x: number, limit: number): void {
    const r = Math.abs(x) / Math.max(1, Math.abs(limit));
    if (r > this.worst) this.worst = r;
  }
  /** Adds the clamps so far to `tally` (count, largest overshoot) and starts again from none. */
  drainInto(tally: SatTally): void {
    tally.saturations += this.n;
    if (this.worst > tally.overshoot) tally.overshoot = this.worst;
    this.n = 0;
    this.worst = 0;
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
