// NetGraph → .nir bytes in nir.write's layout (reference §A.3): /version, /node NIRGraph with type, edges (E,2)
// vlen strings, nodes/<id>/… and metadata groups. The HDF5 writing itself happens in the h5wasm worker.

import { writeFileSync } from "node:fs";
import { type ErrorDetail, SpikegridError } from "../../../common/errors.js";
import { type NetGraph, validateGraph } from "../../graph/index.js";
import { writeH5Plan } from "./h5.js";
import { type Plan, planGraph } from "./write-plan.js";

/** The NIR format revision the written files follow (the layout and semantics are those of nir 1.0.x). */
export const NIR_EXPORT_VERSION = "1.0.0";

export interface NirExportOptions {
  /** "gzip" (the default, as nir.write) or "none". */
  compression?: "gzip" | "none";
}

/**
 * Writes a NetGraph as NIR. Validates it first (GRAPH_INVALID, e.g. NaN weights); node kinds and options
 * NIR cannot express (BatchNorm, subtractive reset, asymmetric pads, …) fail with UNSUPPORTED naming each node.
 * Async because h5wasm's wasm module starts asynchronously.
 */
export async function exportNir(graph: NetGraph, opts: NirExportOptions = {}): Promise<Uint8Array> {
  validateGraph(graph, "the network to export");
  const problems: ErrorDetail[] = [];
  const plan = planGraph(graph, "", problems);
  if (problems.length) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `the network cannot be written as NIR (${problems.length} problem${problems.length > 1 ? "s" : ""})`,
      {
        details: problems,
        hint: "NIR v1 expresses only its own primitives: fold or lower the named nodes first, or keep the network in another format",
      },
    );
  }
  const gzip = (opts.compression ?? "gzip") === "gzip";
  return planToBytes(
    { version: { t: "str", value: NIR_EXPORT_VERSION }, node: { t: "group", entries: plan } },
    gzip,
  );
}

/** Any plan as the root of an HDF5 file (exportNir's last step; tests use it to craft unusual files). */
export function planToBytes(root: Plan, gzip: boolean): Promise<Uint8Array> {
  return writeH5Plan(root, gzip);
}

/** exportNir, then writes the bytes to `path`. */
export async function exportNirFile(
  graph: NetGraph,
  path: string,
  opts: NirExportOptions = {},
): Promise<void> {
  const bytes = await exportNir(graph, opts);
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new SpikegridError("USAGE", `cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}
