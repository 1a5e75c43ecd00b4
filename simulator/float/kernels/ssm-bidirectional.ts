// A bidirectional DiagonalSsm over a whole clip (S4's two-sided kernel, `sequence: "whole"` runs only).
// The official layer convolves with k = pad(K_fwd, (0, L)) + pad(flip(K_back), (L, 0)) over 2L points, i.e.
//   y_t = Σ_{s≤t} K_fwd[t−s] u_s + Σ_{m>t} K_back[m−t−1] u_m + D u_t,  K_·[l] = 2·Re(C_· B̄ λ̄^l).
// Both sums are computed as recurrences: forward in time with C, backward in time with C_back.
// sequence.ts gives this node a look-ahead of T − 1 steps: it stores u_0..u_{T−1} during its first T steps,
// solves at step T − 1 and emits y_k at step T − 1 + k (the look-ahead of every other node is kept aligned).

import type { DiagonalSsmNode } from "../../../compiler/graph/index.js";
import { discretizeDiagonalSsm } from "../../../compiler/graph/ssm.js";
import type { Kernel } from "./types.js";

/** The layer's output over the whole input u [T, H] (row-major), as [T, H]. */
export function bidirectionalSsm(node: DiagonalSsmNode, u: Float64Array, T: number): Float64Array {
  const [h, modes] = node.cRe.shape as [number, number];
  const { aRe, aIm, bRe, bIm } = discretizeDiagonalSsm(node);
  const cbRe = node.cBackRe?.data;
  const cbIm = node.cBackIm?.data;
  const y = new Float64Array(T * h);
  for (let c = 0; c < h; c++) {
    for (let k = c * modes, end = k + modes; k < end; k++) {
      const [ar, ai, br, bi] = [aRe[k]!, aIm[k]!, bRe[k]!, bIm[k]!];
      let xr = 0;
      let xi = 0;
      for (let t = 0; t < T; t++) {
        const ut = u[t * h + c]!;
        [xr, xi] = [ar * xr - ai * xi + br * ut, ar * xi + ai * xr + bi * ut];
        y[t * h + c]! += 2 * (node.cRe.data[k]! * xr - node.cIm.data[k]! * xi);
      }
      if (!cbRe || !cbIm) continue;
      // w holds Σ_{m>t} λ̄^{m−t−1} B̄ u_m when y_t reads it (zero at t = T − 1)
      let wr = 0;
      let wi = 0;
      for (let t = T - 1; t >= 0; t--) {
        y[t * h + c]! += 2 * (cbRe[k]! * wr - cbIm[k]! * wi);
        const ut = u[t * h + c]!;
        [wr, wi] = [ar * wr - ai * wi + br * ut, ar * wi + ai * wr + bi * ut];
      }
    }
    for (let t = 0; t < T; t++) y[t * h + c]! += node.d.data[c]! * u[t * h + c]!;
  }
  return y;
}

export function bidirectionalSsmKernel(node: DiagonalSsmNode, T: number): Kernel {
  const h = node.cRe.shape[0]!;
  const u = new Float64Array(T * h);
  let y: Float64Array = new Float64Array(0);
  const out = new Float64Array(h);
  let calls = 0;
  return {
    out,
    step([x]) {
      if (calls < T) u.set(x!, calls * h);
      if (calls === T - 1) y = bidirectionalSsm(node, u, T);
      const k = calls - (T - 1);
      if (k >= 0 && k < T) out.set(y.subarray(k * h, (k + 1) * h));
      else out.fill(0);
      calls++;
    },
    reset() {
      calls = 0;
      u.fill(0);
      out.fill(0);
    },
  };
}
