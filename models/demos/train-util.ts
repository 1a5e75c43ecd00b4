// Helpers shared by the demo trainers (train.ts, train-s4.ts) and their tfjs models: command-line numbers,
// batches, shuffling, the learning-rate schedule, batched eval logits, accuracy.

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

/** The text after `--name`, or undefined when the flag is absent. */
export function argText(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`--${name} needs a value`);
  return v;
}

/** A Fisher–Yates shuffle of 0..n−1 drawn from `rand`. */
export function shuffled(n: number, rand: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Cosine learning-rate decay over all epochs: lr·(1 + cos(π·epoch/epochs))/2; returns the rate set. */
export function setCosineRate(opt: tf.Optimizer, lr: number, epoch: number, epochs: number): number {
  const rate = lr * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs));
  (opt as unknown as { learningRate: number }).learningRate = rate;
  return rate;
}

/** Logits [N, k] of `logits` over x [N, T, F] (Float32, C order), `batch` rows at a time. */
export function predictInBatches(
  logits: (x: tf.Tensor3D) => tf.Tensor,
  k: number,
  x: Float32Array,
  shape: [number, number, number],
  batch = 200,
): Float32Array {
  const [n, t, f] = shape;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const y = tf.tidy(() => logits(tf.tensor3d(x.subarray(i * t * f, (i + b) * t * f), [b, t, f])));
    out.set(y.dataSync(), i * k);
    y.dispose();
  }
  return out;
}

/** Largest |Δ| per sample between float-reference logits (rows) and tfjs logits [N, k]; how many exceed 1e-4. */
export function logitAgreement(
  rows: readonly ArrayLike<number>[],
  tfLogits: Float32Array,
  k: number,
): { worst: number; over: number } {
  let worst = 0;
  let over = 0;
  rows.forEach((row, n) => {
    let m = 0;
    for (let c = 0; c < k; c++) m = Math.max(m, Math.abs(row[c]! - tfLogits[n * k + c]!));
    worst = Math.max(worst, m);
    if (m > 1e-4) over++;
  });
  return { worst, over };
}
