// Float inputs → the integer events a quantized module reads: graded inputs divided by their LSB (the
// `input.<id>.scaleExp` metadata planScales writes) and rounded; spike inputs as 0/1. Used by `simulate`.

import { SpikegridError } from "../../common/errors.js";
import type { NmirModule } from "../nmir/index.js";
import { inputScaleKey, roundHalfAway, type SampleTensor, signedMax } from "./quant-plan.js";

/** Integer events of one input, same shape as given ([T, ...] or [batch, T, ...]). */
export interface IntInput {
  shape: number[];
  data: Int32Array;
  /** Values clipped to the payload width (graded), or nonzero values other than 1 read as a spike. */
  clipped: number;
}

/** LSB exponent of a graded input (float ≈ integer · 2^exp); 0 for spike inputs. */
export function inputScaleExp(ir: NmirModule, id: string): number {
  const port = ir.inputs.find((i) => i.id === id);
  if (!port) {
    throw new SpikegridError("USAGE", `"${id}" is not an input of module "${ir.name}"`, {
      hint: `its inputs are ${ir.inputs.map((i) => `"${i.id}"`).join(", ") || "none"}`,
    });
  }
  if (port.event.kind === "spike") return 0;
  const text = ir.metadata[inputScaleKey(id)];
  const k = text === undefined ? 0 : Number(text);
  if (!Number.isInteger(k)) {
    throw new SpikegridError("NMIR_INVALID", `metadata ${inputScaleKey(id)} = "${text}" is not an integer`);
  }
  return k;
}

/**
 * Quantizes float inputs by input id. Graded: round(x / 2^scaleExp) clipped to the input's payload width.
 * Spike: 1 for any nonzero value, 0 otherwise (a spike carries no magnitude; counts above 1 are noted in
 * `clipped`). Non-finite values are refused naming the input and element.
 */
export function quantizeInputs(
  ir: NmirModule,
  floatInputs: Map<string, SampleTensor> | Record<string, SampleTensor>,
): Map<string, IntInput> {
  const entries = floatInputs instanceof Map ? [...floatInputs] : Object.entries(floatInputs);
  const out = new Map<string, IntInput>();
  for (const [id, x] of entries) {
    const k = inputScaleExp(ir, id);
    const event = ir.inputs.find((i) => i.id === id)!.event;
    const hi = event.kind === "graded" ? signedMax(event.bits) : 1;
    const data = new Int32Array(x.data.length);
    let clipped = 0;
    for (let i = 0; i < data.length; i++) {
      const v = x.data[i]!;
      if (!Number.isFinite(v)) {
        throw new SpikegridError("USAGE", `input "${id}" holds ${v} at flat index ${i}`, {
          hint: "inputs must be finite numbers",
        });
      }
      if (event.kind === "spike") {
        data[i] = v === 0 ? 0 : 1;
        if (v !== 0 && v !== 1) clipped++;
        continue;
      }
      const q = roundHalfAway(v / 2 ** k);
      if (q < -hi - 1 || q > hi) clipped++;
      data[i] = Math.min(hi, Math.max(-hi - 1, q));
    }
    out.set(id, { shape: [...x.shape], data, clipped });
  }
  return out;
}

/** Integer inputs back to floats (q · 2^scaleExp): the values the quantized module actually sees. */
export function dequantizeInputs(
  ir: NmirModule,
  intInputs: Map<string, { shape: readonly number[]; data: ArrayLike<number> }>,
): Map<string, { shape: number[]; data: Float64Array }> {
  const out = new Map<string, { shape: number[]; data: Float64Array }>();
  for (const [id, x] of intInputs) {
    const f = 2 ** inputScaleExp(ir, id);
    out.set(id, { shape: [...x.shape], data: Float64Array.from(x.data as ArrayLike<number>, (q) => q * f) });
  }
  return out;
}
