// `simulate --labels labels.npy`: streaming (all_seq) accuracy over the per-step outputs of either engine,
// with the algorithmic delay from the network (float) or the module's lowering metadata (reference).

import { SpikegridError } from "../../common/errors.js";
import type { NetGraph } from "../../compiler/graph/graph.js";
import { readNpyFile } from "../../compiler/importers/tensors/npy.js";
import { toFloat32 } from "../../compiler/importers/tensors/tensor.js";
import {
  graphAlgorithmicDelay,
  labelsFrom,
  type StreamingResult,
  streamingAccuracy,
  streamingSummary,
} from "../../simulator/streaming.js";

export { labelsOption } from "./simulate-options.js";

/** Streaming accuracy of the first output against `path`'s labels; the delay comes from `graph` or NMIR metadata. */
export function streamingFromLabels(
  path: string,
  outputs: ArrayLike<number>[][],
  from: { graph: NetGraph } | { metadata: Record<string, string> },
): { result: StreamingResult; line: string } {
  const t = readNpyFile(path);
  const labels = labelsFrom(toFloat32(t), t.shape, path);
  let delay: number;
  if ("graph" in from) delay = graphAlgorithmicDelay(from.graph);
  else {
    // lower-to-nmir records the look-ahead only when it is non-zero.
    const v = from.metadata.algorithmicDelaySteps;
    delay = v === undefined ? 0 : Number(v);
    if (!Number.isInteger(delay) || delay < 0)
      throw new SpikegridError(
        "NMIR_INVALID",
        `module metadata algorithmicDelaySteps "${v}" is not a step count`,
      );
  }
  const result = streamingAccuracy(outputs, labels, delay);
  return { result, line: streamingSummary(result) };
}
