// `spikegrid report run.json [--format terminal|md|csv|json|html] [-o/--out FILE]`: renders a run JSON (validated
// against run.schema.json) in any registered format; prints to stdout unless -o is given.

import { rendererRegistry, renderReport } from "../../reports/renderers/index.js";
import { readRunJsonFile } from "../../reports/run-read.js";
import type { CliCommand } from "../command.js";
import { checkOutputs, outFlag, writeOutputFile } from "../options.js";

/** The format a file name asks for (`.html`, `.md`, `.csv`, `.json`), else terminal tables. */
function formatOfPath(out: string | undefined): string {
  const ext = /\.([a-z]+)$/i.exec(out ?? "")?.[1]?.toLowerCase();
  const byExt: Record<string, string> = { html: "html", htm: "html", md: "md", csv: "csv", json: "json" };
  return (ext && byExt[ext]) || "terminal";
}

export const reportCommand: CliCommand = {
  command: "report <run>",
  describe: "render a run JSON as terminal tables, markdown, CSV, JSON or a self-contained HTML page",
  builder: (y) =>
    y
      .positional("run", { type: "string", describe: "run JSON written by `simulate --json`" })
      .option("format", {
        type: "string",
        describe: `one of ${rendererRegistry.names().join(", ")} (default: from the -o extension, else terminal)`,
      })
      .option("out", { alias: "o", type: "string", describe: "write here instead of standard output" })
      // the old spelling, kept working
      .option("output", { type: "string", hidden: true }),
  handler: (args, io) => {
    const path = String(args.run);
    const out = outFlag(args, "output");
    const format = typeof args.format === "string" ? args.format : formatOfPath(out);
    const renderer = rendererRegistry.get(format);
    checkOutputs([{ flag: "-o/--out", path: out }], [path]);
    const run = readRunJsonFile(path);
    const text = renderReport(run, renderer.name, { colour: !out && io.isTTY });
    if (out) {
      writeOutputFile("-o/--out", out, text);
      io.out(`wrote ${out} (${renderer.name}: ${renderer.describe})`);
    } else io.out(text);
  },
};
