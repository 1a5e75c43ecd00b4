// fast-check building blocks for NMIR arbitraries: a shrinkable random-draw helper and random valid neuron
// models of every kind (arbitrary.ts assembles whole modules from them).

import fc from "fast-check";
import { assertNever } from "../../common/errors.js";
import { signedRange } from "./model-info.js";
import {
  createCubaLi,
  createCubaLif,
  createFunction,
  createIf,
  createLi,
  createLif,
  createLinear,
  createProduct,
  createThreshold,
  type SpikingInit,
} from "./neuron-factories.js";
import type { NeuronKind, NeuronModel, Param } from "./neuron-models.js";
import type { Stage } from "./types.js";

type Gen = fc.GeneratorValue;

// fc.gen() caches one arbitrary per distinct argument list and scans that cache on every draw, so drawing
// with ever-new ranges (fc.integer({min, max})) makes long runs quadratic. Every draw below goes through
// these constant builders instead, and ranges are applied afterwards. Unbiased: a biased source would pile
// draws onto the low end of every range and starve most kinds.
const u32 = () => fc.noBias(fc.nat({ max: 0xffffffff }));
const F32 = { min: Math.fround(-4), max: Math.fround(4), noNaN: true } as const;

/** Random draws bound to one fast-check generator (so failures shrink, toward the low end of each range). */
export class Draw {
  constructor(
    private readonly g: Gen,
    readonly stage: Stage,
  ) {}
  /** Uniform in [0, 1). */
  unit(): number {
    return this.g(u32) / 2 ** 32;
  }
  int(min: number, max: number): number {
    return Math.min(max, min + Math.floor(this.unit() * (max - min + 1)));
  }
  bool(): boolean {
    return this.g(fc.boolean);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  ints(n: number, min: number, max: number): Int32Array {
    return Int32Array.from({ length: n }, () => this.int(min, max));
  }
  /** Integers at "quantized"; floats (sometimes integers, both are legal) at "lowered". */
  param(n: number, min: number, max: number): Param {
    const len = this.bool() ? 1 : n;
    if (this.stage === "quantized" || this.bool()) return this.ints(len, min, max);
    return Float64Array.from({ length: len }, () => min + this.unit() * (max - min));
  }
  weights(n: number, bits: number): Int32Array | Float32Array {
    const [lo, hi] = signedRange(bits);
    if (this.stage === "quantized" || this.bool()) return this.ints(n, lo, hi);
    // fc.float also yields -0 and subnormals, which the codec must keep exactly.
    return Float32Array.from({ length: n }, () => this.g(fc.float, F32));
  }
}

function spikingInit(d: Draw, n: number): SpikingInit {
  const vBits = d.int(2, 32);
  const [lo, hi] = signedRange(vBits);
  const spiking: SpikingInit = {
    vth: d.param(n, lo, hi),
    bias: d.param(n, lo, hi),
    vReset: d.param(n, lo, hi),
    reset: d.pick(["zero", "subtract", "none"] as const),
    fire: d.pick(["gt", "ge"] as const),
    refractory: d.int(0, 3),
    vBits,
  };
  if (d.bool()) spiking.vMin = d.param(n, lo, hi);
  return spiking;
}

function readout(d: Draw, n: number) {
  const decayBits = d.int(0, 16);
  const vBits = d.int(2, 32);
  const [lo, hi] = signedRange(vBits);
  const dv = d.param(n, 0, 2 ** decayBits);
  return { decayBits, dv, vBits, bias: d.param(n, lo, hi), outShift: d.int(0, 20), outBits: d.int(1, 32) };
}

/** A random model of `kind` for n neurons, valid at the draw's stage. */
export function randomModel(d: Draw, kind: NeuronKind, n: number): NeuronModel {
  switch (kind) {
    case "lif": {
      const decayBits = d.int(0, 16);
      return createLif({ ...spikingInit(d, n), decayBits, dv: d.param(n, 0, 2 ** decayBits) });
    }
    case "cubaLif": {
      const decayBits = d.int(0, 16);
      const du = d.param(n, 0, 2 ** decayBits);
      const dv = d.param(n, 0, 2 ** decayBits);
      return createCubaLif({ ...spikingInit(d, n), decayBits, du, dv, uBits: d.int(2, 32) });
    }
    case "if":
      return createIf(spikingInit(d, n));
    case "li":
      return createLi(readout(d, n));
    case "cubaLi": {
      const r = readout(d, n);
      return createCubaLi({ ...r, du: d.param(n, 0, 2 ** r.decayBits), uBits: d.int(2, 32) });
    }
    case "linear": {
      const outBits = d.int(1, 32);
      const [lo, hi] = signedRange(outBits);
      const a = d.int(lo, hi);
      const b = d.int(lo, hi);
      const activation = d.pick([
        { kind: "none" as const },
        { kind: "relu" as const },
        { kind: "clamp" as const, lo: Math.min(a, b), hi: Math.max(a, b) },
      ]);
      const bias = d.param(n, -1000, 1000);
      return createLinear({
        bias,
        outMul: d.param(n, -1000, 1000),
        outShift: d.int(0, 20),
        activation,
        outBits,
      });
    }
    case "product":
      return createProduct({ shift: d.int(0, 20), outBits: d.int(1, 32) });
    case "threshold":
      return createThreshold({
        vth: d.param(n, -1000, 1000),
        bias: d.param(n, -1000, 1000),
        fire: d.pick(["gt", "ge"]),
      });
    case "function": {
      // strictly increasing breakpoints over a small or a wide span, so inputs land in tails and segments
      const k = d.int(2, 8);
      const span = d.pick([20, 2000, 2 ** 30]);
      const xs = new Set<number>();
      while (xs.size < k) xs.add(d.int(-span, span));
      const sorted = Int32Array.from([...xs].sort((a, b) => a - b));
      const wide = 2 ** 31 - 1;
      return createFunction({
        fn: d.pick(["sigmoid", "gelu", "rsqrt"]),
        bias: d.param(n, -1000, 1000),
        xs: sorted,
        ys: d.ints(k, -d.pick([1000, wide]), d.pick([1000, wide])),
        slopes: d.ints(k + 1, -d.pick([1000, wide]), d.pick([1000, wide])),
        slopeShift: d.int(0, 40),
        outBits: d.int(1, 32),
      });
    }
    default:
      return assertNever(kind, "neuron kind");
  }
}

/** Random valid models of one kind for n neurons (for kernel tests in the simulators). */
export function neuronModelArb(
  kind: NeuronKind,
  n: number,
  stage: Stage = "quantized",
): fc.Arbitrary<NeuronModel> {
  return fc.gen().map((g) => randomModel(new Draw(g, stage), kind, n));
}
