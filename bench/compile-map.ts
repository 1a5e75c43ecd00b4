// Benchmark: compile + map zoo models on chip profiles, one child process per (model, profile) so each peak RSS
// is its own; one JSON line per run: {bench, model, profile, compileS, mapS, peakRssMB, populations,
// projections, fits, cores | misfit}. A misfit (MappingError) is a result, timed like a fit.
//
// Run: npx tsc -p tsconfig.json && node dist/bench/compile-map.js [MODEL…] [--profile P…]
// (default: spikformer-4-384, every fwformer-*-4-384, spikformer-2-256-dvs on generic-45nm, loihi2, spinnaker2);
// --share-sums compiles with sum relays (the compile option shareSums: true) for before/after figures.

import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { SpikegridError } from "../common/errors.js";
import { MappingError, mapNetwork } from "../compiler/mapping/index.js";
import { compile } from "../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { loadProfile } from "../hw-profiles/index.js";
import { loadZooModel } from "../models/zoo.js";
import { runBench, runChild } from "./children.js";

const MODELS = [
  "spikformer-4-384",
  "fwformer-1dfft-4-384",
  "fwformer-2dfft-4-384",
  "fwformer-2dwt-4-384",
  "fwformer-dwtc-4-384",
  "spikformer-2-256-dvs",
];
const PROFILES = ["generic-45nm", "loihi2", "spinnaker2"];

/** One run in this process: prints its JSON line. */
function runOne(model: string, profileName: string, shareSums: boolean): void {
  const profile = loadProfile(profileName);
  const t0 = performance.now();
  const options: QuantCompileOptions = shareSums ? { profile, shareSums: true } : { profile };
  const { ir } = compile(loadZooModel(model).graph, options);
  const t1 = performance.now();
  let result: Record<string, unknown>;
  try {
    const { mapping } = mapNetwork(ir, profile);
    result = { fits: true, cores: mapping.cores.length };
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    const m = e.fit.misfits[0];
    result = {
      fits: false,
      misfit: m ? `${m.population}: ${m.limit} needs ${m.needed}, available ${m.available}` : e.message,
      misfits: e.fit.misfits.length,
    };
  }
  const t2 = performance.now();
  console.log(
    JSON.stringify({
      bench: "compile-map",
      model,
      profile: profileName,
      ...(shareSums ? { shareSums: true } : {}),
      compileS: +((t1 - t0) / 1000).toFixed(2),
      mapS: +((t2 - t1) / 1000).toFixed(2),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      populations: ir.populations.length,
      projections: ir.projections.length,
      ...result,
    }),
  );
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--one") return runOne(argv[1]!, argv[2]!, argv[3] === "--share-sums");
  const models: string[] = [];
  const profiles: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--profile") profiles.push(argv[++i]!);
    else if (argv[i] === "--share-sums") flags.push(argv[i]!);
    else if (argv[i]!.startsWith("--"))
      throw new SpikegridError("USAGE", `unknown option ${argv[i]}`, {
        hint: "options: --profile P, --share-sums (bench/compile-map.ts)",
      });
    else models.push(argv[i]!);
  }
  const self = fileURLToPath(import.meta.url);
  for (const model of models.length ? models : MODELS)
    for (const profile of profiles.length ? profiles : PROFILES) {
      // sequential children: the figures must not share two cores with each other
      await runChild("compile-map", `${model} on ${profile}`, self, ["--one", model, profile, ...flags]);
    }
}

await runBench("compile-map", () => main(process.argv.slice(2)));
