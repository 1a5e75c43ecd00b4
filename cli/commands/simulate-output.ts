// Helpers shared by the `simulate` engines: per-step arrays stacked into .npy tensors, extra outputs and
// records written beside --out, comma-separated id lists.

import { basename, dirname, extname, join } from "node:path";
import type { Tensor } from "../../compiler/importers/tensors/index.js";
import { checkOutputs } from "../options.js";

/** `<dir>/<stem>.<suffix>.npy` beside `out`. */
export function besideOut(out: string, suffix: string): string {
  const safe = suffix.replace(/[^A-Za-z0-9_.-]+/g, "_");
  return join(dirname(out), `${basename(out, extname(out))}.${safe}.npy`);
}

/**
 * Checks the files written beside `out` (outputs after the first, `--record` ids) like `out` itself, before the
 * run: a node named like an input file's suffix must not overwrite it.
 */
export function checkBesideOut(
  out: string | undefined,
  ids: readonly string[],
  inputs: readonly unknown[],
): void {
  if (out === undefined) return;
  checkOutputs(
    [
      { flag: "-o/--out", path: out },
      ...ids.map((id) => ({ flag: `the file for "${id}" beside -o/--out`, path: besideOut(out, id) })),
    ],
    inputs.map((i) => (typeof i === "string" ? i : undefined)),
  );
}

/** Stacks per-sample, per-step arrays into one float64 tensor [batch?, T, ...shape]. */
export function stack(samples: Float64Array[][], shape: readonly number[], batched: boolean): Tensor {
  const steps = samples[0]?.length ?? 0;
  const per = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(samples.length * steps * per);
  samples.forEach((s, b) => {
    s.forEach((v, t) => {
      data.set(v, (b * steps + t) * per);
    });
  });
  return { dtype: "float64", shape: batched ? [samples.length, steps, ...shape] : [steps, ...shape], data };
}
