// Fixed-basis transform matrices along one axis (FNet/FWformer token mixing): DFT real and imaginary parts and
// the orthonormal multi-level Haar wavelet. Pure functions of the node, shared by the compiler (which lowers
// them into weights) and the float reference (its kernel).

import { assertNever } from "../../common/errors.js";
import type { FixedTransformNode } from "./nodes-extra.js";

/** M [n, n] row-major with M_jk = cos(2πjk/n) (`real`) or −sin(2πjk/n) (`imag`), ×1/√n when `ortho`. */
export function dftMatrix(
  n: number,
  part: "real" | "imag",
  normalize: "none" | "ortho" = "none",
): Float64Array {
  const m = new Float64Array(n * n);
  const s = normalize === "ortho" ? 1 / Math.sqrt(n) : 1;
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      const ang = (2 * Math.PI * ((j * k) % n)) / n; // reduce jk mod n first so large n keeps its precision
      m[j * n + k] = s * (part === "real" ? Math.cos(ang) : -Math.sin(ang));
    }
  }
  return m;
}

/**
 * Orthonormal Haar analysis matrix [n, n] with `levels` levels, rows ordered as pywt.wavedec's output
 * [a_L, d_L, d_{L−1}, …, d_1]: a = (x_{2k} + x_{2k+1})/√2, d = (x_{2k} − x_{2k+1})/√2, repeated on a.
 */
export function haarMatrix(n: number, levels: number): Float64Array {
  if (levels < 1 || n % 2 ** levels !== 0) {
    throw new RangeError(`haarMatrix: length ${n} is not divisible by 2^${levels}`);
  }
  // Rows of the current approximation block, as full-length vectors; details collected from the last level up.
  let approx: Float64Array[] = Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });
  const detailLevels: Float64Array[][] = [];
  for (let l = 0; l < levels; l++) {
    const half = approx.length / 2;
    const a: Float64Array[] = [];
    const d: Float64Array[] = [];
    for (let k = 0; k < half; k++) {
      const p = approx[2 * k]!;
      const q = approx[2 * k + 1]!;
      a.push(p.map((v, i) => (v + q[i]!) * Math.SQRT1_2));
      d.push(p.map((v, i) => (v - q[i]!) * Math.SQRT1_2));
    }
    detailLevels.unshift(d);
    approx = a;
  }
  const rows = [...approx, ...detailLevels.flat()];
  const m = new Float64Array(n * n);
  rows.forEach((r, i) => {
    m.set(r, i * n);
  });
  return m;
}

/** The basis matrix a FixedTransform node applies along an axis of length n. */
export function fixedTransformMatrix(node: FixedTransformNode, n: number): Float64Array {
  const basis = node.basis;
  switch (basis) {
    case "dft-real":
      return dftMatrix(n, "real", node.normalize);
    case "dft-imag":
      return dftMatrix(n, "imag", node.normalize);
    case "haar":
      return haarMatrix(n, node.levels);
    default:
      return assertNever(basis, "fixed basis");
  }
}
