// The neuron kernels of the reference interpreter, one class per NMIR model family: each `step` is exactly the
// update written in the model's doc comment (compiler/nmir/neuron-models.ts), integer at stage quantized, float
// at stage lowered.

import type {
  CubaLifModel,
  CubaLiModel,
  IfModel,
  LifModel,
  LiModel,
  LinearModel,
  ProductModel,
  ThresholdModel,
} from "../../compiler/nmir/neuron-models.js";
import { expand, mulShift, satBounds } from "./arith.js";
import {
  emit,
  type NeuronKernel,
  type PopTally,
  retention,
  SatCounter,
  type StateArray,
  stateArray,
} from "./kernel-parts.js";
import type { Frame } from "./schedule.js";

/**
 * The kernels are classes: a simulation built per sweep point makes new kernels each time, and methods shared
 * through the prototype keep their optimized code across builds where fresh closures would be compiled again.
 */
export class SpikingKernel implements NeuronKernel {
  readonly state: Record<string, StateArray>;
  private readonly c = new SatCounter();
  private readonly div: number;
  private readonly keepV: Float64Array;
  private readonly keepU: Float64Array;
  private readonly cuba: boolean;
  private readonly uLo: number;
  private readonly uHi: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly vth: Float64Array;
  private readonly bias: Float64Array;
  private readonly vReset: Float64Array;
  private readonly vMin: Float64Array | undefined;
  private readonly refractory: number;
  private readonly resetMode: (LifModel | CubaLifModel | IfModel)["reset"];
  private readonly ge: boolean;
  private readonly v: StateArray;
  private readonly u: StateArray;
  private readonly ref: Int32Array;
  private readonly below: boolean;

  constructor(
    m: LifModel | CubaLifModel | IfModel,
    private readonly n: number,
    private readonly q: boolean,
  ) {
    const leaky = m.kind !== "if";
    this.div = leaky ? 2 ** m.decayBits : 1;
    this.keepV = leaky ? retention(m.dv, m.decayBits, n) : new Float64Array(n).fill(1);
    this.cuba = m.kind === "cubaLif";
    this.keepU = m.kind === "cubaLif" ? retention(m.du, m.decayBits, n) : this.keepV;
    [this.uLo, this.uHi] = satBounds(m.kind === "cubaLif" ? m.uBits : 32, q);
    [this.lo, this.hi] = satBounds(m.vBits, q);
    this.vth = expand(m.vth, n);
    this.bias = expand(m.bias, n);
    this.vReset = expand(m.vReset, n);
    this.vMin = m.vMin ? expand(m.vMin, n) : undefined;
    this.refractory = m.refractory;
    this.resetMode = m.reset;
    this.ge = m.fire === "ge";
    this.below = m.kind === "lif" && m.leakBelow === true;
    this.v = stateArray(n, q);
    this.u = stateArray(this.cuba ? n : 0, q);
    this.ref = new Int32Array(this.refractory > 0 ? n : 0);
    this.state = { v: this.v };
    if (this.cuba) this.state.u = this.u;
    if (this.refractory > 0) this.state.ref = this.ref;
  }

  reset(): void {
    this.v.fill(0);
    this.u.fill(0);
    this.ref.fill(0);
  }

  step(ins: readonly Float64Array[], out: Frame, tally: PopTally): void {
    const { n, q, c, cuba, div, keepU, keepV, uLo, uHi, lo, hi, u, v, ref, refractory } = this;
    const { bias, vth, vReset, vMin, ge, below } = this;
    const reset = this.resetMode;
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
      // leakBelow: the real decay is a hair under keep/div, so a whole-number product truncates one lower
      const kept = q ? (below && d !== 0 && Number.isInteger(d) ? d - Math.sign(d) : Math.trunc(d)) : d;
      let x = c.sat(kept + drive + bias[i]!, lo, hi);
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
    c.drainInto(tally);
  }
}

export class ReadoutKernel implements NeuronKernel {
  readonly state: Record<string, StateArray>;
  private readonly c = new SatCounter();
  private readonly div: number;
  private readonly keepV: Float64Array;
  private readonly keepU: Float64Array;
  private readonly cuba: boolean;
  private readonly uLo: number;
  private readonly uHi: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly pLo: number;
  private readonly pHi: number;
  private readonly outDiv: number;
  private readonly bias: Float64Array;
  private readonly v: StateArray;
  private readonly u: StateArray;

  constructor(
    m: LiModel | CubaLiModel,
    private readonly n: number,
    private readonly q: boolean,
  ) {
    this.div = 2 ** m.decayBits;
    this.keepV = retention(m.dv, m.decayBits, n);
    this.cuba = m.kind === "cubaLi";
    this.keepU = m.kind === "cubaLi" ? retention(m.du, m.decayBits, n) : this.keepV;
    [this.uLo, this.uHi] = satBounds(m.kind === "cubaLi" ? m.uBits : 32, q);
    [this.lo, this.hi] = satBounds(m.vBits, q);
    [this.pLo, this.pHi] = satBounds(m.outBits, q);
    this.outDiv = 2 ** m.outShift;
    this.bias = expand(m.bias, n);
    this.v = stateArray(n, q);
    this.u = stateArray(this.cuba ? n : 0, q);
    this.state = { v: this.v };
    if (this.cuba) this.state.u = this.u;
  }

  reset(): void {
    this.v.fill(0);
    this.u.fill(0);
  }

  step(ins: readonly Float64Array[], out: Frame, tally: PopTally): void {
    const { n, q, c, cuba, div, keepU, keepV, uLo, uHi, lo, hi, pLo, pHi, outDiv, bias, u, v } = this;
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
    c.drainInto(tally);
  }
}

export class LinearKernel implements NeuronKernel {
  readonly state: Record<string, StateArray> = {};
  private readonly c = new SatCounter();
  private readonly bias: Float64Array;
  private readonly outMul: Float64Array;
  private readonly outShift: number;
  private readonly pLo: number;
  private readonly pHi: number;
  private readonly aLo: number;
  private readonly aHi: number;

  constructor(
    m: LinearModel,
    private readonly n: number,
    private readonly q: boolean,
  ) {
    this.bias = expand(m.bias, n);
    this.outMul = expand(m.outMul, n);
    this.outShift = m.outShift;
    [this.pLo, this.pHi] = satBounds(m.outBits, q);
    const act = m.activation;
    [this.aLo, this.aHi] =
      act.kind === "relu" ? [0, Infinity] : act.kind === "clamp" ? [act.lo, act.hi] : [-Infinity, Infinity];
  }

  reset(): void {}

  step(ins: readonly Float64Array[], out: Frame, tally: PopTally): void {
    const { n, q, c, bias, outMul, outShift, pLo, pHi, aLo, aHi } = this;
    const input = ins[0]!;
    for (let i = 0; i < n; i++) {
      let y = mulShift(input[i]! + bias[i]!, outMul[i]!, outShift, q);
      if (y < aLo) y = aLo;
      else if (y > aHi) y = aHi;
      y = c.sat(y, pLo, pHi);
      emit(out, i, y);
    }
    tally.gradedEvents += out.count;
    c.drainInto(tally);
  }
}

export class ProductKernel implements NeuronKernel {
  readonly state: Record<string, StateArray> = {};
  private readonly c = new SatCounter();
  private readonly pLo: number;
  private readonly pHi: number;
  private readonly shift: number;

  constructor(
    m: ProductModel,
    private readonly n: number,
    private readonly q: boolean,
  ) {
    [this.pLo, this.pHi] = satBounds(m.outBits, q);
    this.shift = m.shift;
  }

  reset(): void {}

  step(ins: readonly Float64Array[], out: Frame, tally: PopTally): void {
    const { n, q, c, pLo, pHi, shift } = this;
    const a = ins[0]!;
    const b = ins[1]!;
    for (let i = 0; i < n; i++) {
      const y = c.sat(mulShift(a[i]!, b[i]!, shift, q), pLo, pHi);
      emit(out, i, y);
    }
    tally.gradedEvents += out.count;
    c.drainInto(tally);
  }
}

export class ThresholdKernel implements NeuronKernel {
  readonly state: Record<string, StateArray> = {};
  private readonly vth: Float64Array;
  private readonly bias: Float64Array;
  private readonly ge: boolean;

  constructor(
    m: ThresholdModel,
    private readonly n: number,
  ) {
    this.vth = expand(m.vth, n);
    this.bias = expand(m.bias, n);
    this.ge = m.fire === "ge";
  }

  reset(): void {}

  step(ins: readonly Float64Array[], out: Frame, tally: PopTally): void {
    const { n, vth, bias, ge } = this;
    const input = ins[0]!;
    for (let i = 0; i < n; i++) {
      const x = input[i]! + bias[i]!;
      const spike = ge ? x >= vth[i]! : x > vth[i]!;
      out.values[i] = spike ? 1 : 0;
      if (spike) out.idx[out.count++] = i;
    }
    if (out.count > 0) out.maxAbs = 1;
    tally.spikes += out.count;
  }
}
