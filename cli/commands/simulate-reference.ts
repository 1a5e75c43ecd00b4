// `spikegrid simulate model.nmir --engine reference --input in.npy [--raw-input] [--mode layer-sync|pipelined]
// [--out out.npy] [--json run.json] [--compare-float SOURCE]`: the integer reference interpreter over float
// (quantized here) or integer inputs, writing scaled outputs per step and a run JSON with op counts and
// theoretical energy; --compare-float adds the agreement with the float reference (agreement.ts).

import { writeFileSync } from "node:fs";
import { SpikegridError } from "../../common/errors.js";
import { readNpyFile, type Tensor, toFloat32, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { type NmirModule, readNmirFile, shapeSize } from "../../compiler/nmir/index.js";
import { hasPlan } from "../../compiler/passes/quant-plan.js";
import { quantizationReport } from "../../compiler/passes/quantization-report.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { buildRunJson } from "../../reports/run-build.js";
import { formatRunJson } from "../../reports/run-json.js";
import {
  type ReferenceRunResult,
  runReference,
  TIMESTEP_MODES,
  type TimestepMode,
} from "../../simulator/reference/index.js";
import type { CliIo } from "../io.js";
import { checkStepBudget, sequenceLayout, timestepsFlag } from "../options.js";
import { listArg, sampleOf } from "../shared.js";
import { compareWithFloat, floatReadings, prepareFloatComparison, renderAgreement } from "./agreement.js";
import { besideOut, checkBesideOut, stack, summarizeWarnings } from "./simulate-output.js";
import { streamingFromLabels } from "./simulate-streaming.js";

function modeArg(v: unknown): TimestepMode {
  if (v === undefined) return "layer-sync";
  if (TIMESTEP_MODES.includes(v as TimestepMode)) return v as TimestepMode;
  throw new SpikegridError("USAGE", `--mode must be ${TIMESTEP_MODES.join(" or ")}, got "${String(v)}"`);
}

/** The input tensor as the module reads it: quantized from floats unless `raw`, checked against the shape. */
function loadInputs(ir: NmirModule, path: string | undefined, raw: boolean) {
  if (ir.inputs.length > 1) {
    const ids = ir.inputs.map((i) => i.id).join(", ");
    throw new SpikegridError(
      "UNSUPPORTED",
      `the module has ${ir.inputs.length} inputs (${ids}); simulate feeds one --input`,
    );
  }
  const port = ir.inputs[0];
  if (!port) return undefined;
  if (!path)
    throw new SpikegridError("USAGE", "--input is required: a .npy file shaped [T, ...] or [batch, T, ...]");
  const x: Tensor = readNpyFile(path);
  const { batched, batch, steps: tIn } = sequenceLayout(path, x.shape, port);
  const floats = toFloat32(x);
  let data: ArrayLike<number> = floats;
  let clipped = 0;
  if (!raw && ir.stage === "quantized") {
    const q = quantizeInputs(ir, { [port.id]: { shape: x.shape, data: floats } }).get(port.id)!;
    data = q.data;
    clipped = q.clipped;
  }
  return { port, data, floats, batched, batch, tIn, clipped };
}

export async function simulateReference(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = String(args.file);
  if (!file.toLowerCase().endsWith(".nmir")) {
    throw new SpikegridError("USAGE", `--engine reference runs .nmir files; "${file}" is not one`, {
      hint: `compile it first: spikegrid compile ${file} -o model.nmir`,
    });
  }
  const out = args.out as string | undefined;
  const json = args.json as string | undefined;
  const source = args["compare-float"] as string | undefined;
  if (!out && !json && !source && args.labels === undefined) {
    throw new SpikegridError(
      "USAGE",
      "give --out (outputs .npy), --json (run JSON), --compare-float and/or --labels",
    );
  }
  const ir = readNmirFile(file);
  const mode = modeArg(args.mode);
  const raw = args["raw-input"] === true;
  const input = loadInputs(ir, args.input as string | undefined, raw);
  const steps = timestepsFlag(args.timesteps) ?? input?.tIn;
  if (steps === undefined) throw new SpikegridError("USAGE", "the module has no inputs: give --timesteps");
  const record = listArg(args.record);
  const besides = [...ir.outputs.slice(1).map((o) => o.id), ...record];
  checkBesideOut(out, besides, [file, args.input, args.labels, source]);
  const sizes = new Map([...ir.populations, ...ir.inputs].map((p) => [p.id, shapeSize(p.shape)]));
  const perStep = [...ir.outputs.map((o) => o.src), ...record].reduce((a, id) => a + (sizes.get(id) ?? 0), 0);
  checkStepBudget({ steps, samples: input?.batch ?? 1, perStep, what: "output and recorded values" });
  const cmp = source === undefined ? undefined : await prepareFloatComparison(source, ir, args);
  const seen = input && floatReadings(ir, input.port, input.floats, input.data, raw);
  const runs: ReferenceRunResult[] = [];
  const spiking = ir.populations.filter((p) => p.output.kind === "spike").map((p) => p.id);
  const floatSamples: Record<string, { shape: number[]; data: Float64Array }>[] = [];
  for (let b = 0; b < (input?.batch ?? 1); b++) {
    const inputs: Record<string, { shape: number[]; data: Float64Array }> = {};
    const floats: typeof inputs = {};
    if (input) {
      inputs[input.port.id] = sampleOf(input.data, input.port.shape, b, input.tIn, steps);
      if (cmp) floats[input.port.id] = sampleOf(seen!.values, input.port.shape, b, input.tIn, steps);
    }
    // The compared populations are recorded too; only --record ids are written beside --out.
    const all = [...new Set([...record, ...(cmp?.record ?? [])])];
    // The run JSON gets per-step activity and rasters of the first sample's spiking populations.
    if (json && b === 0) all.push(...spiking.filter((id) => !all.includes(id)));
    runs.push(
      runReference(ir, inputs, { mode, timesteps: steps, record: all, perStepCounts: Boolean(json) }),
    );
    floatSamples.push(floats);
  }
  const agreed =
    cmp && compareWithFloat(cmp, ir, runs, floatSamples, { steps, mode, inputs: seen?.kind ?? "float" });
  const written: string[] = [];
  const batched = input?.batched ?? false;
  if (out) {
    const shapeOfSource = (id: string) =>
      ir.populations.find((p) => p.id === id)?.shape ??
      ir.inputs.find((p) => p.id === id)?.shape ?? [shapeSize([0])];
    ir.outputs.forEach((o, i) => {
      const path = i === 0 ? out : besideOut(out, o.id);
      writeNpyFile(
        path,
        stack(
          runs.map((r) => r.outputsScaled.get(o.id)!),
          shapeOfSource(o.src),
          batched,
        ),
      );
      written.push(`${path} (output "${o.id}", scaled by 2^${o.scaleExp})`);
    });
    for (const id of record) {
      const shape = shapeOfSource(id);
      const n = shapeSize(shape);
      const dense = runs.map((r) =>
        r.records.get(id)!.map((ev) => {
          const v = new Float64Array(n);
          ev.index.forEach((j, k) => {
            v[j] = ev.value[k]!;
          });
          return v;
        }),
      );
      const path = besideOut(out, id);
      writeNpyFile(path, stack(dense, shape, batched));
      written.push(`${path} (events of "${id}")`);
    }
  }
  const labels = args.labels as string | undefined;
  const streamed =
    labels === undefined || !ir.outputs.length
      ? undefined
      : streamingFromLabels(
          labels,
          runs.map((r) => r.outputsScaled.get(ir.outputs[0]!.id)!),
          { metadata: ir.metadata },
        );
  const warnings = [
    ...new Set([...summarizeWarnings(runs.map((r) => r.warnings)), ...(cmp?.warnings ?? [])]),
  ];
  if (input?.clipped)
    warnings.push(`${input.clipped} input value(s) clipped to the input's payload range or read as a spike`);
  if (json) {
    const saturations = new Map<string, number>();
    for (const r of runs)
      for (const p of r.counts.perPopulation)
        saturations.set(p.id, (saturations.get(p.id) ?? 0) + p.saturations);
    const quantized = ir.stage === "quantized" && hasPlan(ir);
    if (agreed && !quantized)
      warnings.push("the module has no quantization section: the agreement is printed only");
    const run = buildRunJson({
      file,
      ir,
      engine: "reference",
      mode,
      timesteps: steps,
      counts: runs.map((r) => r.counts),
      ...(quantized ? { quantization: quantizationReport(ir, saturations) } : {}),
      ...(typeof args.input === "string" ? { input: args.input, rawInput: raw } : {}),
      warnings,
      raster: runs[0]!.records,
    });
    if (agreed && run.quantization) run.quantization.agreement = agreed;
    if (streamed) Object.assign(run, streamed.result);
    writeFileSync(json, formatRunJson(run));
    written.push(
      `${json} (run JSON: ${run.counts.ac} AC, ${run.counts.mac} MAC, ${run.energy.theoretical.totalJ.toExponential(3)} J theoretical)`,
    );
  }
  for (const w of warnings) io.err(`warning: ${w}`);
  if (input && steps > input.tIn) io.err(`note: inputs have ${input.tIn} steps; later steps were fed zeros`);
  const b = input?.batch ?? 1;
  const wrote = written.length ? `; wrote:\n  ${written.join("\n  ")}` : "";
  io.out(
    `simulated ${file} (reference interpreter, ${mode}, ${steps} steps${b > 1 ? `, batch ${b}` : ""})${wrote}`,
  );
  if (agreed) io.out(renderAgreement(agreed, mode));
  if (streamed) io.out(streamed.line);
}
