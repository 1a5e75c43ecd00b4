// `spikegrid demo [--model NAME] [--samples N] [--profile P] [--out-dir DIR] [--workers N]`: the main job (`npm
// start`). A shipped trained demo (default the Spiking LMUFormer) on held-out MNIST digits: compile → map → chip
// simulation → the energy/ops table → a small explore over core budgets and weight bits → an HTML report.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { SpikegridError } from "../../common/errors.js";
import { runDemo } from "../../explore/demo.js";
import { barProgress, lineProgress } from "../../explore/progress.js";
import { renderSweep } from "../../explore/summary.js";
import { DEMO_DATASETS, DEMO_PROFILES } from "../../models/demos/catalog.js";
import { isZooRef, trainedDemoNames } from "../../models/zoo.js";
import type { CliCommand } from "../command.js";
import type { CliIo } from "../io.js";
import { checkOutputDir, intFlag } from "../options.js";

/** `--model`: a trained demo's bare name means its zoo model; zoo:NAME and existing files pass through. */
export function demoModel(arg: string): string {
  if (isZooRef(arg) || existsSync(arg)) return arg;
  const trained = trainedDemoNames();
  if (trained.includes(arg)) return `zoo:${arg}`;
  throw new SpikegridError("USAGE", `--model ${arg}: no such file, and no trained demo is called that`, {
    hint: `trained demos: ${trained.join(", ")}; any other zoo model as zoo:NAME (untrained: accuracy means nothing)`,
  });
}

async function demo(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const samples = intFlag("--samples", args.samples, 1, 2000);
  const workers = intFlag("--workers", args.workers, 1, 256) ?? Math.min(2, availableParallelism());
  const set: Record<string, string> = {};
  for (const item of (args.set as string[] | undefined) ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new SpikegridError("USAGE", `--set expects key=value, got "${item}"`);
    set[item.slice(0, eq)] = item.slice(eq + 1);
  }
  checkOutputDir("--out-dir", args["out-dir"] as string | undefined);
  const model = typeof args.model === "string" ? demoModel(args.model) : undefined;
  const profile =
    typeof args.profile === "string" ? args.profile : model && DEMO_PROFILES[model.replace(/^zoo:/, "")];
  const dataset = model && DEMO_DATASETS[model.replace(/^zoo:/, "")];
  const say = (l: string) => io.out(l);
  const r = await runDemo({
    ...(model ? { model } : {}),
    ...(dataset ? { dataset } : {}),
    ...(Object.keys(set).length ? { set } : {}),
    ...(samples === undefined ? {} : { samples }),
    ...(profile ? { profile } : {}),
    ...(typeof args["out-dir"] === "string" ? { outDir: args["out-dir"] } : {}),
    workers,
    log: say,
    progress: io.isTTY ? barProgress() : lineProgress((l) => io.err(l)),
    onTable: (t) => say(`\n${t}`),
  });
  io.out(
    `\nexplore: ${r.sweep.results.length} points (${workers} worker(s))\n${renderSweep(r.sweep.results)}`,
  );
  if (r.replaced.length) io.out(`\nreplaced the previous demo output: ${r.replaced.join(", ")}`);
  io.out(
    [
      "",
      `wrote ${r.files.run} (run JSON), ${r.files.results} (explore points)`,
      `report: ${resolve(r.files.report)}  (open it in a browser)`,
      `done in ${r.seconds.toFixed(1)} s`,
      "next: your own network — npx spikegrid compile YOUR.nir --profile loihi -o model.nmir (README.md, “Your own checkpoint”)",
    ].join("\n"),
  );
}

export const demoCommand: CliCommand = {
  command: "demo",
  describe: "the main job: a trained demo on MNIST → chip → energy table, explore, HTML report",
  builder: (y) =>
    y
      .option("samples", { type: "number", describe: "held-out MNIST digits to simulate (default 64)" })
      .option("profile", {
        type: "string",
        describe:
          "chip profile to compile for (default loihi; loihi2 for the S4 demos, the Spikformer and the FWformer)",
      })
      .option("out-dir", {
        type: "string",
        describe: "where run.json, explore.jsonl, report.html go (default spikegrid-demo)",
      })
      .option("workers", { type: "number", describe: "explore worker threads (default min(2, CPUs))" })
      .option("model", {
        type: "string",
        describe: `a trained demo (${trainedDemoNames().join(", ")}; default the first), zoo:NAME or a file`,
      })
      .option("set", { type: "string", array: true, describe: "zoo setting key=value for --model" }),
  handler: (args, io) => demo(args, io),
};
