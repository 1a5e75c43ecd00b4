// Checks of what users feed the float reference: input ids, shapes (expected vs got), finite values, dt.
// Every error names the input (and step and element) so a wrong tensor is found without a debugger.

import { SpikegridError } from "../../common/errors.js";
import { formatShape } from "../../compiler/graph/index.js";

/** An NdArray-like tensor: a row-major `data` of `shape` (Float32Array, Float64Array or plain numbers). */
export interface InputTensor {
  shape: readonly number[];
  data: ArrayLike<number>;
}

export type Named<T> = Map<string, T> | Record<string, T>;

export function toMap<T>(m: Named<T>): Map<string, T> {
  return m instanceof Map ? m : new Map(Object.entries(m));
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Every Input id present, no unknown ids. */
export function checkInputIds(
  expected: ReadonlyMap<string, readonly number[]>,
  given: ReadonlyMap<string, unknown>,
): void {
  const known = [...expected.keys()];
  for (const id of expected.keys()) {
    if (!given.has(id)) {
      throw new SpikegridError("USAGE", `no value for input "${id}" ${formatShape(expected.get(id)!)}`, {
        hint: `the graph's inputs are ${known.map((k) => `"${k}"`).join(", ")}`,
      });
    }
  }
  for (const id of given.keys()) {
    if (!expected.has(id)) {
      throw new SpikegridError("USAGE", `"${id}" is not an Input node of the graph`, {
        hint: known.length
          ? `the graph's inputs are ${known.map((k) => `"${k}"`).join(", ")}`
          : "the graph has no Input nodes",
      });
    }
  }
}

/** Throws naming the input, step and element of the first NaN or ±Infinity. */
export function checkFinite(id: string, data: ArrayLike<number>, perStep: number, stepOffset = 0): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) continue;
    const step = Math.floor(i / perStep) + stepOffset;
    throw new SpikegridError(
      "USAGE",
      `input "${id}" holds ${v} at step ${step}, element ${i % perStep} (flat index ${i})`,
      {
        hint: "inputs must be finite numbers; check the data loader or the encoder that produced them",
      },
    );
  }
}

/** Checks `[T, ...shape]` tensors and returns the number of steps to run. */
export function checkSequences(
  expected: ReadonlyMap<string, readonly number[]>,
  given: ReadonlyMap<string, InputTensor>,
  timesteps: number | undefined,
): number {
  checkInputIds(expected, given);
  if (timesteps !== undefined && !(Number.isInteger(timesteps) && timesteps >= 0)) {
    throw new SpikegridError("USAGE", `timesteps must be a non-negative integer, got ${timesteps}`);
  }
  let steps: number | undefined;
  let first = "";
  for (const [id, t] of given) {
    const want = expected.get(id)!;
    const ok = t.shape.length === want.length + 1 && want.every((d, i) => t.shape[i + 1] === d);
    if (!ok) {
      throw new SpikegridError(
        "USAGE",
        `input "${id}": expected shape [T,${want.join(",")}] (time first), got ${formatShape(t.shape)}`,
        {
          hint: "shapes exclude batch; give one [T, ...] tensor per sample (runFloatBatch takes [batch, T, ...])",
        },
      );
    }
    if (t.data.length !== sizeOf(t.shape)) {
      throw new SpikegridError(
        "USAGE",
        `input "${id}": ${t.data.length} values do not fill shape ${formatShape(t.shape)}`,
      );
    }
    const len = t.shape[0]!;
    if (steps === undefined) {
      steps = len;
      first = id;
    } else if (len !== steps) {
      throw new SpikegridError(
        "USAGE",
        `inputs disagree on the number of steps: "${first}" has ${steps}, "${id}" has ${len}`,
      );
    }
    checkFinite(id, t.data, Math.max(1, sizeOf(want)));
  }
  if (steps === undefined) {
    if (timesteps === undefined) {
      throw new SpikegridError(
        "USAGE",
        "the graph has no Input nodes, so the number of steps must be given",
        {
          hint: "pass { timesteps: T }",
        },
      );
    }
    return timesteps;
  }
  if (timesteps !== undefined && timesteps > steps) {
    throw new SpikegridError("USAGE", `timesteps = ${timesteps} but the inputs hold only ${steps} steps`, {
      hint: "pad the inputs (e.g. with zeros) or lower timesteps",
    });
  }
  return timesteps ?? steps;
}

/** dt from the options, else the graph's suggestion, else 1 (with a warning); must be finite and > 0. */
export function resolveDt(
  optDt: number | undefined,
  graphDt: number | undefined,
  warnings: string[],
): number {
  const dt = optDt ?? graphDt;
  if (dt === undefined) {
    warnings.push("no dt given (options or graph.dt): using dt = 1, right for discrete-time models only");
    return 1;
  }
  if (!(Number.isFinite(dt) && dt > 0)) {
    throw new SpikegridError("USAGE", `dt must be a positive number of seconds, got ${dt}`, {
      hint: "NIR graphs from the NIR paper use dt = 1e-4; discrete-time models (snnTorch β form, spikingjelly) use 1",
    });
  }
  return dt;
}
