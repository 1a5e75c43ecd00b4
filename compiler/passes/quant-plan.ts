// The quantization plan shared by planScales, quantizeNeurons, quantizeWeights and the quantization report:
// options, power-of-two LSBs per population port and per graded source, and their storage in module
// metadata (so a .nmir file carries the scales it was quantized with and reports can dequantize it).

import { SpikegridError } from "../../common/errors.js";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import type { InputValues } from "./exact-plan.js";
import type { CompileOptions, PassContext } from "./pass.js";

/** `mult12`: v loses round(dv)/4096 per step (Loihi). `shift`: the loss is a power of two (Xylo `v >> dash`). */
export type DecayMode = "mult12" | "shift";

/** A float tensor shaped [T, ...] or [batch, T, ...] (only its values matter for calibration). */
export interface SampleTensor {
  shape: readonly number[];
  data: ArrayLike<number>;
}

export interface QuantizeOptions {
  /** Signed mantissa width of every weight, 2..16 (default: the profile's, `profileWeightBits`; else 8). */
  weightBits?: number;
  /** One exponent per output channel (Rockpool channel_quantize) instead of one per projection (Loihi). */
  perChannel?: boolean;
  /** Width of v and u, 2..32 (default: the profile's core.stateBits, else 16). */
  stateBits?: number;
  /**
   * Width of graded payloads, 2..32 (default: the profile's payloadBits capped at the state width — a payload
   * wider than the state it accumulates into only saturates it — else 8).
   */
  payloadBits?: number;
  decay?: DecayMode;
  /** Sample inputs by input id: the max |value| of each graded input sets its LSB. */
  calibration?: Map<string, SampleTensor> | Record<string, SampleTensor>;
  /** Max |value| of graded inputs without calibration data: one number, or per input id (default 1). */
  inputRange?: number | Record<string, number>;
  /**
   * Observed max |value| by id, in lowered units, overriding the analytic estimates: a graded input, the
   * payload of a graded population, or v of a spiking one (e.g. from a calibration run of the lowered module).
   */
  ranges?: Record<string, number>;
  /** Spiking v range = headroom × |threshold| when no range is observed (default 4). */
  headroom?: number;
  /** Steps a leak-free integrator is assumed to accumulate; caps the gain 2^decayBits/dv (default 64). */
  horizon?: number;
  /** Clip weights beyond |mean| + clipSigma·σ of the nonzero |w| (Rockpool fuzzy scaling); off by default. */
  clipSigma?: number;
  /** A chip profile (or its name / path) whose widths supply the defaults above. */
  profile?: ChipProfile | string;
  /**
   * Compile integer-exactly when the module allows it (default true): every weight, threshold, bias, reset and
   * decay representable at the widths gives LSBs from the network's exact values (exact-plan.ts); false always
   * plans from ranges.
   */
  exact?: boolean;
  /**
   * The values graded inputs will carry (largest |value| and grain, `inputValuesOf` of the samples to be run), for
   * the exact plan; `calibration` samples supply them too.
   */
  inputValues?: Record<string, InputValues>;
}

/** The compile options the quantization passes and markUnsupported read (beyond CompileOptions). */
export type QuantCompileOptions = CompileOptions &
  QuantizeOptions & {
    /** markUnsupported: what the profile cannot run becomes an error instead of a warning. */
    strict?: boolean;
  };

/** The options of a pass context, as the quantization passes read them. */
export function quantOptions(ctx: PassContext): QuantCompileOptions {
  return ctx.options as QuantCompileOptions;
}

/** A fresh pass context for calling the quantization passes outside `compile` (tests, scripts). */
export function quantContext(options: QuantCompileOptions = {}): PassContext {
  return { options, diagnostics: [] };
}

export interface ResolvedQuantOptions {
  weightBits: number;
  perChannel: boolean;
  stateBits: number;
  payloadBits: number;
  decay: DecayMode;
  headroom: number;
  horizon: number;
  clipSigma?: number;
}

/**
 * The chosen scales. Every LSB is a power of two, written as its exponent k (LSB = 2^k real units of the
 * lowered module per integer unit), so output readings `value · 2^scaleExp` are exact.
 */
export interface QuantPlan {
  version: 1;
  weightBits: number;
  stateBits: number;
  payloadBits: number;
  decay: DecayMode;
  granularity: "perProjection" | "perChannel";
  clipSigma?: number;
  /** Population id → input port → exponent of λ, the LSB of that port's `in` (and of v/u for "in"). */
  lsb: Record<string, Record<string, number>>;
  /** Graded source id (input, population, dynamic matmul) → exponent of its payload LSB. */
  out: Record<string, number>;
  /** Id → the real range R the scale was chosen to cover (state for populations, payload for inputs). */
  range: Record<string, number>;
  /** An integer-exact plan: nothing rounds or clips, so a saturation at run time is an error (exact-plan.ts). */
  exact?: true;
}

/** Metadata key holding the plan as JSON. */
export const PLAN_KEY = "quant.plan";
/** Metadata key of a graded input's LSB exponent: float value ≈ integer · 2^scaleExp. */
export const inputScaleKey = (id: string) => `input.${id}.scaleExp`;

/**
 * Weight mantissa widths the compiler accepts. Not 1: a signed 1-bit mantissa holds only −1 and 0, so every
 * positive weight would round to 0 (2 bits give ternary −1/0/+1 weights, or −2..1).
 */
export const WEIGHT_BITS = {
  min: 2,
  max: 16,
  whyNotOne: "a signed 1-bit weight holds only −1 and 0; 2 bits give −1/0/+1",
} as const;

function intOption(
  name: string,
  v: unknown,
  lo: number,
  hi: number,
  flag: string,
  why = "",
): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new SpikegridError("USAGE", `${name} must be an integer in ${lo}..${hi}, got ${String(v)}${why}`, {
      hint: `pass ${flag} with a value in ${lo}..${hi}`,
    });
  }
  return v;
}

function positive(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new SpikegridError("USAGE", `${name} must be a positive number, got ${String(v)}`);
  }
  return v;
}

/** The profile object for a name, a path or an already loaded profile. */
export function profileOf(p: ChipProfile | string | undefined): ChipProfile | undefined {
  return typeof p === "string" ? loadProfile(p) : p;
}

/**
 * The two's-complement mantissa width a profile's weights hold: its weightBits, less the sign bit of a
 * sign-magnitude format (Loihi: 9 bits = sign + 8, so a mixed-sign layer holds 8), within the compiler's 2..16.
 */
export function profileWeightBits(profile: ChipProfile): number {
  const bits = profile.core.weightBits - (profile.core.weightFormat === "signMagnitude" ? 1 : 0);
  return Math.max(WEIGHT_BITS.min, Math.min(WEIGHT_BITS.max, bits));
}

/**
 * One line saying which widths came from the profile and why any differs from the profile's own figure, or
 * undefined when there is no profile or every width was given.
 */
export function profileWidthsNote(o: QuantizeOptions, r: ResolvedQuantOptions): string | undefined {
  const profile = profileOf(o.profile);
  if (!profile) return undefined;
  const parts: string[] = [];
  const c = profile.core;
  if (o.weightBits === undefined) {
    const why =
      c.weightFormat === "signMagnitude"
        ? ` (its ${c.weightBits}-bit weights are sign + magnitude: a mixed-sign layer holds ${c.weightBits - 1}-bit two's-complement mantissas)`
        : c.weightBits > r.weightBits
          ? ` (its ${c.weightBits}; the compiler's widest is ${WEIGHT_BITS.max})`
          : "";
    parts.push(`weights ${r.weightBits}${why}`);
  }
  if (o.stateBits === undefined)
    parts.push(
      `state ${r.stateBits}${c.stateBits === undefined ? " (it declares none: the compiler's 16)" : ""}`,
    );
  if (o.payloadBits === undefined) {
    const p = c.capabilities.payloadBits;
    const why =
      p === undefined
        ? ` (it declares no payload width: ${r.payloadBits})`
        : p > r.payloadBits
          ? ` (its ${p}, capped at the state width: a wider payload only saturates the state)`
          : "";
    parts.push(`payload ${r.payloadBits}${why}`);
  }
  return parts.length ? `widths from profile ${profile.name}: ${parts.join(", ")}` : undefined;
}

/** Options with defaults applied and every value checked (SpikegridError USAGE naming the bad one). */
export function resolveQuantOptions(o: QuantizeOptions = {}): ResolvedQuantOptions {
  const profile = profileOf(o.profile);
  const weightBits =
    intOption(
      "weightBits",
      o.weightBits,
      WEIGHT_BITS.min,
      WEIGHT_BITS.max,
      "--weight-bits",
      o.weightBits === 1 ? ` (${WEIGHT_BITS.whyNotOne})` : "",
    ) ?? (profile ? profileWeightBits(profile) : 8);
  const stateBits =
    intOption("stateBits", o.stateBits, 2, 32, "--state-bits") ?? Math.min(32, profile?.core.stateBits ?? 16);
  const payloadBits =
    intOption("payloadBits", o.payloadBits, 2, 32, "--payload-bits") ??
    Math.max(2, Math.min(stateBits, profile?.core.capabilities.payloadBits ?? 8));
  const decay = o.decay ?? "mult12";
  if (decay !== "mult12" && decay !== "shift") {
    throw new SpikegridError("USAGE", `decay must be "mult12" or "shift", got ${JSON.stringify(decay)}`);
  }
  const r: ResolvedQuantOptions = {
    weightBits,
    perChannel: o.perChannel === true,
    stateBits,
    payloadBits,
    decay,
    headroom: positive("headroom", o.headroom, 4),
    horizon: positive("horizon", o.horizon, 64),
  };
  if (o.clipSigma !== undefined) r.clipSigma = positive("clipSigma", o.clipSigma, 0);
  return r;
}

/** Largest value of a signed `bits`-wide integer. */
export const signedMax = (bits: number) => 2 ** (bits - 1) - 1;

/** Round to nearest, halves away from zero (symmetric for signed weights). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Smallest k with round(range / 2^k) ≤ maxInt: the finest power-of-two LSB that still fits (0 for range 0). */
export function pow2Exp(range: number, maxInt: number): number {
  if (!(range > 0) || !Number.isFinite(range)) return 0;
  // No power of two brings a positive range within 0 (a signed 1-bit field): the loops below would not end.
  if (!(maxInt >= 1)) throw new Error(`pow2Exp: maxInt must be ≥ 1, got ${maxInt}`);
  let k = Math.ceil(Math.log2(range / maxInt));
  // log2 of a ratio is inexact near powers of two: settle the boundary exactly.
  while (Math.round(range / 2 ** (k - 1)) <= maxInt) k--;
  while (Math.round(range / 2 ** k) > maxInt) k++;
  return k;
}

/** Clamp to [lo, hi], counting whether it clamped. */
export function clampCount(x: number, lo: number, hi: number): [number, boolean] {
  return x < lo ? [lo, true] : x > hi ? [hi, true] : [x, false];
}

/** The module with `plan` stored in its metadata (plus the per-input scale keys callers read). */
export function withPlan(ir: NmirModule, plan: QuantPlan): NmirModule {
  const metadata: Record<string, string> = { ...ir.metadata, [PLAN_KEY]: JSON.stringify(plan) };
  for (const i of ir.inputs) {
    const k = plan.out[i.id];
    if (i.event.kind === "graded" && k !== undefined) metadata[inputScaleKey(i.id)] = String(k);
  }
  return { ...ir, metadata };
}

export function hasPlan(ir: NmirModule): boolean {
  return ir.metadata[PLAN_KEY] !== undefined;
}

/** Whether a module was compiled integer-exactly (its plan says so; false without a readable plan). */
export function isExactModule(ir: NmirModule): boolean {
  if (!hasPlan(ir)) return false;
  try {
    return readPlan(ir).exact === true;
  } catch {
    return false;
  }
}

/** The plan stored by planScales; throws NMIR_INVALID when there is none or it is unreadable. */
export function readPlan(ir: NmirModule): QuantPlan {
  const text = ir.metadata[PLAN_KEY];
  if (text === undefined) {
    throw new SpikegridError("NMIR_INVALID", `module "${ir.name}" has no quantization plan (${PLAN_KEY})`, {
      hint: "run planScales before quantizeNeurons / quantizeWeights",
    });
  }
  try {
    // null-prototype records: node ids such as "constructor" must not find Object.prototype members
    const plan = JSON.parse(text, (_k, v) =>
      v && typeof v === "object" && !Array.isArray(v) ? Object.assign(Object.create(null), v) : v,
    ) as QuantPlan;
    if (plan.version !== 1 || typeof plan.lsb !== "object" || typeof plan.out !== "object") throw new Error();
    return plan;
  } catch {
    throw new SpikegridError("NMIR_INVALID", `module "${ir.name}": metadata ${PLAN_KEY} is not a v1 plan`);
  }
}

/** Exponent of the real value of one unit of a source's events: 0 for spikes (read as 1), else its LSB. */
export function sourceUnitExp(plan: QuantPlan, srcId: string): number {
  return plan.out[srcId] ?? 0;
}

/** λ exponent of a population port; throws when the plan does not cover it. */
export function portLsb(plan: QuantPlan, popId: string, port: string): number {
  const k = plan.lsb[popId]?.[port];
  if (k === undefined) {
    throw new SpikegridError("NMIR_INVALID", `the quantization plan has no scale for "${popId}.${port}"`, {
      hint: "the module changed after planScales; run planScales again",
    });
  }
  return k;
}

/** Metadata key listing the quantization steps already applied ("neurons", "weights"). */
export const APPLIED_KEY = "quant.applied";
export type QuantStep = "neurons" | "weights";

export function isApplied(ir: NmirModule, step: QuantStep): boolean {
  return (ir.metadata[APPLIED_KEY] ?? "").split(",").includes(step);
}

/**
 * Records `step` as applied; once neurons and weights both are, nothing float is left and the module
 * moves to stage "quantized" (so the two passes may run in either order).
 */
export function markApplied(ir: NmirModule, step: QuantStep): NmirModule {
  const done = new Set((ir.metadata[APPLIED_KEY] ?? "").split(",").filter(Boolean));
  done.add(step);
  const metadata = { ...ir.metadata, [APPLIED_KEY]: [...done].sort().join(",") };
  const stage = done.has("neurons") && done.has("weights") ? "quantized" : ir.stage;
  return { ...ir, stage, metadata };
}
