// `simulate FILE.yaml --engine chip --profile P --convention sanafe --json run.json`: a SANA-FE network file run
// directly (simulator/chip/sanafe/direct.ts) — SANA-FE's own model on the file's mappings, no compile or map —
// where that fires what the compiled chip fires; anything else (other flags, networks outside that domain) goes
// on to the compiled chip, with a note saying why.

import { readFileSync } from "node:fs";
import { MAX_TIMESTEPS } from "../../common/limits.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { AheadCall, CountElsewhere } from "../../simulator/chip/sanafe/counts-ahead.js";
import type { BatchScheduler } from "../../simulator/chip/sanafe/schedule-batches.js";
import { bundleFor } from "../bundles.js";
import type { CliIo } from "../io.js";
import { writeOutputFile } from "../options.js";

/** The flags a direct run reads; any other flag given leaves the run to the compiled chip. */
const DIRECT_FLAGS = new Set([
  "file",
  "engine",
  "profile",
  "convention",
  "timesteps",
  "json",
  "debug",
  "direct",
]);

/** A SANA-FE network file: .yaml/.yml whose first non-comment line is `network:` or `mappings:`. */
function isSanafeNetwork(path: string): string | undefined {
  if (!/\.ya?ml$/i.test(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined; // the compiled path reports a missing or unreadable file
  }
  // line by line to the first that is not blank or a comment (not the whole file split into lines)
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf("\n", at);
    const line = text.slice(at, nl < 0 ? text.length : nl).replace(/\r$/, "");
    at = nl < 0 ? text.length : nl + 1;
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    return /^(network|mappings)\s*:/.test(line) ? text : undefined;
  }
  return undefined;
}

/** The flags the command line read before the CLI parser loads (`directArgv`), each given once as `--flag value`;
 * a fixed value where the direct run needs one. */
const EARLY_FLAGS: Record<string, string | undefined> = {
  engine: "chip",
  convention: "sanafe",
  timing: "detailed",
  profile: undefined,
  json: undefined,
  timesteps: undefined,
};

/**
 * The parsed arguments of a command line that is plainly a direct run — `simulate FILE.yaml` and only the flags of
 * EARLY_FLAGS, each once as `--flag value`, --engine chip, --convention sanafe, --profile and --json given,
 * --timesteps a whole number in range — read without loading the CLI parser (its modules are a good part of a
 * direct run's start). Anything else (another flag or spelling, --help, a repeated flag, an odd value): undefined,
 * and the full parser reads the command line with its checks and messages.
 */
export function directArgv(argv: readonly string[]): Record<string, unknown> | undefined {
  if (argv[0] !== "simulate") return undefined;
  const args: Record<string, unknown> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-")) {
      if (args.file !== undefined || !/\.ya?ml$/i.test(a)) return undefined;
      args.file = a;
      continue;
    }
    const name = a.slice(2);
    const value = argv[++i];
    if (!a.startsWith("--") || !Object.hasOwn(EARLY_FLAGS, name) || args[name] !== undefined)
      return undefined;
    if (value === undefined || value === "" || value.startsWith("-")) return undefined;
    const fixed = EARLY_FLAGS[name];
    if (fixed !== undefined && value !== fixed) return undefined;
    args[name] = value;
  }
  if (args.timesteps !== undefined) {
    if (!/^[1-9][0-9]{0,6}$/.test(String(args.timesteps))) return undefined;
    args.timesteps = Number(args.timesteps);
    if ((args.timesteps as number) > MAX_TIMESTEPS) return undefined;
  }
  return args.file !== undefined && directRequested(args) ? args : undefined;
}

type DirectLibrary = typeof import("../../simulator/chip/sanafe/direct-entry.js");

/** The direct run's library: its bundle where the build made one (a bundle that does not load — a damaged
 * build — leaves the modules to it), else its modules. */
async function directLibrary(): Promise<DirectLibrary> {
  const bundle = bundleFor("directRun");
  if (bundle)
    try {
      return await import(bundle);
    } catch {
      // the modules hold the same code
    }
  return import("../../simulator/chip/sanafe/direct-entry.js");
}

/** Whether the command line asks for what a direct run gives (then `simulateDirect` may take it). */
export function directRequested(args: Record<string, unknown>): boolean {
  if (args.engine !== "chip" || args.convention !== "sanafe" || args.direct === false) return false;
  if (typeof args.json !== "string" || typeof args.profile !== "string") return false;
  if (args.timing !== undefined && args.timing !== "detailed") return false;
  return Object.entries(args).every(
    ([k, v]) => v === undefined || k === "_" || k === "$0" || k === "timing" || DIRECT_FLAGS.has(k),
  );
}

/** Runs the direct path and returns true, or returns false (with a note) for the compiled chip to run. */
export async function simulateDirect(args: Record<string, unknown>, io: CliIo): Promise<boolean> {
  const file = String(args.file);
  const text = isSanafeNetwork(file);
  if (text === undefined) return false;
  const profileArg = String(args.profile);
  // the direct run's library and the profile loader, each one bundled file where the build made it (bundles.ts)
  const direct = await directLibrary();
  // the profile loads on the scheduler's thread while this one reads the network: the profile's modules (schema,
  // YAML) are a good part of a direct run's start — from their bundle with its code cache where the build made
  // them (hw-profiles/loader-cached.ts), else as modules
  const loader = new URL(
    bundleFor("profileLoader") ? "../../hw-profiles/loader-cached.js" : "../../hw-profiles/loader-entry.js",
    import.meta.url,
  ).href;
  const scheduler = new direct.BatchScheduler(true, {
    module: loader,
    name: "loadProfile",
    args: [profileArg],
  });
  let r: Awaited<ReturnType<typeof runDirectOn>>;
  try {
    r = await runDirectOn(direct, text, file, profileArg, args, scheduler);
  } finally {
    scheduler.close();
  }
  if ("reason" in r) {
    io.err(`note: ran the compiled chip, not SANA-FE's model directly: ${r.reason}`);
    return false;
  }
  const { profile } = r;
  const json = String(args.json);
  writeOutputFile("--json", json, `${JSON.stringify(r.json, null, 2)}\n`);
  const latency = r.json.latency as { perTimestepS: { mean: number }; cycles: { perTimestepMean: number } };
  const perSample = (r.json.latency as { perSampleS: number }).perSampleS;
  const energy = (r.json.energy as { chip: { totalJ: number } }).chip.totalJ;
  const counts = r.json.counts as { packets: number; hops: number };
  io.out(
    [
      `simulated ${file} on ${profile.name} (chip engine, convention sanafe, SANA-FE's detailed timing, direct run, ${r.steps} steps, ${r.cores} cores, mapping ${file})`,
      `  latency ${(latency.perTimestepS.mean * 1e6).toPrecision(4)} µs per step (${latency.cycles.perTimestepMean.toPrecision(4)} cycles), ${(perSample * 1e3).toPrecision(4)} ms per sample`,
      `  energy ${energy.toExponential(3)} J chip (SANA-FE's events, no static power); ${counts.packets} packets, ${counts.hops} hops`,
      `wrote:\n  ${json} (run JSON, direct run)`,
    ].join("\n"),
  );
  io.err(
    `note: ran SANA-FE's neuron model directly on ${file}'s mappings: (an integer-exact network: the compiled chip fires the same spikes); --no-direct runs the compiled chip`,
  );
  return true;
}

/** The module of each table made ahead (counts-ahead.ts `AheadCall`). */
const AHEAD_MODULES: Record<AheadCall["name"], string> = {
  messageCounts: "../../simulator/chip/sanafe/messages.js",
  nonzeroTargetsByGroup: "../../simulator/chip/sanafe/nonzero-ops.js",
};

/**
 * The tables made ahead (the messages' counts, the nonzero-weight targets) on the scheduler's thread, which takes
 * its calls in order, after the profile (then it idles while this one goes on): the connections go over in shared
 * memory. The counts are needed soon: while that thread is still loading the profile, this one counts rather than
 * wait for the profile and then for them; the nonzero targets only at the run's end. Where a call fails (no
 * worker; the TypeScript sources under test, whose modules a worker cannot import) this thread does the work.
 */
function countsOnWorker(scheduler: BatchScheduler): CountElsewhere {
  return (call) => {
    if (call.name === "messageCounts" && scheduler.callPending) return undefined;
    const answer = scheduler.ask({
      module: new URL(AHEAD_MODULES[call.name], import.meta.url).href,
      name: call.name,
      args: call.args,
    });
    return answer && (() => answer.take()?.value);
  };
}

/**
 * The direct run of `text` with the profile the scheduler's thread loaded (or, where it could not, this thread:
 * then with that error). A bad profile is reported before a bad network file, as when the profile loads first.
 */
async function runDirectOn(
  direct: DirectLibrary,
  text: string,
  file: string,
  profileArg: string,
  args: Record<string, unknown>,
  scheduler: BatchScheduler,
) {
  const { readSanafeDirect, runSanafeDirect } = direct;
  let fileError: { error: unknown } | undefined;
  let parsed: unknown;
  try {
    parsed = readSanafeDirect(text, file, countsOnWorker(scheduler));
  } catch (error) {
    fileError = { error };
  }
  const loaded = scheduler.callResult()?.value as ChipProfile | undefined;
  const profile = loaded ?? (await import("../../hw-profiles/loader.js")).loadProfile(profileArg);
  if (fileError) throw fileError.error;
  const steps = args.timesteps === undefined ? undefined : Number(args.timesteps);
  const r = runSanafeDirect(text, file, profile, steps, scheduler);
  void parsed; // held until the run has taken the parse
  return "reason" in r ? r : { ...r, profile };
}
