// How the direct run's step loop (direct-step.ts) holds connections: each one's target position, packed with its
// weight × 64 into one Int32 where every position and weight fits, and — where a step's arrivals into one neuron
// fit beside its summed weights — the bits of that arrival count.

/** Largest neuron count whose positions fit a packed connection's upper 16 bits. */
export const PACKED_NEURONS = 2 ** 16;

/**
 * The bits of a step's arrival count into one neuron (`DirectStepper.counted`) when the most connections into a
 * neuron (`most`) and the largest Σ|weight × 64| into one (`mostAbs`) fit one Int32 together, else 0.
 */
export function countBitsOf(most: number, mostAbs: number): number {
  let bits = 1;
  while (2 ** bits <= most) bits++;
  return bits <= 16 && (mostAbs + 1) * 2 ** bits <= 2 ** 31 - 1 ? bits : 0;
}

/**
 * Per connection, its target's position (`positionOf` of `post`), packed with its weight (see
 * `DirectStepper.targetAt`) when every position and weight fits: one pass, the packing dropped at the first that
 * does not. `countBits`: with the packing, the bits a step's arrival count into one neuron takes (its
 * connections in), when that count and its Σ|weight × 64| fit one Int32 together (`DirectStepper.counted`), else 0.
 */
export function connectionTargets(
  post: Int32Array,
  weight64: Int32Array,
  positionOf: Int32Array,
  form: ConnectionForm,
  fanIn64?: Float64Array,
) {
  const at = new Int32Array(post.length);
  const into = new Int32Array(positionOf.length);
  // Σ|weight × 64| into each neuron: the net's own when it has them (the same sums), else summed here
  const absInto = fanIn64 ? undefined : new Float64Array(positionOf.length);
  let r = 0;
  if (positionOf.length <= PACKED_NEURONS && form !== "arrays")
    for (; r < post.length; r++) {
      const w = weight64[r]!;
      if (w !== (w << 16) >> 16) break;
      const d = positionOf[post[r]!]!;
      at[r] = (d << 16) | (w & 0xffff);
      into[d]!++;
      if (absInto) absInto[d]! += Math.abs(w);
    }
  if (r === post.length) {
    let most = 0;
    let mostAbs = 0;
    for (let d = 0; d < into.length; d++) if (into[d]! > most) most = into[d]!;
    for (const x of fanIn64 ?? absInto!) if (x > mostAbs) mostAbs = x;
    const bits = countBitsOf(most, mostAbs);
    return { at, packed: true, countBits: form === "auto" || form === "counted" ? bits : 0 };
  }
  for (r = 0; r < post.length; r++) at[r] = positionOf[post[r]!]!;
  return { at, packed: false, countBits: 0 };
}

/** How the loop holds connections: the densest form that fits (`auto`: counted, stepped in WebAssembly where the
 * runtime has it), or — to compare them — counted in the JS loop, packed without the arrival count, or two
 * arrays. */
export type ConnectionForm = "auto" | "counted" | "packed" | "arrays";
