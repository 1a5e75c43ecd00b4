// Size budgets of a run JSON a report reads: a file or a section larger than any run spikegrid writes is
// refused (USAGE, naming the limit) before it is parsed, validated or rendered, so a hostile file costs nothing.

import { statSync } from "node:fs";
import { type ErrorDetail, SpikegridError } from "../common/errors.js";

export interface RunBudgets {
  /** Bytes of the run JSON file: parsing costs up to ≈ 12× the bytes (a file of small numbers), so 64 MiB stays under 1 GB. */
  fileBytes: number;
  /** grid.width × grid.height: the chip mesh. */
  gridCells: number;
  /**
   * Rows of `cores` (and a quarter of the limit on `links`: four links per tile). Multi-chip systems write one
   * row per core in use: Hala Point has 140,544 cores, the 1,152-chip SpiNNaker2 system 175,104.
   */
  cores: number;
  /** Rows of `perLayer`, `quantization.projections`, `quantization.populations`, and rasters. */
  layers: number;
  /** Entries of each `perStep` series and of `streaming.accuracyBySamplesSeen` (plots decimate long series). */
  perStepEntries: number;
  /** [step, neuron] pairs over all rasters. */
  rasterSpikes: number;
}

/**
 * Far above any run the tool writes (TrueNorth's 64×64 mesh, the largest shipped systems' cores, 10⁴ layers,
 * 10⁶ timesteps), far below a crash; the file-size budget still bounds what parsing costs.
 */
export const RUN_BUDGETS: Readonly<RunBudgets> = {
  fileBytes: 64 * 1024 * 1024,
  gridCells: 4096 * 4096,
  cores: 262_144,
  layers: 100_000,
  perStepEntries: 16_777_216,
  rasterSpikes: 1_048_576,
};

const HINT =
  "a run JSON written by `spikegrid simulate --json` stays far below these limits (RUN_BUDGETS in reports/run-budgets.ts): check where the file came from";

const fmt = (n: number) => n.toLocaleString("en-US");

/** Length of `value` when it is an array, else 0 (the schema reports wrong types). */
function len(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function at(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Checks the sizes of a parsed (not yet validated) run JSON against `budgets`. Cheap: reads array lengths
 * and two numbers, never walks the arrays' contents apart from the rasters' spike counts.
 */
export function checkRunBudgets(
  value: unknown,
  source = "run JSON",
  budgets: RunBudgets = RUN_BUDGETS,
): void {
  const problems: ErrorDetail[] = [];
  const over = (where: string, n: number, limit: number, what: string, name: keyof RunBudgets) => {
    if (n > limit)
      problems.push({
        where,
        message: `${fmt(n)} ${what} exceed the report budget of ${fmt(limit)} (${name})`,
      });
  };
  const grid = at(value, "grid");
  const w = at(grid, "width");
  const h = at(grid, "height");
  if (typeof w === "number" && typeof h === "number" && w >= 0 && h >= 0)
    over("grid", w * h, budgets.gridCells, `grid cells (${w} × ${h})`, "gridCells");
  over("cores", len(at(value, "cores")), budgets.cores, "cores", "cores");
  over("links", len(at(value, "links")), 4 * budgets.cores, "links", "cores");
  over(
    "system.links",
    len(at(at(value, "system"), "links")),
    4 * budgets.cores,
    "chip-to-chip links",
    "cores",
  );
  over("perLayer", len(at(value, "perLayer")), budgets.layers, "layers", "layers");
  const q = at(value, "quantization");
  over("quantization.projections", len(at(q, "projections")), budgets.layers, "projections", "layers");
  over("quantization.populations", len(at(q, "populations")), budgets.layers, "populations", "layers");
  const perStep = at(value, "perStep");
  if (perStep !== null && typeof perStep === "object")
    for (const [k, v] of Object.entries(perStep))
      over(`perStep.${k}`, len(v), budgets.perStepEntries, "entries", "perStepEntries");
  over(
    "streaming.accuracyBySamplesSeen",
    len(at(at(value, "streaming"), "accuracyBySamplesSeen")),
    budgets.perStepEntries,
    "entries",
    "perStepEntries",
  );
  const rasters = at(value, "raster");
  over("raster", len(rasters), budgets.layers, "rasters", "layers");
  if (len(rasters) <= budgets.layers) {
    let spikes = 0;
    for (const r of Array.isArray(rasters) ? rasters : []) spikes += len(at(r, "spikes"));
    over("raster", spikes, budgets.rasterSpikes, "raster spikes", "rasterSpikes");
  }
  if (problems.length)
    throw new SpikegridError("USAGE", `${source} is too large to report`, { details: problems, hint: HINT });
}

/** Refuses a run JSON file over the byte budget before it is read. */
export function checkRunFileSize(path: string, budgets: RunBudgets = RUN_BUDGETS): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // the read that follows reports the missing file
  }
  if (size > budgets.fileBytes)
    throw new SpikegridError(
      "USAGE",
      `${path}: ${fmt(size)} bytes exceed the run JSON budget of ${fmt(budgets.fileBytes)} bytes (fileBytes)`,
      { hint: HINT },
    );
}
