// `spikegrid simulate FILE --engine float|reference|chip --input in.npy -o out.npy [--timesteps T] [--record A,B]`
// Runs a network over inputs shaped [T, ...] or [batch, T, ...] and writes outputs per timestep as .npy: float
// here; reference and chip through the pipeline (pipeline/), which also writes the run JSON (--json).

import type { Options } from "yargs";
import { SpikegridError } from "../../common/errors.js";
import { inferShapes } from "../../compiler/graph/index.js";
import type { Tensor } from "../../compiler/importers/tensors/index.js";
import { readNpyFile, toFloat32, writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { loadNetwork } from "../../pipeline/load-network.js";
import { TIMESTEP_MODES } from "../../simulator/reference/index.js";
import type { CliCommand } from "../command.js";
import { COMPILE_FLAG_OPTIONS, LOAD_FLAG_OPTIONS, loadFlags } from "../compile-flags.js";
import type { CliIo } from "../io.js";
import {
  checkOutputs,
  checkStepBudget,
  choiceFlag,
  MAX_TIMESTEPS,
  sequenceLayout,
  timestepsFlag,
} from "../options.js";
import { listArg } from "../shared.js";
import { zooOverrides, zooSetOption } from "../zoo-set.js";
import { CHIP_OPTIONS, simulateChipCommand } from "./simulate-chip.js";
import { directRequested } from "./simulate-direct.js";
import { besideOut, checkBesideOut, stack } from "./simulate-output.js";
import { labelsOption, streamingFromLabels } from "./simulate-streaming.js";

/**
 * The compile flags of a network file run on the reference or chip engine (`compile`'s, through the same
 * translation, cli/compile-flags.ts); --dt also reads the float engine's continuous-time neurons.
 */
const SIMULATE_COMPILE_OPTIONS = {
  "weight-bits": {
    type: "number",
    describe: "signed weight mantissa bits, 2..16 (default: the profile's, at most 8)",
  },
  "state-bits": { type: "number", describe: "v/u width, 2..32 (default: the profile's, else 16)" },
  ...Object.fromEntries(
    Object.entries(COMPILE_FLAG_OPTIONS).map(([k, o]) => [
      k,
      k === "dt" ? o : { ...o, describe: `reference and chip engines, network file: ${o.describe}` },
    ]),
  ),
} as Record<string, Options>;

/** Engines by name; the chip simulator joins this table. */
const ENGINES = ["float", "reference", "chip"] as const;
/** The float engine's sequence semantics (simulator/float FloatRunOptions.sequence). */
const SEQUENCES = ["stream", "whole"] as const;

async function simulateFloat(args: Record<string, unknown>, io: CliIo): Promise<void> {
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

export const simulateCommand: CliCommand = {
  command: "simulate <file>",
  describe: "run a network over inputs and write its outputs per timestep (.npy)",
  builder: (y) =>
    y
      .positional("file", {
        type: "string",
        describe: "network file (.nir, .onnx) or zoo:NAME; or a compiled .nmir for --engine reference|chip",
      })
      .option("engine", {
        choices: ENGINES,
        default: "float",
        describe:
          "float: the float NetGraph reference; reference: the integer NMIR interpreter; chip: the cycle-level chip model (needs --profile)",
      })
      .option("mode", {
        choices: TIMESTEP_MODES,
        describe:
          "reference and chip engines: timestep semantics (default layer-sync on every engine and profile, as table and demo)",
      })
      .option("raw-input", {
        type: "boolean",
        describe: "reference and chip engines: --input already holds the integer events (no quantization)",
      })
      .option("json", {
        type: "string",
        describe: "reference and chip engines: write the run JSON (counts, energy; chip: latency) here",
      })
      .option("compare-float", {
        type: "string",
        describe:
          "reference engine: the network file the .nmir came from (same --dt/--weights/--reset-mode); runs its float reference on the same inputs and reports the agreement",
      })
      .option("input", {
        type: "string",
        describe:
          "input .npy shaped [T, ...] or [batch, T, ...] (required when the network has inputs, unless the file records them: SANA-FE)",
      })
      .options(CHIP_OPTIONS)
      .option("set", zooSetOption)
      .options(LOAD_FLAG_OPTIONS)
      .options(SIMULATE_COMPILE_OPTIONS)
      .option("labels", labelsOption)
      .option("out", {
        alias: "o",
        type: "string",
        describe:
          "output .npy per timestep (required by float; further outputs and --record beside it as NAME.ID.npy)",
      })
      .option("sequence", {
        choices: SEQUENCES,
        describe:
          "float engine: stream (default: step by step, outputs delayed by the look-ahead) | whole (the clip as one sequence, as PyTorch runs it; bidirectional SSMs need it)",
      })
      .option("timesteps", {
        type: "number",
        describe: `steps to run, 1..${MAX_TIMESTEPS} (default: the input's T; extra steps get zero input)`,
      })
      .option("direct", {
        type: "boolean",
        describe:
          "chip engine, --convention sanafe, a SANA-FE file with its own mappings: run SANA-FE's model directly where it fires what the compiled chip fires (default); --no-direct always runs the compiled chip",
      })
      .option("record", {
        type: "string",
        describe: "comma-separated node ids whose per-step outputs to save beside --out",
      }),
  handler: async (args, io) => {
    const engine = String(args.engine);
    if (directRequested(args)) {
      const { simulateDirect } = await import("./simulate-direct.js");
      if (await simulateDirect(args, io)) return;
    }
    const isNmir = String(args.file).toLowerCase().endsWith(".nmir");
    if (engine === "chip") {
      for (const f of ["labels", "compare-float"])
        if (args[f] !== undefined)
          throw new SpikegridError("USAGE", `--${f} applies to --engine float or reference, not chip`);
    }
    if (engine === "reference") {
      for (const f of [
        "profile",
        "mapping",
        "timing",
        "convention",
        "max-cores",
        "max-chips",
        "neurons-per-core",
        "placement",
        "seed",
      ])
        if (args[f] !== undefined)
          throw new SpikegridError("USAGE", `--${f} applies to --engine chip, not reference`, {
            hint: `run with --engine chip to use it`,
          });
    }
    if (engine !== "float") {
      for (const f of ["sequence", "nir-convention"])
        if (args[f] !== undefined)
          throw new SpikegridError("USAGE", `--${f} applies to --engine float only`, {
            hint: "drop it, or run the network file with --engine float",
          });
    }
    if (engine === "float") {
      const compileOnly = Object.keys(SIMULATE_COMPILE_OPTIONS).filter((f) => f !== "dt");
      for (const f of [
        "json",
        "mode",
        "raw-input",
        "compare-float",
        "mapping",
        "timing",
        "convention",
        "profile",
        ...compileOnly,
      ])
        if (args[f] !== undefined)
          throw new SpikegridError("USAGE", `--${f} applies to --engine reference or chip, not float`, {
            hint: "compile the network (spikegrid compile) and run the .nmir with --engine reference or chip",
          });
    }
    timestepsFlag(args.timesteps);
    const inputs = ["file", "input", "weights", "labels", "compare-float", "mapping"].map((k) =>
      typeof args[k] === "string" ? (args[k] as string) : undefined,
    );
    checkOutputs(
      [
        { flag: "-o/--out", path: args.out as string | undefined },
        { flag: "--json", path: args.json as string | undefined },
      ],
      inputs,
    );
    if (engine === "float" && isNmir) {
      throw new SpikegridError("USAGE", `${String(args.file)} is a compiled integer program (NMIR)`, {
        hint: "run it with --engine reference; the float engine runs the original network file (.nir, .onnx, zoo:NAME)",
      });
    }
    if (engine === "float") return simulateFloat(args, io);
    if (engine === "reference") return (await import("./simulate-reference.js")).simulateReference(args, io);
    if (engine === "chip") return simulateChipCommand(args, io);
    throw new SpikegridError("USAGE", `unknown engine "${engine}"`, {
      hint: `engines: ${ENGINES.join(", ")}`,
    });
  },
};
