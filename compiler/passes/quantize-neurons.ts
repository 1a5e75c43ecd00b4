// Pass quantizeNeurons: applies the plan of planScales to populations, dynamic matmuls, inputs and outputs —
// thresholds/biases/resets co-scaled with v's LSB, decays to 12 bits, graded payloads to payloadBits with
// their shifts and requantization multipliers, output readings exact (value · 2^scaleExp).

import { assertNever } from "../../common/errors.js";
import type {
  Activation,
  DynamicMatmul,
  InputPort,
  NeuronModel,
  NmirModule,
  OutputPort,
  Param,
  Population,
} from "../nmir/index.js";
import { modelOutput } from "../nmir/index.js";
import { diagnose, type PassContext } from "./pass.js";
import {
  clampCount,
  type DecayMode,
  isApplied,
  markApplied,
  portLsb,
  type QuantPlan,
  quantContext,
  readPlan,
  roundHalfAway,
  signedMax,
  sourceUnitExp,
} from "./quant-plan.js";
import { withParamStats } from "./quant-stats.js";
import { quantizeTable } from "./quantize-table.js";

/** Decay fraction bits after quantization (Loihi's d/4096). */
export const QUANT_DECAY_BITS = 12;
/** Relative precision of linear requantization multipliers: |outMul| < 2^15 unless the ratio is exact. */
const OUTMUL_BITS = 15;

/** round(x / 2^k) clipped to `bits` signed; the count of clipped values is added to `clips`. */
export function scaleParam(p: Param, k: number, bits: number, clips: { n: number }): Int32Array {
  const hi = signedMax(bits);
  const lo = -hi - 1;
  const unit = 2 ** k;
  // a plain loop: per-neuron parameters of an ImageNet-size network are ~10^8 values
  const q = new Int32Array(p.length);
  let clipped = 0;
  for (let i = 0; i < p.length; i++) {
    const v = roundHalfAway(p[i]! / unit);
    if (v < lo) {
      q[i] = lo;
      clipped++;
    } else if (v > hi) {
      q[i] = hi;
      clipped++;
    } else q[i] = v; // NaN stores 0, as before
  }
  clips.n += clipped;
  return q;
}

/**
 * A decay d (v loses d/2^bits of itself per step) as an integer over 2^12: mult12 rounds the fraction to
 * the nearest 1/4096; shift rounds it to the nearest power of two in log scale (Xylo's `v >> dash`,
 * dash = round(log2(2^bits/d)) in 0..12).
 */
export function quantizeDecay(d: Param, bits: number, mode: DecayMode): Int32Array {
  const one = 2 ** QUANT_DECAY_BITS;
  return Int32Array.from(d, (x) => {
    const f = Math.min(1, Math.max(0, x / 2 ** bits));
    if (mode === "mult12") return Math.round(f * one);
    if (f === 0) return 0;
    const dash = Math.min(QUANT_DECAY_BITS, Math.max(0, Math.round(-Math.log2(f))));
    return 2 ** (QUANT_DECAY_BITS - dash);
  });
}

/**
 * Whether every neuron's real decay sits a hair below its 12-bit dyadic one (dv a hair above the integer it
 * rounds to), as a decimal like 0.99975585937 for 4095/4096 does: an integer-exact plan keeps that with
 * `leakBelow`, so truncation matches the real product's (SANA-FE computes v·d in double precision).
 */
function decayBelowDyadic(dv: Param, bits: number): boolean {
  if (dv.length === 0) return false;
  for (const x of dv) {
    const k = x * 2 ** (QUANT_DECAY_BITS - bits);
    if (!(k > Math.round(k))) return false;
  }
  return true;
}

function quantizeModel(pop: Population, plan: QuantPlan, clips: { n: number }): NeuronModel {
  const m = pop.model;
  const S = plan.stateBits;
  const dec = (d: Param, bits: number) => quantizeDecay(d, bits, plan.decay);
  const lsb = (port: string) => portLsb(plan, pop.id, port);
  switch (m.kind) {
    case "lif":
    case "cubaLif":
    case "if": {
      const k = lsb("in");
      const s = {
        ...m,
        vth: scaleParam(m.vth, k, S, clips),
        bias: scaleParam(m.bias, k, S, clips),
        vReset: scaleParam(m.vReset, k, S, clips),
        ...(m.vMin ? { vMin: scaleParam(m.vMin, k, S, clips) } : {}),
        vBits: S,
      };
      if (s.kind === "if") return s;
      if (s.kind === "lif") {
        const below = plan.exact === true && plan.decay === "mult12" && decayBelowDyadic(s.dv, s.decayBits);
        return {
          ...s,
          dv: dec(s.dv, s.decayBits),
          decayBits: QUANT_DECAY_BITS,
          ...(below ? { leakBelow: true } : {}),
        };
      }
      return {
        ...s,
        du: dec(s.du, s.decayBits),
        dv: dec(s.dv, s.decayBits),
        decayBits: QUANT_DECAY_BITS,
        uBits: S,
      };
    }
    case "li":
    case "cubaLi": {
      const k = lsb("in");
      const shared = {
        dv: dec(m.dv, m.decayBits),
        bias: scaleParam(m.bias, k, S, clips),
        decayBits: QUANT_DECAY_BITS,
        vBits: S,
        // payload = v >> outShift must carry the planned payload LSB 2^out = λ·2^(outShift − outShift_lowered).
        outShift: plan.out[pop.id]! - k + m.outShift,
        outBits: plan.payloadBits,
      };
      return m.kind === "li"
        ? { ...m, ...shared }
        : { ...m, ...shared, du: dec(m.du, m.decayBits), uBits: S };
    }
    case "linear": {
      // payload = (in + bias)·λ·outMul/(2^outShift_lowered · u): per-neuron ratio r, as outMul / 2^outShift.
      const k = lsb("in");
      const ratio = 2 ** (k - m.outShift - plan.out[pop.id]!);
      const r = Float64Array.from(m.outMul, (x) => x * ratio);
      const big = r.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
      const shift =
        big > 0 ? Math.min(62, Math.max(0, Math.floor(Math.log2((2 ** OUTMUL_BITS - 1) / big)))) : 0;
      return {
        ...m,
        bias: scaleParam(m.bias, k, 32, clips),
        outMul: scaleParam(r, -shift, 32, clips),
        outShift: shift,
        activation: scaleActivation(m.activation, plan.out[pop.id]!, plan.payloadBits),
        outBits: plan.payloadBits,
      };
    }
    case "product":
      return {
        ...m,
        shift: plan.out[pop.id]! - lsb("a") - lsb("b") + m.shift,
        outBits: plan.payloadBits,
      };
    case "threshold": {
      const k = lsb("in");
      return { ...m, vth: scaleParam(m.vth, k, 32, clips), bias: scaleParam(m.bias, k, 32, clips) };
    }
    case "function": {
      // x = in + bias at the port's LSB; the table maps it to payload units (quantize-table.ts)
      const k = lsb("in");
      return {
        ...m,
        bias: scaleParam(m.bias, k, 32, clips),
        ...quantizeTable(m, k, plan.out[pop.id]!),
        outBits: plan.payloadBits,
      };
    }
    default:
      return assertNever(m, "neuron model");
  }
}

/** Clamp bounds in real payload units → integer payload units, kept inside the payload width. */
function scaleActivation(a: Activation, outExp: number, bits: number): Activation {
  if (a.kind !== "clamp") return a;
  const hi = signedMax(bits);
  const q = (x: number) => clampCount(roundHalfAway(x / 2 ** outExp), -hi - 1, hi)[0];
  return { kind: "clamp", lo: q(a.lo), hi: q(a.hi) };
}

function quantizeMatmul(d: DynamicMatmul, plan: QuantPlan): DynamicMatmul {
  const shift = plan.out[d.id]! - sourceUnitExp(plan, d.a) - sourceUnitExp(plan, d.b) + d.shift;
  return { ...d, shift, outBits: plan.payloadBits, output: { kind: "graded", bits: plan.payloadBits } };
}

function quantizeInputPort(i: InputPort, plan: QuantPlan): InputPort {
  return i.event.kind === "graded" ? { ...i, event: { kind: "graded", bits: plan.payloadBits } } : i;
}

/** The float reading is unchanged: value_int · 2^(scaleExp_lowered + LSB exponent of the source). */
function quantizeOutput(o: OutputPort, plan: QuantPlan, ctx: PassContext): OutputPort {
  const want = o.scaleExp + sourceUnitExp(plan, o.src);
  const scaleExp = Math.min(64, Math.max(-64, want));
  if (scaleExp !== want) {
    diagnose(
      ctx,
      "quantizeNeurons",
      "warning",
      `reading needs 2^${want}, outside NMIR's 2^-64..2^64; readings are off by 2^${want - scaleExp}`,
      `output "${o.id}"`,
    );
  }
  return { ...o, scaleExp };
}

/**
 * Applies the plan to every population, dynamic matmul, input and output (once: a second call is a no-op).
 * Parameters that do not fit their width are clipped, counted in `quant.stats.params` and warned about.
 */
export function quantizeNeurons(ir: NmirModule, ctx: PassContext = quantContext()): NmirModule {
  if (isApplied(ir, "neurons")) return ir;
  const plan = readPlan(ir);
  const clipped: Record<string, number> = Object.create(null); // keyed by node ids, which may be "__proto__"
  const populations = ir.populations.map((p) => {
    const clips = { n: 0 };
    const model = quantizeModel(p, plan, clips);
    clipped[p.id] = clips.n;
    if (clips.n > 0) {
      diagnose(
        ctx,
        "quantizeNeurons",
        "warning",
        `${clips.n} parameter value(s) did not fit their width (v: ${plan.stateBits} bits) and were clipped`,
        `population "${p.id}"`,
      );
    }
    return { ...p, model, output: modelOutput(model) };
  });
  const out: NmirModule = {
    ...ir,
    inputs: ir.inputs.map((i) => quantizeInputPort(i, plan)),
    populations,
    dynamicMatmuls: ir.dynamicMatmuls.map((d) => quantizeMatmul(d, plan)),
    outputs: ir.outputs.map((o) => quantizeOutput(o, plan, ctx)),
  };
  return markApplied(withParamStats(out, clipped), "neurons");
}
