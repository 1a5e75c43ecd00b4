// `spikegrid simulate FILE --engine float|reference|chip --input in.npy -o out.npy [--timesteps T] [--record A,B]`
// Runs a network over inputs shaped [T, ...] or [batch, T, ...] and writes outputs per timestep as .npy: float
// here; reference and chip through the pipeline (pipeline/), which also writes the run JSON (--json).

import type { Options } from "yargs";
import { SpikegridError } from "../../common/errors.js";
import { TIMESTEP_MODES } from "../../simulator/reference/schedule.js";
import type { CliCommand } from "../command.js";
import { COMPILE_FLAG_OPTIONS, LOAD_FLAG_OPTIONS } from "../compile-flags.js";
import { checkOutputs, MAX_TIMESTEPS, timestepsFlag } from "../options.js";
import { zooSetOption } from "../zoo-set-option.js";
import { directRequested } from "./simulate-direct.js";
import { CHIP_OPTIONS, labelsOption } from "./simulate-options.js";

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
/** The float engine's sequence semantics (simulate-float.ts SEQUENCES). */
const SEQUENCES = ["stream", "whole"] as const;

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
    // each engine's code (compilers, simulators, the pipeline) loads only when it runs
    if (engine === "float") return (await import("./simulate-float.js")).simulateFloat(args, io);
    if (engine === "reference") return (await import("./simulate-reference.js")).simulateReference(args, io);
    if (engine === "chip") return (await import("./simulate-chip.js")).simulateChipCommand(args, io);
    throw new SpikegridError("USAGE", `unknown engine "${engine}"`, {
      hint: `engines: ${ENGINES.join(", ")}`,
    });
  },
};
