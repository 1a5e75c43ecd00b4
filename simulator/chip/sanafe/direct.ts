// Library entry of the direct run: a SANA-FE network file and a profile → the run JSON object of SANA-FE's own
// model run on the file's mappings (direct-run.ts), or why it cannot stand in for the compiled chip there
// (direct-domain.ts): then the caller runs the compiled chip.

import {
  mappingsOf,
  type ParsedSanafe,
  parseSanafeDirectFile,
  somasOf,
} from "../../../compiler/importers/sanafe/parsed.js";
import type { ChipProfile } from "../../../hw-profiles/index.js";
import { prepareConnections } from "./connections.js";
import { type CountElsewhere, nonzeroMadeAhead, prepareMessageCounts } from "./counts-ahead.js";
import { directPlan } from "./direct-domain.js";
import { directRunJson } from "./direct-json.js";
import { runDirect } from "./direct-run.js";
import { conventionNetOf } from "./from-file.js";
import type { ConventionNet } from "./net.js";
import { BatchScheduler } from "./schedule-batches.js";

export interface DirectRun {
  json: Record<string, unknown>;
  steps: number;
  cores: number;
}

/**
 * What of `text` (SANA-FE network file `file`) needs no profile — its YAML, network, mappings, somas and
 * connections — read ahead (while a profile loads elsewhere); `runSanafeDirect` on the same text takes this parse. Errors in the
 * file throw as the importer's (file:line), in the order `runSanafeDirect` meets them.
 */
export function readSanafeDirect(text: string, file: string, countElsewhere?: CountElsewhere): ParsedSanafe {
  const parsed = parseSanafeDirectFile(text, file);
  mappingsOf(parsed);
  somasOf(parsed, []);
  // the connection table needs no profile either (its errors wait for conventionNetOf, to keep their order)
  prepareConnections(parsed, file, true);
  // and the messages' counts (the costs wait for the profile) and nonzero targets, on another thread where the
  // caller has one
  prepareMessageCounts(parsed, file, countElsewhere);
  return parsed;
}

/**
 * Runs `text` (SANA-FE network file `file`) on `profile` for `steps` steps (default: its longest input train),
 * or returns why the direct run does not apply. Errors in the file throw as the importer's (file:line). The
 * messages are timed by `scheduler` (made before the file is read: its thread starts meanwhile), which the run
 * ends.
 */
export function runSanafeDirect(
  text: string,
  file: string,
  profile: ChipProfile,
  steps?: number,
  scheduler = new BatchScheduler(),
): DirectRun | { reason: string } {
  try {
    return directRun(text, file, profile, scheduler, steps);
  } finally {
    scheduler.close();
  }
}

function directRun(
  text: string,
  file: string,
  profile: ChipProfile,
  scheduler: BatchScheduler,
  steps?: number,
): DirectRun | { reason: string } {
  const parsed = parseSanafeDirectFile(text, file);
  const net = conventionNetOf(parsed, file, profile, true);
  const fanInAbs = new Float64Array(net.neurons);
  for (let k = 0; k < net.neurons; k++) fanInAbs[k] = net.fanIn64[k]! / 64;
  const plan = directPlan(parsed, profile, fanInAbs);
  if (typeof plan === "string") return { reason: plan };
  const longest = plan.somas.trainSteps.reduce((a, t) => Math.max(a, t + 1), 0);
  const run = steps ?? longest;
  if (run < 1) return { reason: "no --timesteps and no input train gives the steps" };
  const table = nonzeroMadeAhead(parsed, net.postStart, net.weight64);
  const nonzeroTargets = table?.length === net.neurons * net.groups.length ? table : undefined;
  const result = runDirect(net, plan.somas, run, plan.limit, scheduler, "auto", nonzeroTargets);
  if (result.outgrewAt >= 0)
    return { reason: `a potential outgrew the compiled state's range at step ${result.outgrewAt}` };
  const edgesInto = net.groups.map((g) =>
    parsed.net.edges.filter((e) => e.dst === g.id).map((e) => `${e.src}->${e.dst}`),
  );
  const storedWeights = parsed.net.edges.reduce((a, e) => a + e.weights.length, 0);
  const json = directRunJson(
    {
      file,
      networkName: parsed.net.name,
      profile,
      net,
      somas: plan.somas,
      steps: run,
      edgesInto,
      storedWeights,
      biasInputs: biasInputGroups(net.groups, parsed.net.edges),
    },
    result,
  );
  return {
    json,
    steps: run,
    cores: net.cores.filter((c) => c.neurons.some((k) => plan.somas.isInput[k] === 0)).length,
  };
}

/**
 * The groups the compiled graph feeds their biases as an input (compiler/importers/sanafe/to-graph.ts): those no
 * input group reaches — first every group nothing feeds, then, while a cycle stays unreached, its first group in
 * file order.
 */
function biasInputGroups(groups: ConventionNet["groups"], edges: readonly { src: string; dst: string }[]) {
  const reached = new Set(groups.filter((g) => g.input).map((g) => g.id));
  const seeds = new Set<string>();
  const spread = () => {
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of edges)
        if (reached.has(e.src) && !reached.has(e.dst)) {
          reached.add(e.dst);
          grew = true;
        }
    }
  };
  for (const g of groups)
    if (!reached.has(g.id) && !edges.some((e) => e.dst === g.id)) {
      seeds.add(g.id);
      reached.add(g.id);
    }
  spread();
  for (const g of groups)
    if (!reached.has(g.id)) {
      seeds.add(g.id);
      reached.add(g.id);
      spread();
    }
  return seeds;
}
