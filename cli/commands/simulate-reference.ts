// `spikegrid simulate MODEL --engine reference --input in.npy [--raw-input] [--mode layer-sync|pipelined]
// [--out out.npy] [--json run.json] [--compare-float SOURCE]`: the integer reference interpreter through the
// pipeline (a network file / zoo:NAME is calibrated on the inputs and compiled as `table` and `demo` do; a .nmir
// runs as it is), writing scaled outputs per step and a run JSON with op counts and theoretical energy;
// --compare-float adds the agreement with the float reference (agreement.ts).

import { SpikegridError } from "../../common/errors.js";
import { hasPlan } from "../../compiler/passes/quant-plan.js";
import { formatRunJson } from "../../reports/run-json.js";
import type { CliIo } from "../io.js";
import { writeOutputFile } from "../options.js";
import { listArg, sampleOf } from "../shared.js";
import { compareWithFloat, floatReadings, prepareFloatComparison, renderAgreement } from "./agreement.js";
import { checkSimulationOutputs, openSimulation, writeSampleOutputs } from "./simulate-setup.js";
import { streamingFromLabels } from "./simulate-streaming.js";

export async function simulateReference(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = String(args.file);
  const out = args.out as string | undefined;
  const json = args.json as string | undefined;
  const source = args["compare-float"] as string | undefined;
  if (!out && !json && !source && args.labels === undefined) {
    throw new SpikegridError(
      "USAGE",
      "give --out (outputs .npy), --json (run JSON), --compare-float and/or --labels",
    );
  }
  const { pipeline: p, ir, notes } = await openSimulation(args, "reference");
  const { mode, steps, data } = p;
  const raw = data.raw;
  const record = listArg(args.record);
  checkSimulationOutputs(p, ir, args, record);
  const cmp = source === undefined ? undefined : await prepareFloatComparison(source, ir, args);
  // The compared populations are recorded too; only --record ids are written beside --out.
  const recorded = [...new Set([...record, ...(cmp?.record ?? [])])];
  const { sim, sequences, clipped } = await p.execute("reference", { record: recorded, keepSamples: true });
  const runs = sim.perSample!;
  const port = ir.inputs.find((i) => i.id === data.inputId)!;
  const tIn = data.samples.shape[1]!;
  let inputKind: "float" | "dequantized" = "float";
  const floatSamples = sequences.map((q, b) => {
    const given = sampleOf(data.samples.data, port.shape, b, tIn, steps).data;
    const seen = floatReadings(ir, port, given, q.data, raw);
    inputKind = seen.kind === "dequantized" ? "dequantized" : "float";
    // further inputs (a SANA-FE file's bias inputs) reach the float network as recorded
    const more = (data.moreInputs ?? []).map((f) => [f.id, sampleOf(f.samples.data, f.shape, b, tIn, steps)]);
    return {
      [port.id]: { shape: q.shape, data: Float64Array.from(seen.values) },
      ...Object.fromEntries(more),
    };
  });
  const agreed = cmp && compareWithFloat(cmp, ir, runs, floatSamples, { steps, mode, inputs: inputKind });
  const batched = !data.single;
  const written = out ? writeSampleOutputs(out, ir, runs, record, batched) : [];
  const labels = args.labels as string | undefined;
  const streamed =
    labels === undefined || !ir.outputs.length
      ? undefined
      : streamingFromLabels(
          labels,
          runs.map((r) => r.outputsScaled.get(ir.outputs[0]!.id)!),
          { metadata: ir.metadata },
        );
  const warnings = [...new Set([...sim.warnings, ...(cmp?.warnings ?? [])])];
  if (clipped)
    warnings.push(`${clipped} input value(s) clipped to the input's payload range or read as a spike`);
  if (json) {
    if (agreed && !(ir.stage === "quantized" && hasPlan(ir)))
      warnings.push("the module has no quantization section: the agreement is printed only");
    const run = p.runJson(ir, { ...sim, warnings });
    if (agreed && run.quantization) run.quantization.agreement = agreed;
    if (streamed) Object.assign(run, streamed.result);
    writeOutputFile("--json", json, formatRunJson(run));
    written.push(
      `${json} (run JSON: ${run.counts.ac} AC, ${run.counts.mac} MAC, ${run.energy.theoretical.totalJ.toExponential(3)} J theoretical)`,
    );
  }
  for (const n of notes) io.err(n);
  for (const w of warnings) io.err(`warning: ${w}`);
  for (const e of sim.errors ?? []) io.err(`error: ${e}`);
  if (steps > tIn) io.err(`note: inputs have ${tIn} steps; later steps were fed zeros`);
  const b = sequences.length;
  const wrote = written.length ? `; wrote:\n  ${written.join("\n  ")}` : "";
  io.out(
    `simulated ${file} (reference interpreter, ${mode}, ${steps} steps${b > 1 ? `, batch ${b}` : ""})${wrote}`,
  );
  if (agreed) io.out(renderAgreement(agreed, mode));
  if (streamed) io.out(streamed.line);
}
