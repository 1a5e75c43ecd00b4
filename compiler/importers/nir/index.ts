// NIR (.nir, HDF5) importer and exporter: `nirImporter` for the importer registry, `importNir` for bytes,
// `exportNir`/`exportNirFile` for the way back. See README.md for the field mapping and what export refuses.

import { SpikegridError } from "../../../common/errors.js";
import { importLimit } from "../budget.js";
import { checkImportedGraph } from "../checked-graph.js";
import type { Importer, ImportOptions, ImportResult } from "../registry.js";
import type { ReadContext } from "./fields.js";
import { completeShapes } from "./fixups.js";
import { hasSignatureAt, readH5Tree } from "./h5.js";
import { readNirRoot } from "./read.js";

export { SUPPORTED_TYPES } from "./nodes-read.js";
export { NODE_METADATA_KEY } from "./read.js";
export { exportNir, exportNirFile, NIR_EXPORT_VERSION, type NirExportOptions } from "./write.js";

function resetWarning(file: string, paths: string[], mode: "value" | "subtract"): string {
  const nodes = paths.map((p) => `"${p}"`);
  const list =
    nodes.length > 6 ? `${nodes.slice(0, 6).join(", ")}, … (${nodes.length} in all)` : nodes.join(", ");
  const what =
    mode === "value"
      ? 'reset to v_reset = 0 (NIR\'s rule); exporters before NIR 1.0 (e.g. sinabs IF neurons) meant reset by subtraction — for those pass --reset-mode subtract (library: resetMode "subtract")'
      : "reset by subtracting the threshold (--reset-mode subtract), as asked";
  return `${file}: no v_reset in ${list}: ${what}`;
}

/** Parses .nir bytes into a validated NetGraph; every failure is a SpikegridError naming `fileName`. */
export async function importNir(
  bytes: Uint8Array,
  fileName: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const resetMode = opts.resetMode ?? "value";
  if (resetMode !== "value" && resetMode !== "subtract") {
    throw new SpikegridError(
      "USAGE",
      `resetMode must be "value" or "subtract", got ${JSON.stringify(resetMode)}`,
    );
  }
  const timeoutMs =
    typeof opts.timeoutMs === "number" && opts.timeoutMs > 0 ? opts.timeoutMs : 20_000 + bytes.length / 1000;
  // gzip expands at most ~1032×, so a dataset decoding to more than that multiple of the file is a lie.
  const limits = {
    maxElements: importLimit("tensorElements"),
    maxBytes: 1100 * bytes.length + (16 << 20),
    maxTotalBytes: importLimit("decodedBytes"),
    maxEntries: 1_000_000,
    maxDepth: 64,
  };
  const tree = await readH5Tree(bytes, fileName, limits, timeoutMs);
  const ctx: ReadContext = { file: fileName, resetMode, warnings: [], defaultedReset: [] };
  const { graph, version } = readNirRoot(ctx, tree);
  if (ctx.defaultedReset.length) ctx.warnings.unshift(resetWarning(fileName, ctx.defaultedReset, resetMode));
  // shape inference on a corrupt-but-parseable file must still end in a user-facing error, not a crash
  checkImportedGraph(graph, fileName, () => completeShapes(graph, ctx.warnings));
  const result: ImportResult = { graph, format: "nir", warnings: ctx.warnings };
  if (version !== undefined) result.formatVersion = version;
  return result;
}

/** The registry entry: HDF5 signature at offset 0 (NIR files have no user block), extension .nir. */
export const nirImporter: Importer = {
  name: "nir",
  extensions: [".nir"],
  sniff: (head) => hasSignatureAt(head, 0),
  load: importNir,
};
