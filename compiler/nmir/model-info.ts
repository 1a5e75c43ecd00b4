// Per-kind facts about NMIR neuron models: input ports, state variables with widths (the mapper counts state
// memory from them), parameters with their integer ranges, output event kind, and checks of scalar fields.

import { assertNever } from "../../common/errors.js";
import {
  type Activation,
  type FunctionModel,
  MAX_FUNCTION_POINTS,
  type NeuronModel,
  type Param,
  type SpikingFields,
} from "./neuron-models.js";
import type { EventKind, Stage } from "./types.js";

export interface StateVar {
  name: string;
  bits: number;
  signed: boolean;
}

/** Bits of an unsigned counter that holds 0..n. */
export function bitsFor(n: number): number {
  return n <= 0 ? 0 : 32 - Math.clz32(n);
}

/** The signed range of a `bits`-wide integer. */
export function signedRange(bits: number): [number, number] {
  return [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

/** Named input ports: every model reads "in", except product, which multiplies "a" by "b". */
export function inputPorts(model: NeuronModel): readonly string[] {
  return model.kind === "product" ? ["a", "b"] : ["in"];
}

function refVar(m: SpikingFields): StateVar[] {
  return m.refractory > 0 ? [{ name: "ref", bits: bitsFor(m.refractory), signed: false }] : [];
}

/** The state each neuron keeps between steps, with its declared width. Stateless kinds return []. */
export function stateVars(model: NeuronModel): StateVar[] {
  switch (model.kind) {
    case "lif":
    case "if":
      return [{ name: "v", bits: model.vBits, signed: true }, ...refVar(model)];
    case "cubaLif":
      return [
        { name: "u", bits: model.uBits, signed: true },
        { name: "v", bits: model.vBits, signed: true },
        ...refVar(model),
      ];
    case "li":
      return [{ name: "v", bits: model.vBits, signed: true }];
    case "cubaLi":
      return [
        { name: "u", bits: model.uBits, signed: true },
        { name: "v", bits: model.vBits, signed: true },
      ];
    case "linear":
    case "product":
    case "threshold":
    case "function":
      return [];
    default:
      return assertNever(model, "neuron model");
  }
}

/** The event a population of this model emits. */
export function modelOutput(model: NeuronModel): EventKind {
  switch (model.kind) {
    case "lif":
    case "cubaLif":
    case "if":
    case "threshold":
      return { kind: "spike" };
    case "li":
    case "cubaLi":
    case "linear":
    case "product":
    case "function":
      return { kind: "graded", bits: model.outBits };
    default:
      return assertNever(model, "neuron model");
  }
}

export interface ParamSpec {
  name: string;
  values: Param;
  /** Inclusive integer range every value must lie in at stage "quantized". */
  lo: number;
  hi: number;
  /** The range in words, for messages: "24-bit signed", "12-bit decay" (unsigned, 0..2^12 inclusive). */
  range: string;
}

function spec(name: string, values: Param, [lo, hi]: [number, number], range: string): ParamSpec {
  return { name, values, lo, hi, range };
}

const signed = (name: string, values: Param, bits: number) =>
  spec(name, values, signedRange(bits), `${bits}-bit signed`);
const decay = (name: string, values: Param, decayBits: number) =>
  spec(name, values, [0, 2 ** decayBits], `${decayBits}-bit decay`);

function spikingParams(m: SpikingFields): ParamSpec[] {
  const out = [signed("vth", m.vth, m.vBits), signed("bias", m.bias, m.vBits)];
  out.push(signed("vReset", m.vReset, m.vBits));
  if (m.vMin) out.push(signed("vMin", m.vMin, m.vBits));
  return out;
}

/** Every per-neuron parameter of a model with the range it must fit once quantized. */
export function modelParams(model: NeuronModel): ParamSpec[] {
  switch (model.kind) {
    case "lif":
      return [decay("dv", model.dv, model.decayBits), ...spikingParams(model)];
    case "cubaLif":
      return [
        decay("du", model.du, model.decayBits),
        decay("dv", model.dv, model.decayBits),
        ...spikingParams(model),
      ];
    case "if":
      return spikingParams(model);
    case "li":
      return [decay("dv", model.dv, model.decayBits), signed("bias", model.bias, model.vBits)];
    case "cubaLi":
      return [
        decay("du", model.du, model.decayBits),
        decay("dv", model.dv, model.decayBits),
        signed("bias", model.bias, model.vBits),
      ];
    case "linear":
      return [signed("bias", model.bias, 32), signed("outMul", model.outMul, 32)];
    case "product":
      return [];
    case "threshold":
      return [signed("vth", model.vth, 32), signed("bias", model.bias, 32)];
    case "function":
      return [signed("bias", model.bias, 32)];
    default:
      return assertNever(model, "neuron model");
  }
}

function intIn(what: string, x: unknown, lo: number, hi: number, out: string[]): void {
  if (typeof x !== "number" || !Number.isInteger(x) || x < lo || x > hi) {
    out.push(`${what} = ${String(x)} must be an integer in ${lo}..${hi}`);
  }
}

function oneOf(what: string, x: unknown, allowed: readonly string[], out: string[]): void {
  if (typeof x !== "string" || !allowed.includes(x)) {
    out.push(`${what} = ${JSON.stringify(x)} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
  }
}

function spikingScalars(m: SpikingFields, out: string[]): void {
  oneOf("reset", m.reset, ["zero", "subtract", "none"], out);
  oneOf("fire", m.fire, ["gt", "ge"], out);
  intIn("refractory", m.refractory, 0, 65535, out);
  intIn("vBits", m.vBits, 2, 32, out);
}

/**
 * Problems with a model's scalar (non-array) fields; widths are structural, so they are checked at every
 * stage. Parameter arrays are judged by verify through `modelParams` once these are sound.
 */
export function checkModelFields(model: NeuronModel, stage: Stage): string[] {
  const out: string[] = [];
  switch (model.kind) {
    case "lif":
      intIn("decayBits", model.decayBits, 0, 21, out);
      if (model.leakBelow !== undefined && typeof model.leakBelow !== "boolean")
        out.push(`leakBelow must be a boolean, found ${String(model.leakBelow)}`);
      spikingScalars(model, out);
      break;
    case "cubaLif":
      intIn("decayBits", model.decayBits, 0, 21, out);
      intIn("uBits", model.uBits, 2, 32, out);
      spikingScalars(model, out);
      break;
    case "if":
      spikingScalars(model, out);
      break;
    case "li":
    case "cubaLi":
      intIn("decayBits", model.decayBits, 0, 21, out);
      intIn("vBits", model.vBits, 2, 32, out);
      if (model.kind === "cubaLi") intIn("uBits", model.uBits, 2, 32, out);
      intIn("outShift", model.outShift, 0, 62, out);
      intIn("outBits", model.outBits, 1, 32, out);
      break;
    case "linear":
      intIn("outShift", model.outShift, 0, 62, out);
      intIn("outBits", model.outBits, 1, 32, out);
      checkActivation(model.activation, model.outBits, stage, out);
      break;
    case "product":
      intIn("shift", model.shift, 0, 62, out);
      intIn("outBits", model.outBits, 1, 32, out);
      break;
    case "threshold":
      oneOf("fire", model.fire, ["gt", "ge"], out);
      break;
    case "function":
      intIn("slopeShift", model.slopeShift, 0, 62, out);
      intIn("outBits", model.outBits, 1, 32, out);
      checkFunctionTable(model, stage, out);
      break;
    default:
      return assertNever(model, "neuron model");
  }
  return out;
}

function checkActivation(a: Activation, outBits: number, stage: Stage, out: string[]): void {
  switch (a.kind) {
    case "none":
    case "relu":
      return;
    case "clamp": {
      if (!Number.isFinite(a.lo) || !Number.isFinite(a.hi) || a.lo > a.hi) {
        out.push(`clamp bounds [${a.lo}, ${a.hi}] must be finite with lo ≤ hi`);
      } else if (stage === "quantized" && Number.isInteger(outBits)) {
        const [lo, hi] = signedRange(outBits);
        if (!Number.isInteger(a.lo) || !Number.isInteger(a.hi) || a.lo < lo || a.hi > hi) {
          out.push(
            `clamp bounds [${a.lo}, ${a.hi}] must be integers within ${outBits}-bit signed [${lo}, ${hi}]`,
          );
        }
      }
      return;
    }
    default:
      assertNever(a, "activation");
  }
}

const isArray = (x: unknown): x is Param => x instanceof Int32Array || x instanceof Float64Array;

/** The table of a function neuron: sizes, strictly increasing breakpoints, int32 values once quantized. */
function checkFunctionTable(m: FunctionModel, stage: Stage, out: string[]): void {
  if (typeof m.fn !== "string") out.push(`fn = ${JSON.stringify(m.fn)} must be a string`);
  if (!isArray(m.xs) || !isArray(m.ys) || !isArray(m.slopes)) {
    out.push("xs, ys and slopes must be Int32Array or Float64Array");
    return;
  }
  const k = m.xs.length;
  if (k < 2 || k > MAX_FUNCTION_POINTS)
    out.push(`table has ${k} breakpoints; a function neuron holds 2..${MAX_FUNCTION_POINTS}`);
  if (m.ys.length !== k) out.push(`ys has ${m.ys.length} values for ${k} breakpoints`);
  if (m.slopes.length !== k + 1)
    out.push(`slopes has ${m.slopes.length} values; ${k} breakpoints need ${k + 1}`);
  for (const [name, a] of [
    ["xs", m.xs],
    ["ys", m.ys],
    ["slopes", m.slopes],
  ] as const) {
    if (stage === "quantized" && !(a instanceof Int32Array))
      out.push(`${name} must be an Int32Array at stage quantized`);
    else if (!a.every(Number.isFinite)) out.push(`${name} holds a non-finite value`);
  }
  for (let i = 1; i < k; i++) {
    if (!(m.xs[i]! > m.xs[i - 1]!)) {
      out.push(`xs must increase strictly: xs[${i}] = ${m.xs[i]} after ${m.xs[i - 1]}`);
      break;
    }
  }
}
