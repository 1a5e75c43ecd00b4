// Neuron kernels of the reference interpreter: one typed-array update per NMIR model kind, exactly the update
// written in its doc comment (compiler/nmir/neuron-models.ts), at stage quantized (integer) or lowered (float).

import { assertNever } from "../../common/errors.js";
import type {
  CubaLifModel,
  CubaLiModel,
  IfModel,
  LifModel,
  LiModel,
  LinearModel,
  NeuronModel,
  Param,
  ProductModel,
  ThresholdModel,
} from "../../compiler/nmir/neuron-models.js";
import { expand, mulShift, satBounds } from "./arith.js";
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
const stateArray = (n: number, q: boolean): StateArray => (q ? new Int32Array(n) : new Float64Array(n));

/** 2^decayBits − d per neuron: the retained fraction's numerator. */
function retention(d: Param, decayBits: number, n: number): Float64Array {
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

export function createKernel(model: NeuronModel, n: number, quantized: boolean): NeuronKernel {
  switch (model.kind) {
    case "lif":
    case "cubaLif":
    case "if":
      return spikingKernel(model, n, quantized);
    case "li":
    case "cubaLi":
      return readoutKernel(model, n, quantized);
    case "linear":
      return linearKernel(model, n, quantized);
    case "product":
      return productKernel(model, n, quantized);
    case "threshold":
      return thresholdKernel(model, n);
    default:
      return assertNever(model, "neuron model");
  }
}

function spikingKernel(m: LifModel | CubaLifModel | IfModel, n: number, q: boolean): NeuronKernel {
  const leaky = m.kind !== "if";
  const div = leaky ? 2 ** m.decayBits : 1;
  const keepV = leaky ? retention(m.dv, m.decayBits, n) : new Float64Array(n).fill(1);
  const cuba = m.kind === "cubaLif";
  const keepU = cuba ? retention(m.du, m.decayBits, n) : keepV;
  const [uLo, uHi] = satBounds(cuba ? m.uBits : 32, q);
  const [lo, hi] = satBounds(m.vBits, q);
  const vth = expand(m.vth, n);
  const bias = expand(m.bias, n);
  const vReset = expand(m.vReset, n);
  const vMin = m.vMin ? expand(m.vMin, n) : undefined;
  const { refractory, reset } = m;
  const ge = m.fire === "ge";
  const v = stateArray(n, q);
  const u = stateArray(cuba ? n : 0, q);
  const ref = new Int32Array(refractory > 0 ? n : 0);
  const state: Record<string, StateArray> = { v };
  if (cuba) state.u = u;
  if (refractory > 0) state.ref = ref;

  const c = new SatCounter();
  return {
    state,
    reset() {
      v.fill(0);
      u.fill(0);
      ref.fill(0);
    },
    step(ins, out, tally) {
      const input = ins[0]!;
      for (let i = 0; i < n; i++) {
        let drive = input[i]!;
        if (cuba) {
          const d = (u[i]! * keepU[i]!) / div;
          const x = c.sat((q ? Math.trunc(d) : d) + drive, uLo, uHi);
          u[i] = x;
          drive = x;
        }
        if (refractory > 0 && ref[i]! > 0) {
          ref[i]!--;
          out.values[i] = 0;
          continue;
        }
        const d = (v[i]! * keepV[i]!) / div;
        let x = c.sat((q ? Math.trunc(d) : d) + drive + bias[i]!, lo, hi);
        const th = vth[i]!;
        if (ge ? x >= th : x > th) {
          if (reset === "zero") x = vReset[i]!;
          else if (reset === "subtract") x = c.sat(x - th, lo, hi);
          if (refractory > 0) ref[i] = refractory;
          out.values[i] = 1;
          out.idx[out.count++] = i;
        } else out.values[i] = 0;
        if (vMin && x < vMin[i]!) x = vMin[i]!;
        v[i] = x;
      }
      if (out.count > 0) out.maxAbs = 1;
      tally.spikes += out.count;
      tally.saturations += c.take();
    },
  };
}

function readoutKernel(m: LiModel | CubaLiModel, n: number, q: boolean): NeuronKernel {
  const div = 2 ** m.decayBits;
  const keepV = retention(m.dv, m.decayBits, n);
  const cuba = m.kind === "cubaLi";
  const keepU = cuba ? retention(m.du, m.decayBits, n) : keepV;
  const [uLo, uHi] = satBounds(cuba ? m.uBits : 32, q);
  const [lo, hi] = satBounds(m.vBits, q);
  const [pLo, pHi] = satBounds(m.outBits, q);
  const outDiv = 2 ** m.outShift;
  const bias = expand(m.bias, n);
  const v = stateArray(n, q);
  const u = stateArray(cuba ? n : 0, q);
  const state: Record<string, StateArray> = { v };
  if (cuba) state.u = u;

  const c = new SatCounter();
  return {
    state,
    reset() {
      v.fill(0);
      u.fill(0);
    },
    step(ins, out, tally) {
      const input = ins[0]!;
      for (let i = 0; i < n; i++) {
        let drive = input[i]!;
        if (cuba) {
          const d = (u[i]! * keepU[i]!) / div;
          const x = c.sat((q ? Math.trunc(d) : d) + drive, uLo, uHi);
          u[i] = x;
          drive = x;
        }
        const d = (v[i]! * keepV[i]!) / div;
        const x = c.sat((q ? Math.trunc(d) : d) + drive + bias[i]!, lo, hi);
        v[i] = x;
        const p = c.sat(q ? Math.trunc(x / outDiv) : x / outDiv, pLo, pHi);
        emit(out, i, p);
      }
      tally.gradedEvents += out.count;
      tally.saturations += c.take();
    },
  };
}

function linearKernel(m: LinearModel, n: number, q: boolean): NeuronKernel {
  const bias = expand(m.bias, n);
  const outMul = expand(m.outMul, n);
  const [pLo, pHi] = satBounds(m.outBits, q);
  const act = m.activation;
  const [aLo, aHi] =
    act.kind === "relu" ? [0, Infinity] : act.kind === "clamp" ? [act.lo, act.hi] : [-Infinity, Infinity];
  const c = new SatCounter();
  return {
    state: {},
    reset() {},
    step(ins, out, tally) {
      const input = ins[0]!;
      for (let i = 0; i < n; i++) {
        let y = mulShift(input[i]! + bias[i]!, outMul[i]!, m.outShift, q);
        if (y < aLo) y = aLo;
        else if (y > aHi) y = aHi;
        y = c.sat(y, pLo, pHi);
        emit(out, i, y);
      }
      tally.gradedEvents += out.count;
      tally.saturations += c.take();
    },
  };
}

function productKernel(m: ProductModel, n: number, q: boolean): NeuronKernel {
  const [pLo, pHi] = satBounds(m.outBits, q);
  const c = new SatCounter();
  return {
    state: {},
    reset() {},
    step(ins, out, tally) {
      const a = ins[0]!;
      const b = ins[1]!;
      for (let i = 0; i < n; i++) {
        const y = c.sat(mulShift(a[i]!, b[i]!, m.shift, q), pLo, pHi);
        emit(out, i, y);
      }
      tally.gradedEvents += out.count;
      tally.saturations += c.take();
    },
  };
}

function thresholdKernel(m: ThresholdModel, n: number): NeuronKernel {
  const vth = expand(m.vth, n);
  const bias = expand(m.bias, n);
  const ge = m.fire === "ge";
  return {
    state: {},
    reset() {},
    step(ins, out, tally) {
      const input = ins[0]!;
      for (let i = 0; i < n; i++) {
        const x = input[i]! + bias[i]!;
        const spike = ge ? x >= vth[i]! : x > vth[i]!;
        out.values[i] = spike ? 1 : 0;
        if (spike) out.idx[out.count++] = i;
      }
      if (out.count > 0) out.maxAbs = 1;
      tally.spikes += out.count;
    },
  };
}
