// Training-time augmentation for the MNIST image demos: each digit of a batch moved by a random whole-pixel
// translation (zero fill), drawn from a seeded generator so a training run is reproducible (train-image.ts --shift).

/** The image shifted by (dy, dx) pixels (positive = down / right); pixels moved out are lost, the gap is 0. */
export function shiftImage(
  src: Float32Array,
  dst: Float32Array,
  side: number,
  dy: number,
  dx: number,
): Float32Array {
  dst.fill(0);
  for (let y = Math.max(0, dy); y < Math.min(side, side + dy); y++) {
    const from = (y - dy) * side;
    const x0 = Math.max(0, dx);
    const x1 = Math.min(side, side + dx);
    if (x1 > x0) dst.set(src.subarray(from + x0 - dx, from + x1 - dx), y * side + x0);
  }
  return dst;
}

/**
 * `n` images of side×side (row-major, one after another) each shifted by dy, dx drawn uniformly from
 * [−maxShift, maxShift] with `rand`; maxShift 0 returns a copy. Two draws per image, in image order.
 */
export function shiftImages(
  x: Float32Array,
  n: number,
  side: number,
  maxShift: number,
  rand: () => number,
): Float32Array {
  const per = side * side;
  if (x.length !== n * per)
    throw new RangeError(`shiftImages: ${x.length} values are not ${n} images of ${per}`);
  if (!Number.isInteger(maxShift) || maxShift < 0 || maxShift >= side)
    throw new RangeError(`shiftImages: the shift must be a whole number in 0…${side - 1}, got ${maxShift}`);
  const out = new Float32Array(x.length);
  if (maxShift === 0) {
    out.set(x);
    return out;
  }
  const draw = () => Math.floor(rand() * (2 * maxShift + 1)) - maxShift;
  for (let i = 0; i < n; i++) {
    const dy = draw();
    const dx = draw();
    shiftImage(x.subarray(i * per, (i + 1) * per), out.subarray(i * per, (i + 1) * per), side, dy, dx);
  }
  return out;
}
