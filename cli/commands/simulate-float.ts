// `spikegrid simulate FILE --engine float`: the float NetGraph reference over inputs shaped [T, ...] or
// [batch, T, ...], outputs (and recorded nodes) written per timestep as .npy. Loaded only when the float engine runs.

import { SpikegridError } from "../../common/errors.js";
import { inferShapes } from "../../compiler/graph/index.js";
import type { Tensor } from "../../compiler/importers/tensors/index.js";
import { readNpyFile, toFloat32, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { loadNetwork } from "../../pipeline/load-network.js";
import { loadFlags } from "../compile-flags.js";
import type { CliIo } from "../io.js";
import { checkStepBudget, choiceFlag, sequenceLayout, timestepsFlag } from "../options.js";
import { listArg } from "../shared.js";
import { zooOverrides } from "../zoo-set.js";
import { besideOut, checkBesideOut, stack } from "./simulate-output.js";
import { streamingFromLabels } from "./simulate-streaming.js";

/** The float engine's sequence semantics (simulator/float FloatRunOptions.sequence). */
export const SEQUENCES = ["stream", "whole"] as const;

export async function simulateFloat(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const file = String(args.file);
  const out = args.out as string | undefined;
  const inputPath = args.input as string | undefined;
  if (!out) throw new SpikegridError("USAGE", "-o/--out is required: the .npy file to write the outputs to");
  const net = await loadNetwork(file, { ...loadFlags(args), overrides: zooOverrides(file, args.set) });
  const inputIds = [...net.graph.nodes].filter(([, n]) => n.kind === "Input").map(([id]) => id);
  if (inputIds.length > 1) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `${file} has ${inputIds.length} inputs (${inputIds.join(", ")}); simulate feeds one --input`,
    );
  }
  const inShape = inputIds.length ? (net.graph.nodes.get(inputIds[0]!) as { shape: number[] }).shape : [];
  let x: Tensor | undefined;
  if (inputIds.length) {
    if (!inputPath)
      throw new SpikegridError(
        "USAGE",
        "--input is required: a .npy file shaped [T, ...] or [batch, T, ...]",
      );
    x = readNpyFile(inputPath);
  }
  const layout = x && sequenceLayout(inputPath!, x.shape, { id: inputIds[0]!, shape: inShape });
  const batched = layout?.batched ?? false;
  const batch = layout?.batch ?? 1;
  const tIn = layout?.steps ?? 0;
  const steps = timestepsFlag(args.timesteps) ?? tIn;
  if (steps < 1) throw new SpikegridError("USAGE", "the network has no inputs: give --timesteps");
  const sequence = choiceFlag("--sequence", args.sequence, SEQUENCES) ?? "stream";
  if (sequence === "whole" && steps !== tIn && x)
    throw new SpikegridError(
      "USAGE",
      `--sequence whole runs the clip as given (${tIn} steps); --timesteps ${steps} would change the clip`,
      { hint: "drop --timesteps, or cut/pad the input array itself" },
    );
  const shapes = inferShapes(net.graph);
  const record = listArg(args.record);
  const outputIds = [...net.graph.nodes].filter(([, n]) => n.kind === "Output").map(([id]) => id);
  checkBesideOut(out, [...outputIds.slice(1), ...record], [file, inputPath, args.weights, args.labels]);
  const kept = [...net.graph.nodes]
    .filter(([id, n]) => n.kind === "Output" || record.includes(id))
    .reduce((a, [id]) => a + (shapes.get(id)?.outputs.out ?? []).reduce((p, d) => p * d, 1), 0);
  const per = inShape.reduce((a, b) => a * b, 1);
  checkStepBudget({ steps, samples: batch, perStep: kept + per, what: "input, output and recorded values" });
  const flat = x ? toFloat32(x) : new Float32Array();
  const outputs = new Map<string, Float64Array[][]>();
  const records = new Map<string, Float64Array[][]>();
  const warnings = new Set<string>(net.warnings);
  for (let b = 0; b < batch; b++) {
    const data = new Float64Array(steps * per);
    data.set(flat.subarray(b * tIn * per, b * tIn * per + Math.min(steps, tIn) * per));
    const inputs = inputIds.length ? { [inputIds[0]!]: { shape: [steps, ...inShape], data } } : {};
    const opts = {
      timesteps: steps,
      record,
      sequence,
      ...(args.dt === undefined ? {} : { dt: Number(args.dt) }),
    };
    // the float engine (and the reference engine below) load only when a run uses them
    const { runFloat } = await import("../../simulator/float/index.js");
    const r = runFloat(net.graph, inputs, opts);
    for (const w of r.warnings) warnings.add(w);
    for (const [id, seq] of r.outputs) outputs.set(id, [...(outputs.get(id) ?? []), seq]);
    for (const [id, seq] of r.records) records.set(id, [...(records.get(id) ?? []), seq]);
  }
  const shapeOf = (id: string, seqs: Float64Array[][]) =>
    shapes.get(id)?.outputs.out ?? [seqs[0]?.[0]?.length ?? 0];
  const written: string[] = [];
  const outIds = [...outputs.keys()];
  for (const [i, id] of outIds.entries()) {
    const path = i === 0 ? out : besideOut(out, id);
    writeNpyFile(path, stack(outputs.get(id)!, shapeOf(id, outputs.get(id)!), batched));
    written.push(`${path} (output "${id}")`);
  }
  for (const [id, seqs] of records) {
    const path = besideOut(out, id);
    writeNpyFile(path, stack(seqs, shapeOf(id, seqs), batched));
    written.push(`${path} (node "${id}")`);
  }
  for (const w of warnings) io.err(`warning: ${w}`);
  if (steps > tIn && x) io.err(`note: inputs have ${tIn} steps; steps ${tIn}..${steps - 1} were fed zeros`);
  io.out(
    `simulated ${file} (float reference, ${steps} steps${batched ? `, batch ${batch}` : ""}); wrote:\n  ${written.join("\n  ")}`,
  );
  if (typeof args.labels === "string" && outIds.length)
    io.out(
      streamingFromLabels(
        args.labels,
        outputs.get(outIds[0]!)!,
        // a whole-clip run is indexed by frame: no algorithmic delay to skip
        sequence === "whole" ? { metadata: {} } : { graph: net.graph },
      ).line,
    );
}
