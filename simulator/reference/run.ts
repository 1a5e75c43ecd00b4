// runReference: a whole input sequence through the reference interpreter, collecting per-step outputs (raw and
// scaled by 2^scaleExp), event records of chosen sources, op counts and saturation warnings.

import { SpikegridError } from "../../common/errors.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import { moduleWarnings } from "../../compiler/passes/weights-provenance.js";
import type { OpCounts } from "./counts.js";
import { checkSequences, type InputSequence, loadInput, type Named, toMap } from "./inputs.js";
import { createReferenceRunner, type ReferenceRunnerOptions, type StepEvents } from "./runner.js";
import type { TimestepMode } from "./schedule.js";

export interface ReferenceRunOptions extends ReferenceRunnerOptions {
  /** Steps to run (default: the inputs' T; required when the module has no inputs). */
  timesteps?: number;
  /** Ids of inputs, populations or dynamic matmuls whose events to keep every step. */
  record?: readonly string[];
  /**
   * Ids whose max |event value| over the run to return in `peaks` — what calibration needs, without keeping
   * (allocating) every step's events as `record` does.
   */
  peaks?: readonly string[];
}

export interface ReferenceRunResult {
  mode: TimestepMode;
  steps: number;
  /** Per output, one array per step of the source's raw values (spike 0/1 or payload). */
  outputs: Map<string, Float64Array[]>;
  /** The same values · 2^scaleExp of the output port. */
  outputsScaled: Map<string, Float64Array[]>;
  records: Map<string, StepEvents[]>;
  /** Per `peaks` id, max |value| of its events over every step (0 when it emitted none). */
  peaks: Map<string, number>;
  counts: OpCounts;
  warnings: string[];
}

/** Runs `[T, ...shape]` input sequences through `ir` (verified first) from a fresh state. */
export function runReference(
  ir: NmirModule,
  inputs: Named<InputSequence>,
  opts: ReferenceRunOptions = {},
): ReferenceRunResult {
  return referenceRun(ir, opts)(inputs);
}

/**
 * `runReference` for many input sequences: the module is verified and its runner built once, and every call
 * runs one sequence from a fresh state (the runner is reset first), giving what `runReference` gives for it.
 * Calibration runs dozens of samples through one module this way.
 */
export function referenceRun(
  ir: NmirModule,
  opts: ReferenceRunOptions = {},
): (inputs: Named<InputSequence>) => ReferenceRunResult {
  const runner = createReferenceRunner(ir, opts);
  const record = opts.record ?? [];
  const peakIds = opts.peaks ?? [];
  const known = new Set([
    ...ir.inputs.map((x) => x.id),
    ...ir.populations.map((x) => x.id),
    ...ir.dynamicMatmuls.map((x) => x.id),
  ]);
  for (const [what, ids] of [
    ["record", record],
    ["watch the peak of", peakIds],
  ] as const) {
    for (const id of ids) {
      if (!known.has(id)) {
        throw new SpikegridError(
          "USAGE",
          `cannot ${what} "${id}": not an input, population or dynamic matmul`,
        );
      }
    }
  }
  const ports = new Map(ir.inputs.map((p) => [p.id, p]));
  const quantized = ir.stage === "quantized";
  // untrained weights (and ranges guessed for them) are said with every run's numbers
  const provenance = moduleWarnings(ir);
  return (inputs) => {
    const given = toMap(inputs);
    const steps = checkSequences(ir.inputs, given, opts.timesteps);
    runner.reset();
    const outputs = new Map(ir.outputs.map((o) => [o.id, [] as Float64Array[]]));
    const outputsScaled = new Map(ir.outputs.map((o) => [o.id, [] as Float64Array[]]));
    const records = new Map(record.map((id) => [id, [] as StepEvents[]]));
    const peak = new Float64Array(peakIds.length);
    for (let t = 0; t < steps; t++) {
      runner.advance((id, frame, step) => {
        loadInput(ports.get(id)!, given.get(id)!.data, step * frame.values.length, frame, quantized, step);
      });
      for (const o of ir.outputs) {
        const raw = runner.values(o.src);
        const f = 2 ** o.scaleExp;
        outputs.get(o.id)!.push(raw);
        outputsScaled.get(o.id)!.push(raw.map((x) => x * f));
      }
      for (const id of record) records.get(id)!.push(runner.events(id));
      for (let k = 0; k < peakIds.length; k++) peak[k] = Math.max(peak[k]!, runner.peakAbs(peakIds[k]!));
    }
    return {
      mode: runner.mode,
      steps,
      outputs,
      outputsScaled,
      records,
      peaks: new Map(peakIds.map((id, k) => [id, peak[k]!])),
      counts: runner.counts(),
      warnings: [...provenance, ...runner.warnings()],
    };
  };
}
