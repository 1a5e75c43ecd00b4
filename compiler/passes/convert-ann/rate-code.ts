// Rate coding of analog inputs for networks converted with `inputCoding: "rate"`: a value x in [0, 1] becomes a
// spike train whose rate is x, which the converted first layer reads in the same unit as the analog value.

import { SpikegridError } from "../../../common/errors.js";
import type { ConvertSample } from "./options.js";

export interface RateCodeOptions {
  /** Bernoulli spikes (probability x per step) from this seed; without it the trains are regular. */
  seed?: number;
}

/** mulberry32: a small seeded generator, so encoded inputs are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One sample `x` (any shape) → spikes [steps, ...shape]. Values are clipped to [0, 1] (a rate cannot be
 * negative or exceed one spike per step). Regular trains spike at step t when ⌊(t+1)·x⌋ > ⌊t·x⌋, so after
 * T steps the count is ⌊T·x⌋ exactly; Bernoulli trains (with `seed`) are the Poisson-like coding of
 * Diehl et al. 2015, with count variance T·x(1 − x).
 */
export function rateEncode(
  x: ConvertSample,
  steps: number,
  opts: RateCodeOptions = {},
): { shape: number[]; data: Float64Array } {
  if (!(Number.isInteger(steps) && steps > 0)) {
    throw new SpikegridError("USAGE", `rateEncode: steps must be a positive integer, got ${String(steps)}`);
  }
  const n = x.data.length;
  const rate = Float64Array.from(x.data, (v) => {
    if (!Number.isFinite(v)) throw new SpikegridError("USAGE", `rateEncode: input holds ${v}`);
    return Math.min(1, Math.max(0, v));
  });
  const out = new Float64Array(steps * n);
  const rand = opts.seed === undefined ? undefined : mulberry32(opts.seed);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) {
      const r = rate[i]!;
      out[t * n + i] = rand ? (rand() < r ? 1 : 0) : Math.floor((t + 1) * r) - Math.floor(t * r);
    }
  }
  return { shape: [steps, ...x.shape], data: out };
}
