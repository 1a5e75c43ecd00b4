// The calibration stage of the pipeline: the compiler's payload ranges, observed once on the lowered (float)
// module. They depend on neither bits nor profile, so every compile of a network (every point of a sweep)
// uses the same `ranges`; explore computes them in the main thread while its worker threads start up.

import { SpikegridError } from "../common/errors.js";
import { readNpyFile, toFloat32 } from "../compiler/importers/tensors/index.js";
import { observeRanges } from "../compiler/passes/observe-ranges.js";
import { compile } from "../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { type DataSpec, graphOf, type PipelineData } from "./data.js";
import { datasetRegistry } from "./datasets.js";

export type Ranges = Record<string, number>;

/** A `calibrationInput` file: [T, ...input] or [N, T, ...input], finite values. */
function calibrationFile(path: string, data: PipelineData): { shape: number[]; data: Float32Array } {
  const x = readNpyFile(path);
  const want = data.inputShape;
  const tail = x.shape.slice(x.shape.length - want.length);
  const fits =
    (x.shape.length === want.length + 1 || x.shape.length === want.length + 2) &&
    tail.every((d, i) => d === want[i]) &&
    x.shape.every((d) => d > 0);
  if (!fits)
    throw new SpikegridError(
      "USAGE",
      `${path}: calibration samples shaped [${x.shape.join(",")}] do not fit input "${data.inputId}" [${want.join(",")}]`,
      { hint: `give [N, T, ${want.join(", ")}] (or [T, ${want.join(", ")}])` },
    );
  const values = toFloat32(x);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new SpikegridError("USAGE", `${path} holds ${values[bad]} at flat index ${bad}`, {
      hint: "calibration samples must be finite numbers",
    });
  return { shape: [...x.shape], data: values };
}

/**
 * The samples calibration reads: a given calibration file (`calibrationInput`, compile's --calibrate), else
 * the dataset's calibration split (never held-out digits), else the samples.
 */
export async function calibrationSamples(
  g: Pick<DataSpec, "dataset" | "calibrationInput">,
  data: PipelineData,
) {
  if (g.calibrationInput !== undefined) return calibrationFile(g.calibrationInput, data);
  const cal = g.dataset !== undefined ? await datasetRegistry.get(g.dataset).calibration?.() : undefined;
  return cal ? { shape: cal.shape, data: cal.data } : data.samples;
}

/**
 * Observed max |value| of the input and of every graded population over the calibration samples, on the
 * module lowered with `options` (the lowering options decide the population ids the ranges are keyed by).
 */
export async function calibrationRanges(
  g: Pick<DataSpec, "dataset" | "calibrationInput">,
  data: PipelineData,
  options: QuantCompileOptions = {},
): Promise<Ranges> {
  const samples = await calibrationSamples(g, data);
  const lowered = compile(graphOf(data, "calibration"), {
    ...options,
    stopAfter: "lowerToNmir",
    dump: () => {},
  }).ir;
  // a network's further inputs (a SANA-FE file's bias inputs) are calibrated on their own recorded values
  const more = data.moreInputs ?? [];
  const ranges = observeRanges(lowered, {
    [data.inputId]: samples,
    ...Object.fromEntries(more.map((f) => [f.id, f.samples])),
  });
  const moreMax = Object.fromEntries(more.map((f) => [f.id, maxAbs(f.samples.data) || 1]));
  // a given input range (compile's --input-range) is the input's, not the observed max
  const given =
    typeof options.inputRange === "number" ? options.inputRange : options.inputRange?.[data.inputId];
  if (given !== undefined) return { ...ranges, ...moreMax, [data.inputId]: given };
  return { ...ranges, ...moreMax, [data.inputId]: maxAbs(samples.data) || 1 };
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}
