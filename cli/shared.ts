// Argument helpers the commands share: comma lists, reset mode, NIR convention, and one sample cut out of a
// batched input (flag checks and output paths are options.ts). Commands import these, never from each other.

import { SpikegridError } from "../common/errors.js";
import type { NirConvention } from "../compiler/importers/nir/conventions.js";

/** "a, b,c" → ["a", "b", "c"]; anything else → []. */
export function listArg(v: unknown): string[] {
  return typeof v === "string" && v.length
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/** The `--reset-mode` flag value, checked. */
export function resetModeArg(v: unknown): "value" | "subtract" | undefined {
  if (v === undefined) return undefined;
  if (v === "value" || v === "subtract") return v;
  throw new SpikegridError("USAGE", `--reset-mode must be "value" or "subtract", got "${String(v)}"`);
}

/** The `--nir-convention` flag value, checked. */
export function nirConventionArg(v: unknown): NirConvention | undefined {
  if (v === undefined || v === "nir") return undefined;
  if (v === "rockpool") return v;
  throw new SpikegridError("USAGE", `--nir-convention must be "nir" or "rockpool", got "${String(v)}"`);
}

/** Sample b of [batch?, T_in, ...] values as [steps, ...shape], zero-filled past T_in. */
export function sampleOf(values: ArrayLike<number>, shape: number[], b: number, tIn: number, steps: number) {
  const per = shape.reduce((a, d) => a * d, 1);
  const data = new Float64Array(steps * per);
  const from = b * tIn * per;
  for (let i = 0; i < Math.min(steps, tIn) * per; i++) data[i] = values[from + i]!;
  return { shape: [steps, ...shape], data };
}
