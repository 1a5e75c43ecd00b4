// The calibration stage of the pipeline: the compiler's payload ranges, observed once on the lowered (float)
// module. They depend on neither bits nor profile, so every compile of a network (every point of a sweep)
// uses the same `ranges`; explore computes them in the main thread while its worker threads start up.

import { observeRanges } from "../compiler/passes/observe-ranges.js";
import { compile } from "../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { type DataSpec, graphOf, type PipelineData } from "./data.js";
import { datasetRegistry } from "./datasets.js";

export type Ranges = Record<string, number>;

/** The samples calibration reads: the dataset's calibration split (never held-out digits), else the samples. */
export async function calibrationSamples(g: Pick<DataSpec, "dataset">, data: PipelineData) {
  const cal = g.dataset !== undefined ? await datasetRegistry.get(g.dataset).calibration?.() : undefined;
  return cal ? { shape: cal.shape, data: cal.data } : data.samples;
}

/**
 * Observed max |value| of the input and of every graded population over the calibration samples, on the
 * module lowered with `options` (the lowering options decide the population ids the ranges are keyed by).
 */
export async function calibrationRanges(
  g: Pick<DataSpec, "dataset">,
  data: PipelineData,
  options: QuantCompileOptions = {},
): Promise<Ranges> {
  const samples = await calibrationSamples(g, data);
  const lowered = compile(graphOf(data, "calibration"), {
    ...options,
    stopAfter: "lowerToNmir",
    dump: () => {},
  }).ir;
  const ranges = observeRanges(lowered, { [data.inputId]: samples });
  let max = 0;
  for (const v of samples.data) max = Math.max(max, Math.abs(v));
  return { ...ranges, [data.inputId]: max || 1 };
}
