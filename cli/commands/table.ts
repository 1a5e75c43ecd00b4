// `spikegrid table MODEL… [--profile P] [--timesteps T] [--input in.npy | --dataset NAME] [--format md|csv|tex]
// [--neurobench] [--init random|zeros]`: a paper table, one row per model (reports/paper-table.ts).

import { SpikegridError } from "../../common/errors.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { MNIST_SPLIT } from "../../models/demos/mnist-sequences.js";
import { isZooRef } from "../../models/zoo.js";
import { CONVENTIONS, type Convention } from "../../pipeline/convention.js";
import { datasetRegistry } from "../../pipeline/datasets.js";
import { measureRow } from "../../pipeline/table.js";
import { paperTable, TABLE_FORMATS, type TableFormat, type TableRow } from "../../reports/paper-table.js";
import type { CliCommand } from "../command.js";
import { checkOutputs, choiceFlag, intFlag, outFlag, timestepsFlag, writeOutputFile } from "../options.js";

/** The registered datasets by name (for --dataset's help). */
const DATASETS = Object.fromEntries(datasetRegistry.names().map((n) => [n, n]));

/** Every table dataset is an MNIST test split: this many held-out digits. */
const MAX_TABLE_SAMPLES = MNIST_SPLIT.test;

/** Steps of a synthetic input: the model's own sequence length or timesteps setting, else 16. */
async function defaultSteps(model: string): Promise<number> {
  if (!isZooRef(model)) return 16;
  const { getZooModel } = await import("../../models/zoo.js");
  const d = getZooModel(model).defaults;
  const t = d.timesteps ?? d.theta;
  return typeof t === "number" ? t : 16;
}

export const tableCommand: CliCommand = {
  command: "table <models..>",
  describe: "a paper table (Params, FLOPs, SOPs, ACs, MACs, energy, accuracy) of one or more models",
  builder: (y) =>
    y
      .positional("models", { type: "string", array: true, describe: "network files or zoo:NAME" })
      .option("profile", { type: "string", describe: "chip profile for chip energy and latency" })
      .option("timesteps", { type: "number", describe: "steps per sample (default: the input's T)" })
      .option("input", { type: "string", describe: "input .npy shaped [T, ...] or [batch, T, ...]" })
      .option("dataset", { type: "string", describe: `labelled inputs: ${Object.keys(DATASETS).join(", ")}` })
      .option("samples", {
        type: "number",
        describe: `--dataset: samples to run, 1..${MAX_TABLE_SAMPLES} (default 16)`,
      })
      .option("format", { choices: TABLE_FORMATS, default: "md", describe: "md | csv | tex" })
      .option("neurobench", { type: "boolean", describe: "add the NeuroBench metrics columns" })
      .option("convention", {
        type: "string",
        describe:
          "chip columns: neurobench (default: spikegrid's counts and the profile's events) | sanafe (SANA-FE's counting, unit costs and detailed timing; SANA-FE network files)",
      })
      .option("init", {
        choices: ["random", "zeros"],
        default: "random",
        describe:
          "networks with only zero weights (zoo models without a checkpoint): seeded PyTorch-default init, or keep zeros",
      })
      .option("out", { alias: "o", type: "string", describe: "write the table here" })
      // the old spelling, kept working
      .option("output", { type: "string", hidden: true })
      .conflicts("input", "dataset"),
  handler: async (args, io) => {
    const models = (args.models as string[]).map(String);
    const format = String(args.format) as TableFormat;
    const out = outFlag(args, "output");
    checkOutputs([{ flag: "-o/--out", path: out }], [...models, args.input as string | undefined]);
    const steps = timestepsFlag(args.timesteps);
    const samples = intFlag("--samples", args.samples, 1, MAX_TABLE_SAMPLES) ?? 16;
    const notes: string[] = [];
    const profile = args.profile === undefined ? undefined : loadProfile(String(args.profile));
    const convention = choiceFlag<Convention>("--convention", args.convention, [...CONVENTIONS]);
    if (convention === "sanafe" && !profile)
      throw new SpikegridError(
        "USAGE",
        "--convention sanafe is a convention of the chip columns: give --profile",
        {
          hint: "add --profile loihi-sanafe (or a SANA-FE arch file)",
        },
      );
    if (profile)
      notes.push(
        convention === "sanafe"
          ? `chip columns: ${profile.name}, convention sanafe (SANA-FE's counts, unit costs and detailed timing, the file's own mapping), layer-sync; per sample.`
          : `chip columns: ${profile.name}, default mapping (\`spikegrid map\` options), detailed timing, layer-sync; per sample.`,
      );
    const rows: TableRow[] = [];
    for (const m of models) {
      const t0 = performance.now();
      const progress = io.progress?.(`table ${m}`);
      // the pipeline's chain, as `demo`, `simulate` and explore run it: same setup, same numbers
      const row = await measureRow({
        model: m,
        ...(typeof args.input === "string" ? { input: args.input } : {}),
        ...(typeof args.dataset === "string" ? { dataset: args.dataset, samples } : {}),
        syntheticSteps: steps ?? (await defaultSteps(m)),
        init: args.init === "zeros" ? "zeros" : "random",
        ...(profile ? { profile } : {}),
        ...(convention ? { convention } : {}),
        ...(steps === undefined ? {} : { timesteps: steps }),
        ...(progress ? { progress } : {}),
      }).finally(() => progress?.done());
      rows.push(row);
      if (row.chipNote) notes.push(`${m}: ${row.chipNote}`);
      io.err(`measured ${m} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const text = paperTable(rows, { format, neurobench: args.neurobench === true, notes });
    if (out) {
      writeOutputFile("-o/--out", out, text);
      io.out(`wrote ${out}`);
    } else io.out(text);
  },
};
