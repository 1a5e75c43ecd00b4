// `spikegrid explore MODEL --profiles a,b --max-cores 8,16 --weight-bits 2,4,8 [--state-bits …] [--timesteps …]
// [--samples N --dataset NAME | --input in.npy --labels labels.npy] [compile's load and compile flags, fixed for
// every point: --reset-mode, --weights, --input-event, --dt, --calibrate, …] [--convention neurobench|sanafe]
// [--workers N] [--shard i/n]
// -o out.jsonl` (or `--grid grid.yaml`), and `spikegrid explore merge a.jsonl b.jsonl -o all.jsonl`. Thin over explore/.

import type { Options } from "yargs";
import { SpikegridError } from "../../common/errors.js";
import { checkGridSpec, type GridSpec, parseShard } from "../../explore/grid.js";
import { loadGridFile } from "../../explore/grid-yaml.js";
import { writeExploreHtml } from "../../explore/html.js";
import { barProgress, lineProgress } from "../../explore/progress.js";
import { mergeResults, readResults } from "../../explore/results-file.js";
import { runSweep } from "../../explore/run.js";
import { renderSweep } from "../../explore/summary.js";
import type { CliCommand } from "../command.js";
import { COMPILE_FLAG_OPTIONS, fixedCompileFlags, LOAD_FLAG_OPTIONS, loadFlags } from "../compile-flags.js";
import type { CliIo } from "../io.js";
import { checkOutputs, MAX_TIMESTEPS } from "../options.js";

/** "8,16,auto" → [8, 16, null]; anything else names the flag. */
function numberList(flag: string, v: unknown, allowAuto: boolean): (number | null)[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.map((s) => {
    if (allowAuto && s === "auto") return null;
    const n = Number(s);
    if (!Number.isInteger(n))
      throw new SpikegridError("USAGE", `${flag}: "${s}" is not an integer${allowAuto ? " or auto" : ""}`, {
        hint: `${flag} takes a comma-separated list, e.g. ${flag} 2,4,8`,
      });
    return n;
  });
}

function parseSets(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const item of Array.isArray(v) ? v : [v]) {
    const s = String(item);
    const eq = s.indexOf("=");
    if (eq <= 0) throw new SpikegridError("USAGE", `--set expects key=value, got "${s}"`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/** The grid the flags describe (over a --grid file when given); checked in full before anything runs. */
export function gridFromArgs(args: Record<string, unknown>): GridSpec {
  const flags: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => {
    if (v !== undefined) flags[k] = v;
  };
  put("model", args.model);
  put("set", parseSets(args.set));
  put(
    "profiles",
    args.profiles === undefined
      ? undefined
      : String(args.profiles)
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
  );
  put("maxCores", numberList("--max-cores", args["max-cores"], true));
  put("maxChips", numberList("--max-chips", args["max-chips"], true));
  put("weightBits", numberList("--weight-bits", args["weight-bits"], false));
  put("stateBits", numberList("--state-bits", args["state-bits"], true));
  put("timesteps", numberList("--timesteps", args.timesteps, true));
  put("samples", args.samples);
  put("dataset", args.dataset);
  put("input", args.input);
  put("labels", args.labels);
  put("mode", args.mode);
  // compile's load and compile flags (one translation, cli/compile-flags.ts), fixed for every point
  for (const [k, v] of Object.entries({ ...loadFlags(args), ...fixedCompileFlags(args) })) put(k, v);
  put("calibrate", args.calibrate);
  put("convention", args.convention);
  if (typeof args.grid === "string") return loadGridFile(args.grid, flags);
  if (flags.model === undefined)
    throw new SpikegridError(
      "USAGE",
      "explore needs a MODEL (a network file or zoo:NAME) or --grid grid.yaml",
    );
  return checkGridSpec(flags);
}

async function runExplore(args: Record<string, unknown>, io: CliIo): Promise<void> {
  const out = args.out as string | undefined;
  if (!out)
    throw new SpikegridError("USAGE", "-o/--out is required: the results .jsonl to write (or resume)");
  const html = args.html as string | undefined;
  const inputs = [args.model, args.grid, args.input, args.labels, args.weights, args.calibrate].map((v) =>
    typeof v === "string" ? v : undefined,
  );
  checkOutputs(
    [
      { flag: "-o/--out", path: out },
      { flag: "--html", path: html },
    ],
    inputs,
  );
  const grid = gridFromArgs(args);
  const shard = typeof args.shard === "string" ? parseShard(args.shard) : undefined;
  const workers = args.workers === undefined ? 1 : Number(args.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256)
    throw new SpikegridError("USAGE", `--workers must be an integer in 1..256, got ${String(args.workers)}`);
  const progress = io.isTTY ? barProgress() : lineProgress((l) => io.err(l));
  const maxPoints = args["max-points"] === undefined ? undefined : Number(args["max-points"]);
  if (maxPoints !== undefined && !(Number.isSafeInteger(maxPoints) && maxPoints > 0))
    throw new SpikegridError(
      "USAGE",
      `--max-points must be a positive integer, got ${String(args["max-points"])}`,
    );
  const sweep = await runSweep(grid, {
    out,
    workers,
    ...(shard ? { shard } : {}),
    ...(maxPoints ? { maxPoints } : {}),
    progress,
  });
  const mine = new Set(sweep.points.map((p) => p.key));
  io.out(renderSweep(sweep.results.filter((r) => mine.has(r.key))));
  const ran = `${sweep.ran} point(s) run, ${sweep.skipped} resumed from the file`;
  io.out(
    `wrote ${out} (${ran}; ${(sweep.wallMs / 1000).toFixed(1)} s, ${workers} worker(s)${shard ? `, shard ${shard.index}/${shard.count} of ${sweep.gridSize} points` : ""})`,
  );
  if (typeof args.html === "string") {
    writeExploreHtml(args.html, sweep.results, { title: `spikegrid explore: ${grid.model}` });
    io.out(`wrote ${args.html}`);
  }
}

async function runMerge(files: string[], args: Record<string, unknown>, io: CliIo): Promise<void> {
  const out = args.out as string | undefined;
  if (!out) throw new SpikegridError("USAGE", "-o/--out is required: the merged .jsonl to write");
  checkOutputs(
    [
      { flag: "-o/--out", path: out },
      { flag: "--html", path: args.html as string | undefined },
    ],
    files,
  );
  const m = mergeResults(files, out);
  io.out(
    `merged ${files.length} file(s) → ${out}: ${m.points} of ${m.gridSize} points of grid ${m.grid}${m.duplicates ? `, ${m.duplicates} duplicate(s) dropped` : ""}`,
  );
  if (m.missingCount)
    io.err(
      `warning: ${m.missingCount} point(s) missing (grid indices ${m.missing.slice(0, 20).join(", ")}${m.missingCount > 20 ? ", …" : ""}): run their shards`,
    );
  if (typeof args.html === "string") {
    writeExploreHtml(args.html, readResults(out).results, { title: `spikegrid explore (${m.grid})` });
    io.out(`wrote ${args.html}`);
  }
}

/** explore's own options; not global, so `explore merge` neither shows nor accepts them. */
const EXPLORE_OPTIONS: Record<string, Options> = {
  grid: { type: "string", describe: "a YAML grid file (flags override its keys)" },
  profiles: { type: "string", describe: "chip profiles, comma-separated names or files" },
  "max-cores": { type: "string", describe: "core budgets, e.g. 8,16,32 (auto: the chip's)" },
  "max-chips": {
    type: "string",
    describe:
      "chip budgets of multi-chip system profiles, e.g. 1,2,8 (auto: the system's; one chip ignores it)",
  },
  "weight-bits": { type: "string", describe: "weight widths, e.g. 2,4,6,8,16 (2..16)" },
  "state-bits": { type: "string", describe: "state widths (2..32; auto: the profile's)" },
  timesteps: { type: "string", describe: `steps per sample, 1..${MAX_TIMESTEPS} (auto: the input's)` },
  samples: { type: "number", describe: "number of samples (first N)" },
  dataset: { type: "string", describe: "a registered dataset, e.g. mnist-rows" },
  input: { type: "string", describe: ".npy samples [N, T, ...] (or [T, ...])" },
  labels: { type: "string", describe: ".npy labels [N] (gives accuracy)" },
  set: { type: "string", array: true, describe: "zoo setting key=value (repeatable)" },
  mode: { type: "string", describe: "layer-sync (default) | pipelined" },
  ...LOAD_FLAG_OPTIONS,
  ...COMPILE_FLAG_OPTIONS,
  calibrate: {
    type: "string",
    describe:
      ".npy of calibration samples [T, ...] or [N, T, ...] (default: the dataset's calibration split, else the samples)",
  },
  convention: {
    type: "string",
    describe:
      "chip runs of every point: neurobench (default: spikegrid's counts and the profile's events) | sanafe (SANA-FE's counting, unit costs and detailed timing on a SANA-FE network file's own mappings:; no --max-cores)",
  },
  workers: { type: "number", describe: "worker threads (default 1: in-process)" },
  shard: { type: "string", describe: "run shard i of n (1-based): i/n" },
  "max-points": {
    type: "number",
    describe: "most grid points allowed (default 100000); a bigger grid is refused before any work",
  },
  out: {
    alias: "o",
    type: "string",
    demandOption: true,
    describe: "results .jsonl (resumed when it exists)",
  },
  html: { type: "string", describe: "also write the explore HTML page (table, front, plots)" },
};

const exploreMergeCommand: CliCommand = {
  command: "merge <files..>",
  describe: "join the results .jsonl of shards of one grid into one file",
  builder: (y) =>
    y
      .positional("files", { type: "string", array: true, describe: "the shards' results .jsonl files" })
      .option("out", {
        alias: "o",
        type: "string",
        demandOption: true,
        describe: "the merged .jsonl to write",
      })
      .option("html", { type: "string", describe: "also write the explore HTML page of the merged results" }),
  handler: (args, io) => runMerge((args.files as string[]).map(String), args, io),
};

export const exploreCommand: CliCommand = {
  command: "explore [model]",
  describe:
    "sweep profiles × core budgets × bits × timesteps over MODEL (a network file or zoo:NAME; or --grid), every point loaded and compiled with the same `compile` flags (--reset-mode, --input-event, --dt, --weights, --calibrate, …): results table, Pareto front; `explore merge FILES… -o OUT` joins shards",
  // MODEL is described above, not with .positional(): a positional's text would show in `explore merge --help`
  builder: (y) =>
    y.options(
      Object.fromEntries(Object.entries(EXPLORE_OPTIONS).map(([k, o]) => [k, { ...o, global: false }])),
    ),
  subcommands: [exploreMergeCommand],
  handler: (args, io) => runExplore(args, io),
};
