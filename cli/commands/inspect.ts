// `spikegrid inspect <file> [--json]`: shows what a compiler artefact holds. Formats are chosen by file
// extension from the `inspectFormats` table below; supporting another format is one entry there.

import { extname } from "node:path";
import { SpikegridError } from "../../common/errors.js";
import { importerByContent } from "../../compiler/importers/registry.js";
import { checkNmir, printNmir, readNmirFile, summarizeNmir } from "../../compiler/nmir/index.js";
import { isZooRef } from "../../models/zoo.js";
import type { CliCommand } from "../command.js";
import { zooOverrides, zooSetOption } from "../zoo-set.js";
import { inspectNetwork, inspectStateDict } from "./inspect-network.js";

export interface InspectFormat {
  /** Lower-case file name ending, with its dot. */
  ext: string;
  /** What such a file is, for help and errors. */
  describe: string;
  /** The text (or, with json, the JSON document) to print for the file. */
  inspect(path: string, json: boolean, overrides?: Record<string, string>): string | Promise<string>;
}

function inspectNmir(path: string, json: boolean): string {
  const m = readNmirFile(path);
  // A file that decodes can still break invariants (written by an older or buggy pass): show, do not fail.
  const problems = checkNmir(m);
  if (json) return `${JSON.stringify({ file: path, ...summarizeNmir(m), problems }, null, 2)}\n`;
  const verdict =
    problems.length === 0
      ? [`verify (${m.stage}): ok`]
      : [
          `verify (${m.stage}): ${problems.length} problem(s)`,
          ...problems.map((p) => `  - ${p.where}: ${p.message}`),
        ];
  return `${printNmir(m)}\n${verdict.join("\n")}\n`;
}

const weights = (ext: string): InspectFormat => ({
  ext,
  describe: "weights (state_dict)",
  inspect: inspectStateDict,
});

export const inspectFormats: readonly InspectFormat[] = [
  { ext: ".nmir", describe: "NMIR integer IR, the compiler output", inspect: inspectNmir },
  { ext: ".nir", describe: "NIR graph", inspect: inspectNetwork },
  { ext: ".onnx", describe: "ONNX model", inspect: inspectNetwork },
  ...[".pt", ".pth", ".ckpt", ".safetensors", ".npz"].map(weights),
];

const zooFormat: InspectFormat = {
  ext: "zoo:",
  describe: "a model-zoo network (zoo:NAME)",
  inspect: inspectNetwork,
};

function formatOf(file: string): InspectFormat {
  if (isZooRef(file)) return zooFormat;
  const lower = file.toLowerCase();
  const format = inspectFormats.find((f) => lower.endsWith(f.ext));
  if (format) return format;
  // Formats without an extension of their own (a SANA-FE network .yaml) are recognised by content.
  const byContent = importerByContent(file);
  if (byContent)
    return { ext: extname(file), describe: `${byContent.name} network`, inspect: inspectNetwork };
  const ext = extname(file) || "(none)";
  throw new SpikegridError("USAGE", `inspect cannot read "${file}": unknown file extension ${ext}`, {
    hint: `inspect reads ${inspectFormats.map((f) => `${f.ext} (${f.describe})`).join(", ")}, and network files recognised by content (SANA-FE .yaml)`,
  });
}

export const inspectCommand: CliCommand = {
  command: "inspect <file>",
  describe: `show what a file holds (${inspectFormats.map((f) => f.ext).join(", ")})`,
  builder: (y) =>
    y
      .positional("file", { type: "string", describe: "the file to inspect", demandOption: true })
      .option("json", { type: "boolean", default: false, describe: "print a JSON summary instead of text" })
      .option("set", zooSetOption),
  handler: async (args, io) => {
    const file = String(args.file);
    const overrides = zooOverrides(file, args.set);
    io.out(await formatOf(file).inspect(file, args.json === true, overrides));
  },
};
