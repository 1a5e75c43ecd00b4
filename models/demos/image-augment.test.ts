// The image demos' translation augmentation: shape, where pixels land, what is lost at the border, and that a
// seeded generator gives the same shifts twice (a training run with --shift is reproducible).

import { describe, expect, it } from "vitest";
import { shiftImage, shiftImages } from "./image-augment.js";
import { mulberry32 } from "./mnist-sequences.js";

/** A side×side image whose pixel (y, x) is 1 + y·side + x: every value tells where it came from. */
function numbered(side: number): Float32Array {
  return Float32Array.from({ length: side * side }, (_, i) => i + 1);
}

const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe("shiftImage", () => {
  const side = 6;
  const src = numbered(side);

  it("moves every pixel by (dy, dx) and fills the gap with 0", () => {
    for (const [dy, dx] of [
      [1, 0],
      [0, -2],
      [-1, 2],
      [2, 1],
    ] as const) {
      const out = shiftImage(src, new Float32Array(side * side), side, dy, dx);
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++) {
          const sy = y - dy;
          const sx = x - dx;
          const inside = sy >= 0 && sy < side && sx >= 0 && sx < side;
          expect(out[y * side + x]).toBe(inside ? src[sy * side + sx] : 0);
        }
    }
  });

  it("keeps every pixel when only zero border pixels leave (a centred digit)", () => {
    const img = new Float32Array(side * side);
    for (let y = 2; y < 4; y++) for (let x = 2; x < 4; x++) img[y * side + x] = 0.25 * (y + x);
    for (const [dy, dx] of [
      [2, 2],
      [-2, 1],
      [0, -2],
    ] as const) {
      const out = shiftImage(img, new Float32Array(side * side), side, dy, dx);
      expect(sum(out)).toBeCloseTo(sum(img), 6);
      expect([...out].filter((v) => v !== 0).sort()).toEqual([...img].filter((v) => v !== 0).sort());
    }
  });

  it("is the identity at (0, 0)", () => {
    expect([...shiftImage(src, new Float32Array(side * side), side, 0, 0)]).toEqual([...src]);
  });
});

describe("shiftImages", () => {
  const side = 28;
  const n = 5;
  const batch = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) batch.set(numbered(side), i * side * side);

  it("returns a new batch of the same shape and leaves its input alone", () => {
    const copy = Float32Array.from(batch);
    const out = shiftImages(batch, n, side, 2, mulberry32(7));
    expect(out.length).toBe(batch.length);
    expect(out).not.toBe(batch);
    expect([...batch]).toEqual([...copy]);
  });

  it("draws the same shifts from the same seed, other shifts from another", () => {
    const a = shiftImages(batch, n, side, 2, mulberry32(7));
    const b = shiftImages(batch, n, side, 2, mulberry32(7));
    const c = shiftImages(batch, n, side, 2, mulberry32(8));
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });

  it("shifts each image by a whole translation of at most ±maxShift", () => {
    const out = shiftImages(batch, n, side, 1, mulberry32(3));
    for (let i = 0; i < n; i++) {
      const img = out.subarray(i * side * side, (i + 1) * side * side);
      // the numbered pixel at the centre says where it came from
      const v = img[14 * side + 14]! - 1;
      const dy = 14 - Math.floor(v / side);
      const dx = 14 - (v % side);
      expect(Math.abs(dy)).toBeLessThanOrEqual(1);
      expect(Math.abs(dx)).toBeLessThanOrEqual(1);
      expect([...img]).toEqual([...shiftImage(numbered(side), new Float32Array(side * side), side, dy, dx)]);
    }
  });

  it("returns a copy at maxShift 0 and refuses a shift that is not a whole number below the side", () => {
    expect([...shiftImages(batch, n, side, 0, mulberry32(1))]).toEqual([...batch]);
    expect(() => shiftImages(batch, n, side, 1.5, mulberry32(1))).toThrow(/whole number/);
    expect(() => shiftImages(batch, n, side, side, mulberry32(1))).toThrow(/whole number/);
    expect(() => shiftImages(batch, n + 1, side, 1, mulberry32(1))).toThrow(/not 6 images/);
  });
});
