// The compiler's payload ranges for a sweep, observed once on the lowered (float) module: they depend on neither
// bits nor profile, so every point compiles with the same `ranges` instead of re-running calibration. Computed
// in the main thread while the worker threads start up.

import { observeRanges } from "../compiler/passes/observe-ranges.js";
import { compile } from "../compiler/passes/pipeline.js";
import type { ExploreData } from "./data.js";
import { datasetRegistry } from "./datasets.js";
import type { GridSpec } from "./grid.js";

export type Ranges = Record<string, number>;

/** The samples calibration reads: the dataset's calibration split (never held-out digits), else the samples. */
export async function calibrationSamples(g: GridSpec, data: ExploreData) {
  const cal = g.dataset !== undefined ? await datasetRegistry.get(g.dataset).calibration?.() : undefined;
  return cal ? { shape: cal.shape, data: cal.data } : data.samples;
}

/** Observed max |value| of the input and of every graded population over the calibration samples. */
export async function calibrationRanges(g: GridSpec, data: ExploreData): Promise<Ranges> {
  const samples = await calibrationSamples(g, data);
  const lowered = compile(data.graph, { stopAfter: "lowerToNmir", dump: () => {} }).ir;
  const ranges = observeRanges(lowered, { [data.inputId]: samples });
  let max = 0;
  for (const v of samples.data) max = Math.max(max, Math.abs(v));
  return { ...ranges, [data.inputId]: max || 1 };
}
