// `spikegrid table MODEL… [--profile P] [--timesteps T] [--input in.npy | --dataset NAME] [--format md|csv|tex]
// [--neurobench] [--init random|zeros]`: a paper table, one row per model (reports/paper-table.ts).

import { writeFileSync } from "node:fs";
import { SpikegridError } from "../../common/errors.js";
import { summarizeGraph } from "../../compiler/graph/summary.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { isZooRef } from "../../models/zoo.js";
import { paperTable, TABLE_FORMATS, type TableFormat, type TableRow } from "../../reports/paper-table.js";
import {
  DATASETS,
  datasetInputs,
  npyInputs,
  syntheticInputs,
  type TableInputs,
} from "../../reports/table/inputs.js";
import { measureModel } from "../../reports/table/measure.js";
import type { CliCommand } from "../command.js";
import { loadNetwork } from "../load-network.js";

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
      .option("samples", { type: "number", default: 16, describe: "--dataset: samples to run" })
      .option("format", { choices: TABLE_FORMATS, default: "md", describe: "md | csv | tex" })
      .option("neurobench", { type: "boolean", describe: "add the NeuroBench metrics columns" })
      .option("init", {
        choices: ["random", "zeros"],
        default: "random",
        describe:
          "networks with only zero weights (zoo models without a checkpoint): seeded PyTorch-default init, or keep zeros",
      })
      .option("o", { alias: "output", type: "string", describe: "write the table here" })
      .conflicts("input", "dataset"),
  handler: async (args, io) => {
    const models = (args.models as string[]).map(String);
    const format = String(args.format) as TableFormat;
    const notes: string[] = [];
    const profile = args.profile === undefined ? undefined : loadProfile(String(args.profile));
    if (profile)
      notes.push(
        `chip columns: ${profile.name}, default mapping (\`spikegrid map\` options), detailed timing, layer-sync; per sample.`,
      );
    const rows: TableRow[] = [];
    for (const m of models) {
      const net = await loadNetwork(m);
      const port = summarizeGraph(net.graph, m).inputs[0];
      if (!port) throw new SpikegridError("UNSUPPORTED", `${m} has no input; a table needs one`);
      const steps = args.timesteps === undefined ? undefined : Number(args.timesteps);
      if (steps !== undefined && (!Number.isInteger(steps) || steps < 1))
        throw new SpikegridError(
          "USAGE",
          `--timesteps must be a positive integer, got ${String(args.timesteps)}`,
        );
      const inputs: TableInputs =
        typeof args.input === "string"
          ? npyInputs(args.input, port.shape)
          : typeof args.dataset === "string"
            ? datasetInputs(args.dataset, port.shape, Number(args.samples))
            : syntheticInputs(port.shape, steps ?? (await defaultSteps(m)));
      const t0 = performance.now();
      rows.push(
        measureModel(m, net.graph, inputs, {
          init: args.init === "zeros" ? "zeros" : "random",
          ...(profile ? { profile } : {}),
          ...(steps === undefined ? {} : { timesteps: steps }),
        }),
      );
      const last = rows[rows.length - 1]!;
      if (last.chipNote) notes.push(`${m}: ${last.chipNote}`);
      io.err(`measured ${m} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const text = paperTable(rows, { format, neurobench: args.neurobench === true, notes });
    const out = args.o as string | undefined;
    if (out) {
      writeFileSync(out, text);
      io.out(`wrote ${out}`);
    } else io.out(text);
  },
};
