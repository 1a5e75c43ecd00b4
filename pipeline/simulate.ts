// The simulate stage of the pipeline on the reference interpreter (the chip's is chip-run.ts), and the run JSON
// of either engine's result: counts, theoretical energy, quantization, chip sections, accuracy.

import type { NmirModule } from "../compiler/nmir/index.js";
import { sequenceBuffers } from "../compiler/nmir/phases.js";
import { hasPlan } from "../compiler/passes/quant-plan.js";
import { quantizationReport } from "../compiler/passes/quantization-report.js";
import { moduleRanges } from "../compiler/passes/weights-provenance.js";
import { buildRunJson } from "../reports/run-build.js";
import type { RunJson } from "../reports/run-json.js";
import { applyChipSections } from "../simulator/chip/index.js";
import { PHASES_CONVENTION } from "../simulator/chip/phased.js";
import { runReference, type TimestepMode } from "../simulator/reference/index.js";
import { runReferencePhased } from "../simulator/reference/phased.js";
import { type ChipSettings, feedOf, type ModuleRun, predict, type Sequence } from "./chip-run.js";
import { runDiagnostics } from "./warnings.js";

/** Every sample through the reference interpreter; the first sample's spiking populations are recorded. */
export function simulateOnReference(
  ir: NmirModule,
  inputId: string,
  sequences: readonly Sequence[],
  s: Pick<ChipSettings, "mode" | "steps" | "record" | "keepSamples">,
): ModuleRun {
  const out = ir.outputs[0]?.id ?? "";
  const spiking = ir.populations.filter((p) => p.output.kind === "spike").map((p) => p.id);
  const asked = s.record ?? [];
  const first = [...new Set([...asked, ...spiking])];
  const run: ModuleRun = { engine: "reference", outputs: [], counts: [], warnings: [] };
  if (s.keepSamples) run.perSample = [];
  const warnings: string[][] = [];
  const phased = sequenceBuffers(ir).length > 0;
  sequences.forEach((q, b) => {
    const opts = { mode: s.mode, timesteps: s.steps, perStepCounts: true, record: b === 0 ? first : asked };
    const feed = feedOf(inputId, q);
    const p = phased ? runReferencePhased(ir, feed, opts) : undefined;
    const r = p ?? runReference(ir, feed, opts);
    if (b === 0 && p)
      run.phases = {
        phases: p.phases,
        stepsPerPhase: p.steps,
        addedSteps: p.steps * (p.phases - 1),
        bufferValues: p.bufferValues,
        peakBufferValues: p.peakBufferValues,
        convention: PHASES_CONVENTION,
      };
    if (b === 0) run.records = new Map(spiking.map((id) => [id, r.records.get(id)!]));
    run.perSample?.push({ outputsScaled: r.outputsScaled, records: r.records });
    run.outputs.push(r.outputsScaled.get(out) ?? []);
    run.counts.push(r.counts);
    warnings.push(r.warnings);
  });
  Object.assign(run, runDiagnostics(warnings, moduleRanges(ir) === "exact"));
  return run;
}

export interface RunJsonContext {
  /** The network the run names (a file or zoo:NAME). */
  model: string;
  mode: TimestepMode;
  steps: number;
  labels?: Int32Array;
  /** What the labels are, for `run.labels`. */
  labelsName?: string;
  readout: "mean" | "last";
  /** The input file, and whether it held integer events, for `run.input` / `run.rawInput`. */
  input?: string;
  rawInput?: boolean;
}

/** The run JSON of a simulation: counts, theoretical energy, quantization, chip sections, accuracy. */
export function runJsonOf(ir: NmirModule, sim: ModuleRun, c: RunJsonContext): RunJson {
  const saturations = new Map<string, number>();
  for (const counts of sim.counts)
    for (const p of counts.perPopulation) saturations.set(p.id, (saturations.get(p.id) ?? 0) + p.saturations);
  const run = buildRunJson({
    file: c.model,
    ir,
    engine: sim.engine,
    mode: c.mode,
    timesteps: c.steps,
    counts: sim.counts,
    ...(c.input === undefined ? {} : { input: c.input, rawInput: c.rawInput === true }),
    ...(ir.stage === "quantized" && hasPlan(ir) ? { quantization: quantizationReport(ir, saturations) } : {}),
    ...(sim.warnings.length ? { warnings: sim.warnings } : {}),
    ...(sim.errors?.length ? { errors: sim.errors } : {}),
    ...(sim.records ? { raster: sim.records } : {}),
  });
  if (sim.sections) applyChipSections(run, sim.sections);
  else if (sim.phases) run.phases = sim.phases;
  if (c.labels) {
    const n = sim.outputs.length;
    let correct = 0;
    sim.outputs.forEach((steps, s) => {
      if (predict(steps, c.readout) === c.labels![s]) correct++;
    });
    if (c.labelsName) run.run.labels = c.labelsName;
    run.accuracy = {
      correct,
      total: n,
      fraction: n ? correct / n : 0,
      readout:
        c.readout === "last"
          ? "argmax of the output at the last step"
          : "argmax of the mean over steps of the output",
      convention: run.conventions.accuracy ?? "argmax of the readout against the labels",
    };
  }
  return run;
}
