// `spikegrid report run.json [--format terminal|md|csv|json|html] [-o FILE]`: renders a run JSON (validated
// against run.schema.json) in any registered format; prints to stdout unless -o is given.

import { writeFileSync } from "node:fs";
import { rendererRegistry, renderReport } from "../../reports/renderers/index.js";
import { readRunJsonFile } from "../../reports/run-read.js";
import type { CliCommand } from "../command.js";

export const reportCommand: CliCommand = {
  command: "report <run>",
  describe: "render a run JSON as terminal tables, markdown, CSV, JSON or a self-contained HTML page",
  builder: (y) =>
    y
      .positional("run", { type: "string", describe: "run JSON written by `simulate --json`" })
      .option("format", {
        type: "string",
        default: "terminal",
        describe: `one of ${rendererRegistry.names().join(", ")}`,
      })
      .option("o", { alias: "output", type: "string", describe: "write here instead of standard output" }),
  handler: (args, io) => {
    const path = String(args.run);
    const format = String(args.format);
    const renderer = rendererRegistry.get(format);
    const run = readRunJsonFile(path);
    const out = args.o as string | undefined;
    const text = renderReport(run, renderer.name, { colour: !out && io.isTTY });
    if (out) {
      writeFileSync(out, text);
      io.out(`wrote ${out} (${renderer.name}: ${renderer.describe})`);
    } else io.out(text);
  },
};
