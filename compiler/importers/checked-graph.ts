// The last step of an importer: the graph it built is validated, and a fault while checking a corrupt but
// parseable file still ends in a user-facing error naming the file, not a crash.

import { SpikegridError } from "../../common/errors.js";
import type { NetGraph } from "../graph/graph.js";
import { validateGraph } from "../graph/index.js";

/** Runs `finish` (shape completion, fix-ups) then validates `graph`; any non-user fault becomes IMPORT_FAILED. */
export function checkImportedGraph(graph: NetGraph, fileName: string, finish?: () => void): void {
  try {
    finish?.();
    validateGraph(graph, fileName);
  } catch (e) {
    if (e instanceof SpikegridError) throw e;
    throw new SpikegridError(
      "IMPORT_FAILED",
      `${fileName}: the network could not be checked (${String(e)})`,
      {
        cause: e,
      },
    );
  }
}
