// The importer registry: each checkpoint format is one file exporting an `Importer`, registered in
// register-all.ts. `importFile` picks the importer by content signature first, then by file extension.

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { extname } from "node:path";
import { SpikegridError } from "../../common/errors.js";
import { Registry } from "../../common/registry.js";
import type { NetGraph } from "../graph/graph.js";

export interface ImportOptions {
  /** NIR: how neurons without `v_reset` reset ("value" = to 0, as NIR says; "subtract" as sinabs/snnTorch). */
  resetMode?: "value" | "subtract";
  /** Extra importer-specific settings (documented by each importer). */
  [key: string]: unknown;
}

export interface ImportResult {
  graph: NetGraph;
  /** Format name, e.g. "nir", "onnx". */
  format: string;
  /** Format version found in the file, when it has one. */
  formatVersion?: string;
  /** Things the user should know (defaults applied, fields ignored); never errors. */
  warnings: string[];
}

export interface Importer {
  name: string;
  /** Lower-case extensions with the dot, e.g. [".nir"]. */
  extensions: string[];
  /** Whether the first bytes look like this format (magic numbers). */
  sniff(head: Uint8Array): boolean;
  /** Parses a whole file's bytes; `fileName` is only for messages. Throws SpikegridError on bad input. */
  load(bytes: Uint8Array, fileName: string, opts: ImportOptions): Promise<ImportResult>;
}

export const importers = new Registry<Importer>("importer");

/** The importer for a file: by signature, else by extension; a clear error when none fits. */
export function importerFor(fileName: string, head: Uint8Array): Importer {
  const all = importers.entries().map(([, imp]) => imp);
  const bySniff = all.find((imp) => imp.sniff(head));
  if (bySniff) return bySniff;
  const ext = extname(fileName).toLowerCase();
  const byExt = all.find((imp) => imp.extensions.includes(ext));
  if (byExt) return byExt;
  const known = all.flatMap((imp) => imp.extensions).join(", ");
  throw new SpikegridError("UNSUPPORTED", `${fileName}: not a network file spikegrid can read`, {
    hint: `supported formats: ${known || "(none registered)"}`,
  });
}

/** The importer whose signature matches the file's first bytes (content, not extension); undefined if none. */
export function importerByContent(path: string): Importer | undefined {
  let head: Uint8Array;
  try {
    const fd = openSync(path, "r");
    try {
      head = new Uint8Array(64);
      head = head.subarray(0, readSync(fd, head, 0, 64, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return importers
    .entries()
    .map(([, imp]) => imp)
    .find((imp) => imp.sniff(head));
}

/** Reads a file from disk and imports it with the matching importer. */
export async function importFile(path: string, opts: ImportOptions = {}): Promise<ImportResult> {
  if (!existsSync(path)) throw new SpikegridError("FILE_NOT_FOUND", `${path}: no such file`);
  if (statSync(path).isDirectory())
    throw new SpikegridError("FILE_READ", `${path} is a directory, not a file`);
  const bytes = new Uint8Array(readFileSync(path));
  return importerFor(path, bytes.subarray(0, 64)).load(bytes, path, opts);
}
