// Helpers shared by the demo trainers (train.ts, train-s4.ts): command-line numbers, batches, accuracy.

import * as tf from "@tensorflow/tfjs-core";
import type { MnistSequences } from "./mnist-sequences.js";

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
  return v;
}

/** Rows `idx` of a [N, T, F] set as one tensor batch. */
export function gather(d: MnistSequences, idx: number[]): { x: tf.Tensor3D; y: tf.Tensor2D } {
  const [, t, f] = d.shape;
  const per = t * f;
  const x = new Float32Array(idx.length * per);
  idx.forEach((n, i) => {
    x.set(d.x.subarray(n * per, (n + 1) * per), i * per);
  });
  const y = tf.oneHot(
    tf.tensor1d(
      Int32Array.from(idx, (n) => d.labels[n]!),
      "int32",
    ),
    10,
  );
  return { x: tf.tensor3d(x, [idx.length, t, f]), y: y as tf.Tensor2D };
}

export function tfAccuracy(logits: Float32Array, labels: Int32Array, k: number): number {
  let ok = 0;
  for (let n = 0; n < labels.length; n++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[n * k + c]! > logits[n * k + best]!) best = c;
    if (best === labels[n]) ok++;
  }
  return ok / labels.length;
}
