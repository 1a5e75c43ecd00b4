// A paper-table row through the pipeline: the network on its samples, calibrated, compiled, mapped and run on
// the chip when a profile is given (else the reference interpreter), rendered from the run JSON. A network the
// compiler refuses gets the ANN convention; one that does not fit the chip keeps its reference run, said so.

import { isSpikegridError } from "../common/errors.js";
import { notCompiledRow, type TableRow, tableRow } from "../reports/table/row.js";
import { openPipeline, type PipelineOptions } from "./pipeline.js";

export async function measureRow(options: PipelineOptions): Promise<TableRow> {
  const p = await openPipeline(options);
  const network = p.network();
  try {
    await p.compile();
  } catch (e) {
    if (!isSpikegridError(e) || e.code !== "UNSUPPORTED") throw e;
    return notCompiledRow(options.model, network, p.steps, p.data.samples.shape[0]!, e.message);
  }
  let chipNote: string | undefined;
  let engine: "chip" | "reference" = "reference";
  if (p.profile) {
    try {
      await p.map();
      engine = "chip";
    } catch (e) {
      if (!isSpikegridError(e)) throw e;
      chipNote = `does not fit ${p.profile.name}: ${e.message}`;
    }
  }
  const row = tableRow(options.model, await p.simulate(engine), network);
  if (chipNote) row.chipNote = chipNote;
  return row;
}
