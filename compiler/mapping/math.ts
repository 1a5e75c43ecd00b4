// Small integer helpers shared by the memory models and placement.

/** ⌈log2 n⌉ for n ≥ 1 (0 for n ≤ 1). */
export function log2ceil(n: number): number {
  let b = 0;
  while (2 ** b < n) b++;
  return b;
}

/** A seeded PRNG (mulberry32), uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
