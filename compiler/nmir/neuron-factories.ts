// Factories for NMIR neuron models (one createX per kind) with the documented defaults.
// Factories do not validate: verify() is the single place that judges a module.

import type {
  Activation,
  CubaLifModel,
  CubaLiModel,
  FireRule,
  FunctionModel,
  IfModel,
  LifModel,
  LiModel,
  LinearModel,
  Param,
  ProductModel,
  ResetMode,
  ThresholdModel,
} from "./neuron-models.js";

/** A parameter as callers like to write it: a scalar (broadcast), a list, or a ready typed array. */
export type ParamInit = number | readonly number[] | Param;

/**
 * Typed arrays are kept as given; numbers become an Int32Array when every value is an int32, else a
 * Float64Array — so a lowering pass can pass floats and a quantizer integers through the same factory.
 */
export function toParam(x: ParamInit): Param {
  if (x instanceof Int32Array || x instanceof Float64Array) return x;
  const values = typeof x === "number" ? [x] : x;
  const allInt = values.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
  return allInt ? Int32Array.from(values) : Float64Array.from(values);
}

/** Loihi's decay resolution: decays are fractions d/4096. */
export const DEFAULT_DECAY_BITS = 12;
/** Loihi's compartment width (u and v are 24-bit). */
export const DEFAULT_STATE_BITS = 24;

export interface SpikingInit {
  vth: ParamInit;
  bias?: ParamInit;
  vReset?: ParamInit;
  vMin?: ParamInit;
  reset?: ResetMode;
  fire?: FireRule;
  refractory?: number;
  vBits?: number;
}

function spikingFields(o: SpikingInit) {
  return {
    vth: toParam(o.vth),
    bias: toParam(o.bias ?? 0),
    vReset: toParam(o.vReset ?? 0),
    ...(o.vMin === undefined ? {} : { vMin: toParam(o.vMin) }),
    // NIR's LIF resets to v_reset and fires on v > v_threshold (Lava's rule): those are the defaults.
    reset: o.reset ?? "zero",
    fire: o.fire ?? "gt",
    refractory: o.refractory ?? 0,
    vBits: o.vBits ?? DEFAULT_STATE_BITS,
  };
}

/** Defaults: bias 0, vReset 0, no vMin, reset "zero", fire "gt", refractory 0, vBits 24, decayBits 12. */
export function createLif(o: SpikingInit & { dv: ParamInit; decayBits?: number }): LifModel {
  return {
    kind: "lif",
    dv: toParam(o.dv),
    decayBits: o.decayBits ?? DEFAULT_DECAY_BITS,
    ...spikingFields(o),
  };
}

/** Defaults as createLif, plus uBits 24. */
export function createCubaLif(
  o: SpikingInit & { du: ParamInit; dv: ParamInit; decayBits?: number; uBits?: number },
): CubaLifModel {
  return {
    kind: "cubaLif",
    du: toParam(o.du),
    dv: toParam(o.dv),
    decayBits: o.decayBits ?? DEFAULT_DECAY_BITS,
    uBits: o.uBits ?? DEFAULT_STATE_BITS,
    ...spikingFields(o),
  };
}

/** Defaults as createLif (without the decay). */
export function createIf(o: SpikingInit): IfModel {
  return { kind: "if", ...spikingFields(o) };
}

export interface LeakyReadoutInit {
  dv: ParamInit;
  decayBits?: number;
  bias?: ParamInit;
  vBits?: number;
  outShift?: number;
  outBits: number;
}

/** Defaults: decayBits 12, bias 0, vBits 24, outShift 0. */
export function createLi(o: LeakyReadoutInit): LiModel {
  return {
    kind: "li",
    dv: toParam(o.dv),
    decayBits: o.decayBits ?? DEFAULT_DECAY_BITS,
    bias: toParam(o.bias ?? 0),
    vBits: o.vBits ?? DEFAULT_STATE_BITS,
    outShift: o.outShift ?? 0,
    outBits: o.outBits,
  };
}

/** Defaults as createLi, plus uBits 24. */
export function createCubaLi(o: LeakyReadoutInit & { du: ParamInit; uBits?: number }): CubaLiModel {
  const { kind: _li, ...shared } = createLi(o);
  return { kind: "cubaLi", du: toParam(o.du), uBits: o.uBits ?? DEFAULT_STATE_BITS, ...shared };
}

/** Defaults: bias 0, outMul 1, outShift 0, activation none. */
export function createLinear(o: {
  bias?: ParamInit;
  outMul?: ParamInit;
  outShift?: number;
  activation?: Activation;
  outBits: number;
}): LinearModel {
  return {
    kind: "linear",
    bias: toParam(o.bias ?? 0),
    outMul: toParam(o.outMul ?? 1),
    outShift: o.outShift ?? 0,
    activation: o.activation ?? { kind: "none" },
    outBits: o.outBits,
  };
}

/** Defaults: shift 0. */
export function createProduct(o: { shift?: number; outBits: number }): ProductModel {
  return { kind: "product", shift: o.shift ?? 0, outBits: o.outBits };
}

/** Defaults: bias 0, fire "gt". */
export function createThreshold(o: { vth: ParamInit; bias?: ParamInit; fire?: FireRule }): ThresholdModel {
  return { kind: "threshold", vth: toParam(o.vth), bias: toParam(o.bias ?? 0), fire: o.fire ?? "gt" };
}

/** Defaults: bias 0, slopeShift 0. The table arrays are taken as given (see FunctionModel). */
export function createFunction(o: {
  fn: string;
  bias?: ParamInit;
  xs: ParamInit;
  ys: ParamInit;
  slopes: ParamInit;
  slopeShift?: number;
  outBits: number;
}): FunctionModel {
  return {
    kind: "function",
    fn: o.fn,
    bias: toParam(o.bias ?? 0),
    xs: toParam(o.xs),
    ys: toParam(o.ys),
    slopes: toParam(o.slopes),
    slopeShift: o.slopeShift ?? 0,
    outBits: o.outBits,
  };
}
