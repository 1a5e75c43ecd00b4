// A paper-table row through the pipeline: the network on its samples, calibrated, compiled, mapped and run on
// the chip when a profile is given (else the reference interpreter), rendered from the run JSON. A network the
// compiler refuses gets the ANN convention; one that does not fit the chip keeps its reference run, said so.

import { isSpikegridError, SpikegridError } from "../common/errors.js";
import { MappingError } from "../compiler/mapping/index.js";
import { summarizeMisfits } from "../explore/evaluate.js";
import { demoDataset, demoProfile } from "../models/demos/catalog.js";
import { isZooRef, trainedDemoNames } from "../models/zoo.js";
import { notCompiledRow, type TableRow, tableRow } from "../reports/table/row.js";
import { openPipeline, type PipelineOptions } from "./pipeline.js";

export async function measureRow(options: PipelineOptions): Promise<TableRow> {
  const p = await openPipeline(options);
  const network = p.network();
  const setup = {
    ...(options.dataset ? { dataset: options.dataset } : {}),
    ...(p.profile ? { profile: p.profile.name } : {}),
  };
  try {
    await p.compile();
  } catch (e) {
    if (!isSpikegridError(e) || e.code !== "UNSUPPORTED") throw e;
    const row = notCompiledRow(options.model, network, p.steps, p.data.samples.shape[0]!, e.message);
    return { ...row, ...setup };
  }
  let misfit: string | undefined;
  let engine: "chip" | "reference" = "reference";
  if (p.profile) {
    try {
      await p.map();
      engine = "chip";
    } catch (e) {
      if (!isSpikegridError(e)) throw e;
      // the named limits (what, needed vs available, which populations, what would fit), not just "does not fit"
      misfit =
        e instanceof MappingError && e.fit.misfits.length ? summarizeMisfits(e.fit.misfits) : e.message;
    }
  }
  const row = { ...tableRow(options.model, await p.simulate(engine), network), ...setup };
  if (misfit) row.misfit = misfit;
  return row;
}

/** `--dataset auto` / `--profile auto`: each model gets the dataset or chip its trained demo declares. */
export const AUTO = "auto";

/** The dataset and chip of one table row. */
export interface RowSetup {
  model: string;
  dataset?: string;
  profile?: string;
}

/** Every trained demo as `zoo:NAME`, in the zoo's listing order (`table --demos`). */
export function trainedDemoRefs(): string[] {
  return trainedDemoNames().map((n) => `zoo:${n}`);
}

/**
 * Each model's dataset and chip: the one given for all, or with `auto` the one its trained demo declares
 * (`spikegrid demo --model NAME` runs on it). A model that declares none is a USAGE error naming it and the flag.
 */
export function rowSetups(
  models: readonly string[],
  given: { dataset?: string | undefined; profile?: string | undefined },
): RowSetup[] {
  const demos = trainedDemoNames();
  const declared = (model: string, flag: "--dataset" | "--profile", what: string) => {
    const bare = model.slice(4);
    if (isZooRef(model) && demos.includes(bare))
      return flag === "--dataset" ? demoDataset(bare) : demoProfile(bare);
    throw new SpikegridError(
      "USAGE",
      `${flag} auto: ${model} declares no ${what} (only the trained demos do: ${demos.join(", ")})`,
      {
        hint: `give one ${what} for every model (${flag} ${flag === "--dataset" ? "NAME" : "P"}), or table ${model} on its own`,
      },
    );
  };
  return models.map((model) => {
    const dataset = given.dataset === AUTO ? declared(model, "--dataset", "dataset") : given.dataset;
    const profile = given.profile === AUTO ? declared(model, "--profile", "chip profile") : given.profile;
    return { model, ...(dataset ? { dataset } : {}), ...(profile ? { profile } : {}) };
  });
}
