// The documented seeded synthetic input a network runs on when it is given neither a dataset nor a .npy file
// (`spikegrid table` of an untrained zoo model): i.i.d. standard normal values, like normalised features.

import { mulberry32 } from "../models/demos/mnist-sequences.js";

export const SYNTHETIC_SEED = 20_240_601;

/** One sample [1, steps, ...shape] of Box–Muller normals over mulberry32(seed). */
export function syntheticSamples(
  shape: readonly number[],
  steps: number,
  seed = SYNTHETIC_SEED,
): { shape: number[]; data: Float32Array; description: string } {
  const per = shape.reduce((a, b) => a * b, 1);
  const rand = mulberry32(seed);
  const data = new Float32Array(steps * per);
  for (let i = 0; i < data.length; i++) {
    const u = 1 - rand();
    data[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }
  return {
    shape: [1, steps, ...shape],
    data,
    description: `one synthetic sample: i.i.d. standard normal values, seeded (mulberry32 seed ${seed}, Box–Muller)`,
  };
}
