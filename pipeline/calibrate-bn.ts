// BatchNorm statistics of an untrained network set from its own activity on the table's inputs (as PyTorch's
// train-mode BatchNorm would normalise them), so PyTorch-default weights give illustrative, non-silent spiking.

import type { NetGraph } from "../compiler/graph/graph.js";
import type { BatchNormNode } from "../compiler/graph/nodes-synaptic.js";
import { runFloat } from "../simulator/float/index.js";

/** Steps of the calibration runs (the first steps of the first sample). */
export const CALIBRATION_STEPS = 16;

export const CALIBRATION_CONVENTION =
  `BatchNorm running statistics set to the per-channel mean and variance of each BatchNorm's input over the ` +
  `first ${CALIBRATION_STEPS} steps of the first sample (as train-mode BatchNorm normalises), upstream first`;

/** Per-channel mean and variance of the values a BN saw, recovered from its recorded output. */
function inputStats(
  bn: BatchNormNode,
  outs: readonly Float64Array[],
): { mean: Float64Array; variance: Float64Array } {
  const c = bn.mean.data.length;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  let n = 0;
  for (const y of outs) {
    const per = y.length / c;
    // axis 0 of the per-step shape: channel = floor(i / per).
    for (let i = 0; i < y.length; i++) {
      const ch = Math.floor(i / per);
      const g = bn.gamma.data.length === 1 ? bn.gamma.data[0]! : bn.gamma.data[ch]!;
      const b = bn.beta.data.length === 1 ? bn.beta.data[0]! : bn.beta.data[ch]!;
      const x = ((y[i]! - b) / (g || 1)) * Math.sqrt(bn.variance.data[ch]! + bn.eps) + bn.mean.data[ch]!;
      sum[ch]! += x;
      sq[ch]! += x * x;
    }
    n += per;
  }
  const mean = sum.map((s) => s / Math.max(1, n));
  const variance = sq.map((s, i) => Math.max(0, s / Math.max(1, n) - mean[i]! ** 2));
  return { mean, variance };
}

/**
 * Sets the statistics of every top-level BatchNorm (axis 0) from float runs over `input` ([T, ...shape] of the
 * graph's one input), repeating until nothing changes (one pass per level of BatchNorm depth at most).
 * Returns the number of BatchNorms calibrated.
 */
export function calibrateBatchNorm(
  graph: NetGraph,
  inputId: string,
  shape: readonly number[],
  data: Float64Array,
): number {
  const bns = [...graph.nodes].filter(
    (e): e is [string, BatchNormNode] => e[1].kind === "BatchNorm" && e[1].axis === 0,
  );
  if (!bns.length) return 0;
  const per = shape.reduce((a, b) => a * b, 1);
  const steps = Math.min(CALIBRATION_STEPS, Math.floor(data.length / per));
  const input = { shape: [steps, ...shape], data: data.subarray(0, steps * per) };
  for (let pass = 0; pass <= bns.length; pass++) {
    const r = runFloat(graph, { [inputId]: input }, { record: bns.map(([id]) => id) });
    let changed = 0;
    for (const [id, bn] of bns) {
      const { mean, variance } = inputStats(bn, r.records.get(id) ?? []);
      for (let i = 0; i < mean.length; i++) {
        const d = Math.abs(mean[i]! - bn.mean.data[i]!) + Math.abs(variance[i]! - bn.variance.data[i]!);
        if (d > 1e-9 * (1 + Math.abs(bn.variance.data[i]!))) changed++;
      }
      bn.mean.data.set(mean);
      bn.variance.data.set(variance);
    }
    if (!changed) break;
  }
  return bns.length;
}
