// The whole-array scans verify makes (int32 min/max, first non-finite float), each a loop over one array
// type so V8 keeps it monomorphic, remembered per array within one verify call: a weight matrix that many
// projections share (a per-token linear read by every residual term) is scanned once, not once per reader.

type FloatArray = Float32Array | Float64Array;

function int32MinMax(a: Int32Array): { min: number; max: number } {
  let min = 0;
  let max = 0;
  if (a.length > 0) min = max = a[0]!;
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max };
}

// two copies of the same loop: one per element type keeps each call site monomorphic
function firstNonFinite32(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i]! - a[i]! !== 0) return i;
  return -1;
}
function firstNonFinite64(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (a[i]! - a[i]! !== 0) return i;
  return -1;
}

/** Scan results by array (identity). Arrays must not change while one instance is in use. */
export class ArrayScans {
  private readonly ranges = new Map<Int32Array, { min: number; max: number }>();
  private readonly nonFinite = new Map<FloatArray, number>();

  /** Smallest and largest value (0, 0 for an empty array). */
  int32Range(a: Int32Array): { min: number; max: number } {
    let r = this.ranges.get(a);
    if (r === undefined) {
      r = int32MinMax(a);
      this.ranges.set(a, r);
    }
    return r;
  }

  /** Index of the first NaN or ±Infinity, or −1. */
  firstNonFinite(a: FloatArray): number {
    let r = this.nonFinite.get(a);
    if (r === undefined) {
      r = a instanceof Float32Array ? firstNonFinite32(a) : firstNonFinite64(a);
      this.nonFinite.set(a, r);
    }
    return r;
  }
}
