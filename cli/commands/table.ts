// `spikegrid table [MODEL…] [--demos] [--profile P|auto] [--timesteps T] [--input in.npy | --dataset NAME|auto]
// [--format md|csv|tex] [--neurobench] [--init random|zeros]`: a paper table, one row per model (reports/paper-table.ts).

import { SpikegridError } from "../../common/errors.js";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { MNIST_SPLIT } from "../../models/demos/mnist-sequences.js";
import { isZooRef } from "../../models/zoo.js";
import { CONVENTIONS, type Convention } from "../../pipeline/convention.js";
import { datasetRegistry } from "../../pipeline/datasets.js";
import { AUTO, measureRow, rowSetups, trainedDemoRefs } from "../../pipeline/table.js";
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
  command: "table [models..]",
  describe: "a paper table (Params, FLOPs, SOPs, ACs, MACs, energy, latency, accuracy) of one or more models",
  builder: (y) =>
    y
      .positional("models", { type: "string", array: true, describe: "network files or zoo:NAME" })
      .option("demos", {
        type: "boolean",
        describe: `add every trained demo (${trainedDemoRefs().join(", ")}) after the models given`,
      })
      .option("profile", {
        type: "string",
        describe:
          "chip profile for chip energy and latency, or auto: each trained demo's own (`spikegrid demo --model NAME`'s default)",
      })
      .option("timesteps", { type: "number", describe: "steps per sample (default: the input's T)" })
      .option("input", { type: "string", describe: "input .npy shaped [T, ...] or [batch, T, ...]" })
      .option("dataset", {
        type: "string",
        describe: `labelled inputs: ${Object.keys(DATASETS).join(", ")}, or auto: each trained demo's own`,
      })
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
    const given = ((args.models as string[] | undefined) ?? []).map(String);
    const models = [
      ...given,
      ...(args.demos === true ? trainedDemoRefs().filter((d) => !given.includes(d)) : []),
    ];
    if (models.length === 0)
      throw new SpikegridError("USAGE", "table needs models: network files or zoo:NAME, or --demos", {
        hint: "for example spikegrid table --demos --dataset auto --profile auto",
      });
    const format = String(args.format) as TableFormat;
    const out = outFlag(args, "output");
    checkOutputs([{ flag: "-o/--out", path: out }], [...models, args.input as string | undefined]);
    const steps = timestepsFlag(args.timesteps);
    const samples = intFlag("--samples", args.samples, 1, MAX_TABLE_SAMPLES) ?? 16;
    const notes: string[] = [];
    // every model's dataset and chip settled (and each chip loaded) before any work
    const setups = rowSetups(models, {
      dataset: typeof args.dataset === "string" ? args.dataset : undefined,
      profile: args.profile === undefined ? undefined : String(args.profile),
    });
    const profiles = new Map<string, ChipProfile>();
    for (const s of setups)
      if (s.profile && !profiles.has(s.profile)) profiles.set(s.profile, loadProfile(s.profile));
    const perRowProfile = args.profile === AUTO;
    const profile = perRowProfile ? undefined : [...profiles.values()][0];
    const convention = choiceFlag<Convention>("--convention", args.convention, [...CONVENTIONS]);
    if (convention === "sanafe" && profiles.size === 0)
      throw new SpikegridError(
        "USAGE",
        "--convention sanafe is a convention of the chip columns: give --profile",
        {
          hint: "add --profile loihi-sanafe (or a SANA-FE arch file)",
        },
      );
    if (profiles.size > 0) {
      const chip = perRowProfile
        ? "each row's Profile (its trained demo's default chip, as `spikegrid demo --model NAME`)"
        : profile!.name;
      notes.push(
        convention === "sanafe"
          ? `chip columns: ${chip}, convention sanafe (SANA-FE's counts, unit costs and detailed timing, the file's own mapping), layer-sync; per sample.`
          : `chip columns: ${chip}, convention neurobench (spikegrid's counts, the profile's per-event energies and static power), default mapping (\`spikegrid map\` options), detailed timing, layer-sync; per sample.`,
      );
    }
    const rows: TableRow[] = [];
    for (const { model: m, dataset, profile: chip } of setups) {
      const t0 = performance.now();
      const progress = io.progress?.(`table ${m}`);
      // the pipeline's chain, as `demo`, `simulate` and explore run it: same setup, same numbers
      const row = await measureRow({
        model: m,
        ...(typeof args.input === "string" ? { input: args.input } : {}),
        ...(dataset ? { dataset, samples } : {}),
        syntheticSteps: steps ?? (await defaultSteps(m)),
        init: args.init === "zeros" ? "zeros" : "random",
        ...(chip ? { profile: profiles.get(chip)! } : {}),
        ...(convention ? { convention } : {}),
        ...(steps === undefined ? {} : { timesteps: steps }),
        ...(progress ? { progress } : {}),
      }).finally(() => progress?.done());
      rows.push(row);
      io.err(`measured ${m} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const text = paperTable(rows, {
      format,
      neurobench: args.neurobench === true,
      notes,
      show: { dataset: args.dataset === AUTO, profile: perRowProfile },
    });
    if (out) {
      writeOutputFile("-o/--out", out, text);
      io.out(`wrote ${out}`);
    } else io.out(text);
  },
};
