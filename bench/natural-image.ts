// A natural-image-like test input: a seeded random image whose power spectrum falls as 1/f² (amplitude 1/f,
// the statistics of photographs: Field 1987, van der Schaaf & van Hateren 1996), built as a sum of octaves of
// smoothly interpolated random grids, each octave's amplitude proportional to its scale.

import { rng } from "../compiler/mapping/math.js";

/** One octave: a (cells+1)² grid of N(0,1)-ish values, cubic-smoothed between cell corners, over size². */
function octave(size: number, cells: number, rand: () => number, out: Float64Array, amp: number): void {
  const g = cells + 1;
  const grid = new Float64Array(g * g);
  for (let i = 0; i < grid.length; i++) grid[i] = rand() + rand() + rand() - 1.5; // mean 0, var 1/4
  const smooth = (t: number) => t * t * (3 - 2 * t);
  for (let y = 0; y < size; y++) {
    const fy = (y / size) * cells;
    const y0 = Math.floor(fy);
    const ty = smooth(fy - y0);
    for (let x = 0; x < size; x++) {
      const fx = (x / size) * cells;
      const x0 = Math.floor(fx);
      const tx = smooth(fx - x0);
      const a = grid[y0 * g + x0]! * (1 - tx) + grid[y0 * g + x0 + 1]! * tx;
      const b = grid[(y0 + 1) * g + x0]! * (1 - tx) + grid[(y0 + 1) * g + x0 + 1]! * tx;
      out[y * size + x] = out[y * size + x]! + amp * (a * (1 - ty) + b * ty);
    }
  }
}

/**
 * A [channels, size, size] image with amplitude ∝ 1/f: octaves of 2, 4, …, size/2 cells, amplitude ∝ cell size,
 * a luminance field shared by every channel plus a weaker field per channel (colour), then standardised to
 * mean 0 and standard deviation 1 per channel (an ImageNet-normalised input).
 */
export function naturalImage(size: number, channels: number, seed: number): Float32Array {
  const rand = rng(seed); // mulberry32: the same seed gives the same image on every machine
  const px = size * size;
  const luminance = new Float64Array(px);
  for (let cells = 2; cells <= size / 2; cells *= 2) octave(size, cells, rand, luminance, 1 / cells);
  const out = new Float32Array(channels * px);
  for (let c = 0; c < channels; c++) {
    const colour = new Float64Array(px);
    for (let cells = 2; cells <= size / 2; cells *= 2) octave(size, cells, rand, colour, 0.3 / cells);
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < px; i++) {
      const v = luminance[i]! + colour[i]!;
      colour[i] = v;
      sum += v;
      sq += v * v;
    }
    const mean = sum / px;
    const sd = Math.sqrt(Math.max(sq / px - mean * mean, 1e-30));
    for (let i = 0; i < px; i++) out[c * px + i] = (colour[i]! - mean) / sd;
  }
  return out;
}

/** The image repeated on each of `steps` steps: [steps, channels, size, size] (a static image per step). */
export function naturalClip(size: number, channels: number, steps: number, seed: number): Float32Array {
  const img = naturalImage(size, channels, seed);
  const out = new Float32Array(steps * img.length);
  for (let t = 0; t < steps; t++) out.set(img, t * img.length);
  return out;
}
