// Splitting batched inputs [batch, T, ...] into per-sample tensors [T, ...] for runFloatBatch (run.ts).

import { SpikegridError } from "../../common/errors.js";
import { type InputTensor, sizeOf } from "./inputs.js";

/** The samples of every input, checked to be [batch, T, ...] with one batch size; views where possible. */
export function splitBatch(m: ReadonlyMap<string, InputTensor>): Map<string, InputTensor>[] {
  let batch: number | undefined;
  for (const [id, x] of m) {
    const b = x.shape[0];
    if (b === undefined || x.shape.length < 2) {
      throw new SpikegridError(
        "USAGE",
        `input "${id}": expected [batch, T, ...], got [${x.shape.join(",")}]`,
      );
    }
    if (batch !== undefined && b !== batch) {
      throw new SpikegridError("USAGE", `inputs disagree on the batch size (${batch} vs ${b} for "${id}")`);
    }
    batch = b;
  }
  return Array.from({ length: batch ?? 1 }, (_, s) => {
    const sample = new Map<string, InputTensor>();
    for (const [id, x] of m) {
      const per = sizeOf(x.shape.slice(1));
      const data =
        x.data instanceof Float64Array || x.data instanceof Float32Array
          ? x.data.subarray(s * per, (s + 1) * per)
          : Array.prototype.slice.call(x.data, s * per, (s + 1) * per);
      sample.set(id, { shape: x.shape.slice(1), data });
    }
    return sample;
  });
}
