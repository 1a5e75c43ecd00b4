// spikingjelly MultiStepLIFNode(tau=2, v_reset=0, detach_reset=True) as one tfjs op with a hand-written
// backward pass, for training the demos with surrogate gradients.

import * as tf from "@tensorflow/tfjs-core";

/**
 * A spiking layer over x [B, T, C] as one op: the step loop runs in plain JS (a few hundred tiny tfjs ops per
 * layer would dominate training time). Forward: H_t = (V_{t−1} + X_t)/2, S_t = [H_t ≥ v_th], V_t = H_t(1 − S_t).
 * Backward (BPTT): ∂H_t = ∂S_t·σ'(H_t − v_th) + ∂V_t·(1 − S_t) with the reset detached (detach_reset=True)
 * and spikingjelly's default surrogate σ = sigmoid(4x); ∂X_t = ∂H_t/2, ∂V_{t−1} = ∂H_t/2.
 */
export function lifLayer(vth: number) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor3D;
    (args[1] as tf.GradSaveFunc)([x]);
    const [B, T, C] = x.shape;
    const xs = x.dataSync();
    const s = new Float32Array(xs.length);
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        let v = 0;
        for (let t = 0, i = b * T * C + c; t < T; t++, i += C) {
          const h = 0.5 * (v + xs[i]!);
          const fire = h >= vth;
          s[i] = fire ? 1 : 0;
          v = fire ? 0 : h;
        }
      }
    }
    return {
      value: tf.tensor3d(s, [B, T, C]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const xv = saved[0]!.dataSync();
        const dys = dy.dataSync();
        const dx = new Float32Array(xv.length);
        const hs = new Float64Array(T);
        for (let b = 0; b < B; b++) {
          for (let c = 0; c < C; c++) {
            const base = b * T * C + c;
            let v = 0;
            for (let t = 0; t < T; t++) {
              const h = 0.5 * (v + xv[base + t * C]!);
              hs[t] = h;
              v = h >= vth ? 0 : h;
            }
            let dv = 0; // ∂L/∂V_t, from step t + 1
            for (let t = T - 1; t >= 0; t--) {
              const h = hs[t]!;
              const sg = 1 / (1 + Math.exp(-4 * (h - vth)));
              const dh = dys[base + t * C]! * 4 * sg * (1 - sg) + (h >= vth ? 0 : dv);
              dx[base + t * C] = 0.5 * dh;
              dv = 0.5 * dh;
            }
          }
        }
        return tf.tensor3d(dx, [B, T, C]);
      },
    };
  });
}
