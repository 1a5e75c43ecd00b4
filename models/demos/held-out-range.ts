// A range of held-out digits (test digits first … first + count − 1) as pipeline input files, so a demo's chip
// figures can skip digits that selected its epoch: the registered mnist datasets always start at digit 0.
// Calibration stays on the first 64 training digits, as the datasets' calibration split.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import type { DataSpec } from "../../pipeline/data.js";
import { loadMnistImages, loadMnistSequences } from "./mnist-sequences.js";

/** How a demo sees a digit: one 28-pixel row per step, or the image on each of `steps` steps. */
export type DigitLayout = { rows: true } | { steps: number };

export interface HeldOutRange {
  first: number;
  count: number;
}

function digits(layout: DigitLayout, split: "train" | "test", first: number, count: number) {
  return "rows" in layout
    ? loadMnistSequences({ split, first, count, order: "row" })
    : loadMnistImages({ split, first, count, steps: layout.steps });
}

/** Writes the range, its labels and the calibration digits to a new temporary folder; the pipeline's data fields. */
export function heldOutRangeFiles(
  layout: DigitLayout,
  range: HeldOutRange,
): Required<Pick<DataSpec, "input" | "labels" | "calibrationInput">> {
  const dir = mkdtempSync(join(tmpdir(), "spikegrid-held-out-"));
  const files = {
    input: join(dir, "x.npy"),
    labels: join(dir, "labels.npy"),
    calibrationInput: join(dir, "calibration.npy"),
  };
  const test = digits(layout, "test", range.first, range.count);
  writeNpyFile(files.input, { dtype: "float32", shape: [...test.shape], data: test.x });
  writeNpyFile(files.labels, { dtype: "int32", shape: [range.count], data: test.labels });
  const cal = digits(layout, "train", 0, 64);
  writeNpyFile(files.calibrationInput, { dtype: "float32", shape: [...cal.shape], data: cal.x });
  return files;
}
