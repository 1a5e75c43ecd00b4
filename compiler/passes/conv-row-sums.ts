// Σ|w| per destination of a convolution over only the taps that read inside the source: a padded tap reads 0,
// so counting it (the whole kernel) doubles the bound of a composed selection conv whose other tap is padding.

import type { Conv1dConn, Conv2dConn } from "../nmir/index.js";

/** Taps [lo, hi) of a kernel axis whose source index o·stride − pad + k·dilation lies in [0, len). */
function tapRange(o: number, stride: number, pad: number, dilation: number, k: number, len: number) {
  const start = o * stride - pad;
  const lo = Math.max(0, Math.ceil(-start / dilation));
  const hi = Math.min(k, Math.floor((len - 1 - start) / dilation) + 1);
  return [lo, Math.max(lo, hi)] as const;
}

/**
 * Σ_i |w_ji| per destination j = (co, r, c): the input j receives when every source neuron it reads emits one
 * unit. A position whose window lies inside the source sums co's whole kernel, as it did before padding was
 * taken into account (the same additions, so the same value for real weights); an edge position sums its
 * in-range taps only.
 */
export function convAbsRowSums(c: Conv1dConn | Conv2dConn): Float64Array {
  const two = c.kind === "conv2d";
  const [, H, W] = two ? c.inShape : [c.inShape[0], 1, c.inShape[1]];
  const [cout, Ho, Wo] = two ? c.outShape : [c.outShape[0], 1, c.outShape[1]];
  const [, cinG, kh, kw] = two ? c.kernel : [c.kernel[0], c.kernel[1], 1, c.kernel[2]];
  const [sh, sw] = two ? c.stride : [1, c.stride];
  const [ph, pw] = two ? c.padding : [0, c.padding];
  const [dh, dw] = two ? c.dilation : [1, c.dilation];
  const rows = Array.from({ length: Ho }, (_, r) => tapRange(r, sh, ph, dh, kh, H));
  const cols = Array.from({ length: Wo }, (_, x) => tapRange(x, sw, pw, dw, kw, W));
  const w = c.weights;
  const perCo = cinG * kh * kw;
  const out = new Float64Array(cout * Ho * Wo);
  const tap = new Float64Array(kh * kw);
  for (let co = 0; co < cout; co++) {
    let whole = 0;
    for (let k = co * perCo; k < (co + 1) * perCo; k++) whole += Math.abs(w[k]!);
    // |w| summed over the group's input channels, per tap (ky, kx), for the edge positions
    tap.fill(0);
    for (let cl = 0; cl < cinG; cl++)
      for (let t = 0; t < kh * kw; t++) tap[t]! += Math.abs(w[(co * cinG + cl) * kh * kw + t]!);
    for (let r = 0; r < Ho; r++) {
      const [y0, y1] = rows[r]!;
      for (let x = 0; x < Wo; x++) {
        const [x0, x1] = cols[x]!;
        let s = whole;
        if (y0 > 0 || y1 < kh || x0 > 0 || x1 < kw) {
          s = 0;
          for (let ky = y0; ky < y1; ky++) for (let kx = x0; kx < x1; kx++) s += tap[ky * kw + kx]!;
        }
        out[(co * Ho + r) * Wo + x] = s;
      }
    }
  }
  return out;
}
