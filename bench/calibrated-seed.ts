// The seeded zoo model with BatchNorm calibrated on the natural test image at a small size: where the
// ImageNet Spikformers' float pass per BatchNorm level is cheap (at 224×224 ~36 s per step each, hours per
// model). Shared by systems.ts (carried over in memory) and seeded-checkpoint.ts (written as a checkpoint).

import type { NetGraph } from "../compiler/graph/graph.js";
import { calibrateBatchNorm } from "../pipeline/calibrate-bn.js";
import { initWeights } from "../pipeline/init-weights.js";
import { loadNetwork } from "../pipeline/load-network.js";
import { naturalClip } from "./natural-image.js";

/** The natural image's seed in every bench that feeds it. */
export const IMAGE_SEED = 1;

/**
 * The seeded model built at `size`×`size` with its BatchNorm statistics calibrated by the pipeline's own
 * calibration (calibrate-bn.ts) on the natural image of that size (seed IMAGE_SEED, `steps` steps).
 */
export async function calibratedAt(
  model: string,
  size: number,
  steps: number,
): Promise<{ graph: NetGraph; bns: number }> {
  const { graph } = await loadNetwork(`zoo:${model}`, { overrides: { imageSize: size } });
  initWeights(graph);
  const [inputId, input] = [...graph.nodes].find(([, n]) => n.kind === "Input")!;
  const shape = (input as { shape: number[] }).shape;
  const bns = calibrateBatchNorm(
    graph,
    inputId,
    shape,
    Float64Array.from(naturalClip(size, 3, steps, IMAGE_SEED)),
  );
  return { graph, bns };
}
