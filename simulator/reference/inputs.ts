// Checks of what users feed the reference interpreter (ids, shapes, values by event kind and stage) and the
// copy of one step's input into its source frame. Every error names the input, the step and the element.

import { SpikegridError } from "../../common/errors.js";
import { signedRange } from "../../compiler/nmir/model-info.js";
import { describeEvent, type InputPort, shapeSize } from "../../compiler/nmir/types.js";
import type { Frame } from "./schedule.js";

/** A `[T, ...inputShape]` tensor, row-major. */
export interface InputSequence {
  shape: readonly number[];
  data: ArrayLike<number>;
}

export type Named<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

export function toMap<T>(m: Named<T>): ReadonlyMap<string, T> {
  return m instanceof Map ? m : new Map(Object.entries(m as Record<string, T>));
}

const list = (ports: readonly InputPort[]) => ports.map((p) => `"${p.id}" [${p.shape.join(",")}]`).join(", ");

/** Every input port has a value and every given id is an input port. */
export function checkInputIds(ports: readonly InputPort[], given: ReadonlyMap<string, unknown>): void {
  const hint = ports.length ? `the module's inputs are ${list(ports)}` : "the module has no inputs";
  for (const p of ports) {
    if (!given.has(p.id)) throw new SpikegridError("USAGE", `no value for input "${p.id}"`, { hint });
  }
  const known = new Set(ports.map((p) => p.id));
  for (const id of given.keys()) {
    if (!known.has(id)) throw new SpikegridError("USAGE", `"${id}" is not an input of the module`, { hint });
  }
}

/**
 * Checks `n` values of input `port` (from `data[offset]`) for step `step` and writes them into `frame`:
 * finite numbers; spikes 0 or 1; graded payloads at stage quantized integers within their signed width.
 */
export function loadInput(
  port: InputPort,
  data: ArrayLike<number>,
  offset: number,
  frame: Frame,
  quantized: boolean,
  step: number,
): void {
  const n = frame.values.length;
  const spike = port.event.kind === "spike";
  const [lo, hi] = port.event.kind === "graded" ? signedRange(port.event.bits) : [0, 1];
  const { values, idx } = frame;
  let count = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const x = data[offset + i]!;
    const bad = spike
      ? x !== 0 && x !== 1
      : !Number.isFinite(x) || (quantized && (!Number.isInteger(x) || x < lo || x > hi));
    if (bad) {
      const want = spike
        ? "spike inputs must be 0 or 1"
        : quantized
          ? `${describeEvent(port.event)} inputs must be integers in [${lo}, ${hi}] at stage quantized`
          : "graded inputs must be finite numbers";
      throw new SpikegridError(
        "USAGE",
        `input "${port.id}" holds ${x} at step ${step}, element ${i}: ${want}`,
        { hint: "check the encoder or data loader that produced the input" },
      );
    }
    values[i] = x === 0 ? 0 : x;
    if (x !== 0) {
      idx[count++] = i;
      const a = x < 0 ? -x : x;
      if (a > maxAbs) maxAbs = a;
    }
  }
  frame.count = count;
  frame.maxAbs = maxAbs;
}

/** Length of one step's array for `port`; throws naming the input on a mismatch. */
export function checkStepLength(port: InputPort, data: ArrayLike<number>, step: number): void {
  const n = shapeSize(port.shape);
  if (data?.length !== n) {
    throw new SpikegridError(
      "USAGE",
      `input "${port.id}" at step ${step}: expected ${n} values (shape [${port.shape.join(",")}]), got ${data?.length}`,
    );
  }
}

/** Checks `[T, ...shape]` sequences for every input port and returns the number of steps to run. */
export function checkSequences(
  ports: readonly InputPort[],
  given: ReadonlyMap<string, InputSequence>,
  timesteps: number | undefined,
): number {
  checkInputIds(ports, given);
  if (timesteps !== undefined && !(Number.isInteger(timesteps) && timesteps >= 0)) {
    throw new SpikegridError("USAGE", `timesteps must be a non-negative integer, got ${timesteps}`);
  }
  let steps: number | undefined;
  let first = "";
  for (const p of ports) {
    const seq = given.get(p.id)!;
    const shape = seq.shape;
    if (shape.length !== p.shape.length + 1 || p.shape.some((d, i) => shape[i + 1] !== d)) {
      throw new SpikegridError(
        "USAGE",
        `input "${p.id}": expected shape [T,${p.shape.join(",")}] (time first), got [${shape.join(",")}]`,
      );
    }
    if (seq.data.length !== shapeSize([...shape])) {
      throw new SpikegridError(
        "USAGE",
        `input "${p.id}": ${seq.data.length} values do not fill shape [${shape.join(",")}]`,
      );
    }
    const len = shape[0]!;
    if (steps === undefined) [steps, first] = [len, p.id];
    else if (len !== steps) {
      throw new SpikegridError(
        "USAGE",
        `inputs disagree on the number of steps: "${first}" has ${steps}, "${p.id}" has ${len}`,
      );
    }
  }
  if (steps === undefined) {
    if (timesteps === undefined) {
      throw new SpikegridError("USAGE", "the module has no inputs, so the number of steps must be given", {
        hint: "pass { timesteps: T }",
      });
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
