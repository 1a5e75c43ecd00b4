// Streaming accuracy (LMUFormer's `all_seq` evaluation) over per-step head outputs, and the algorithmic delay
// (look-ahead of non-causal TemporalConvs) a network adds, reported apart from compute latency.

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import { flattenGraph } from "../compiler/graph/schedule.js";

export const STREAMING_CONVENTION =
  "LMUFormer all_seq: the prediction after t steps is the argmax of the mean of the head outputs of steps 0..t−1 " +
  "(first maximum on ties); algorithmic delay = summed look-ahead of non-causal TemporalConvs on the longest path to an output, in steps";
export const ACCURACY_CONVENTION =
  "argmax of the mean over all steps of the first output (the all_seq prediction at the last step), over the batch";

export interface StreamingResult {
  streaming: {
    accuracyBySamplesSeen: number[];
    finalAccuracy: number;
    algorithmicDelaySteps: number;
    convention: string;
  };
  accuracy: { correct: number; total: number; fraction: number; convention: string };
}

/**
 * Accuracy after t = 1..T samples seen. `outputs[b][t]` is the head output vector of sample b at step t; the
 * cumulative mean and the cumulative sum have the same argmax, so the sum is kept.
 */
export function streamingAccuracy(
  outputs: ArrayLike<number>[][],
  labels: readonly number[],
  algorithmicDelaySteps: number,
): StreamingResult {
  if (outputs.length !== labels.length) {
    throw new SpikegridError("USAGE", `${labels.length} labels for a batch of ${outputs.length} samples`, {
      hint: "give one integer class label per sample: labels.npy shaped [batch]",
    });
  }
  const steps = outputs[0]?.length ?? 0;
  if (steps === 0)
    throw new SpikegridError("USAGE", "streaming accuracy needs at least one step and one sample");
  const correct = new Array<number>(steps).fill(0);
  outputs.forEach((seq, b) => {
    if (seq.length !== steps)
      throw new SpikegridError("USAGE", `sample ${b} has ${seq.length} steps, not ${steps}`);
    const classes = seq[0]!.length;
    const label = labels[b]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new SpikegridError(
        "USAGE",
        `label ${label} of sample ${b} is not a class index 0..${classes - 1}`,
      );
    }
    const sum = new Float64Array(classes);
    for (let t = 0; t < steps; t++) {
      const y = seq[t]!;
      let best = 0;
      for (let k = 0; k < classes; k++) {
        sum[k]! += y[k]!;
        if (sum[k]! > sum[best]!) best = k;
      }
      if (best === label) correct[t]!++;
    }
  });
  const n = labels.length;
  const bySeen = correct.map((c) => c / n);
  return {
    streaming: {
      accuracyBySamplesSeen: bySeen,
      finalAccuracy: bySeen[steps - 1]!,
      algorithmicDelaySteps,
      convention: STREAMING_CONVENTION,
    },
    accuracy: {
      correct: correct[steps - 1]!,
      total: n,
      fraction: bySeen[steps - 1]!,
      convention: ACCURACY_CONVENTION,
    },
  };
}

/**
 * The most look-ahead any path from an input to an Output accumulates (TemporalConv `lookahead`, summed along the
 * path). Recurrent edges cannot add look-ahead forever: a cycle through a non-causal conv is an error.
 */
export function graphAlgorithmicDelay(graph: NetGraph): number {
  const g = flattenGraph(graph);
  const own = (id: string) => {
    const n = g.nodes.get(id);
    return n?.kind === "TemporalConv" ? n.lookahead : 0;
  };
  const ahead = new Map<string, number>([...g.nodes.keys()].map((id) => [id, own(id)]));
  // Longest-path relaxation; more rounds than nodes means a cycle keeps growing the look-ahead.
  for (let round = 0; ; round++) {
    let changed = false;
    for (const e of g.edges) {
      const v = (ahead.get(e.src) ?? 0) + own(e.dst);
      if (v > (ahead.get(e.dst) ?? 0)) {
        ahead.set(e.dst, v);
        changed = true;
      }
    }
    if (!changed) break;
    if (round > g.nodes.size)
      throw new SpikegridError("UNSUPPORTED", "a recurrent loop passes through a non-causal TemporalConv");
  }
  let delay = 0;
  for (const [id, n] of g.nodes) if (n.kind === "Output") delay = Math.max(delay, ahead.get(id) ?? 0);
  return delay;
}

/** Labels from a tensor: one non-negative integer per sample. */
export function labelsFrom(values: ArrayLike<number>, shape: readonly number[], where: string): number[] {
  if (shape.length !== 1 && !(shape.length === 2 && shape[1] === 1)) {
    throw new SpikegridError("USAGE", `${where}: labels must be shaped [batch], got [${shape.join(",")}]`);
  }
  return Array.from(values, (v) => {
    if (!Number.isInteger(v) || v < 0)
      throw new SpikegridError("USAGE", `${where}: label ${v} is not a class index`);
    return v;
  });
}

/** One line for the terminal: accuracy at a few points of the stream and the algorithmic delay. */
export function streamingSummary(r: StreamingResult): string {
  const acc = r.streaming.accuracyBySamplesSeen;
  const marks = [...new Set([0.25, 0.5, 0.75].map((f) => Math.max(1, Math.round(acc.length * f))))];
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const points = marks.map((t) => `${pct(acc[t - 1]!)}@${t}`).join(", ");
  return `streaming accuracy ${pct(r.streaming.finalAccuracy)} after ${acc.length} steps (${r.accuracy.correct}/${r.accuracy.total}); ${points}; algorithmic delay ${r.streaming.algorithmicDelaySteps} step(s)`;
}
