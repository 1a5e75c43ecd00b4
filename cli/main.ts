// The `spikegrid` command: parses argv with yargs and dispatches to the command table (a plain direct SANA-FE run,
// simulate-direct.ts, is recognised first and starts without loading yargs).
// Exit codes: 0 ok, 2 user error (SpikegridError or bad usage), 1 internal fault.

import type { Argv } from "yargs";
import { isSpikegridError, SpikegridError } from "../common/errors.js";
import type { CliCommand } from "./command.js";
import { COMMAND_NAMES, commandsFor } from "./commands/index.js";
import { directArgv, simulateDirect } from "./commands/simulate-direct.js";
import { type CliIo, processIo } from "./io.js";

/** The command whose builder ran last (the one being parsed): its name and options, for usage errors. */
interface Parsed {
  name: string;
  /** Its yargs usage, e.g. "compile <file>". */
  usage: string;
  options: string[];
  subcommands: string[];
}

interface YargsOptions {
  key?: Record<string, unknown>;
  alias?: Record<string, string[]>;
}

function attach(y: Argv, cmd: CliCommand, io: CliIo, parsed: Parsed, parent = ""): Argv {
  const name = `${parent}${cmd.command.split(" ")[0]}`;
  return y.command(
    cmd.command,
    cmd.describe,
    (sub) => {
      let b = cmd.builder ? cmd.builder(sub) : sub;
      if (cmd.subcommands) {
        for (const s of cmd.subcommands) b = attach(b, s, io, parsed, `${name} `);
        // a command with its own handler runs it when no sub-command is named (explore vs explore merge)
        if (!cmd.handler) b = b.demandCommand(1, `choose a sub-command of "${name}"`);
      }
      // getOptions() is public in yargs but missing from its types
      const o = (b as unknown as { getOptions(): YargsOptions }).getOptions();
      skipHelpCache(b);
      parsed.name = name;
      parsed.usage = `${parent}${cmd.command}`;
      parsed.options = [...Object.keys(o.key ?? {}), ...Object.values(o.alias ?? {}).flat()];
      parsed.subcommands = (cmd.subcommands ?? []).map((s) => s.command.split(" ")[0]!);
      return b;
    },
    async (args) => {
      if (cmd.handler) await cmd.handler(args as Record<string, unknown>, io);
    },
  );
}

/**
 * yargs renders the whole help text whenever a command's handler starts, in case the handler asks for it
 * later (showHelp); no handler here does, and the rendering cost ~0.15 s and ~35 MB per run. --help itself
 * renders the text afresh. Internal yargs API: when it is missing, yargs keeps its own behaviour.
 */
function skipHelpCache(y: Argv): void {
  const internal = (y as unknown as { getInternalMethods?(): { getUsageInstance?(): unknown } })
    .getInternalMethods?.()
    .getUsageInstance?.() as { cacheHelpMessage?: () => void } | undefined;
  if (internal && typeof internal.cacheHelpMessage === "function") internal.cacheHelpMessage = () => {};
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const debug = argv.includes("--debug");
  const parsed: Parsed = {
    name: "",
    usage: "<command>",
    options: [],
    subcommands: [...COMMAND_NAMES],
  };
  try {
    // a plain direct run starts without the CLI parser's modules; anything it does not take goes to the parser
    const direct = directArgv(argv);
    if (direct && (await simulateDirect(direct, io))) return 0;
    // the direct run declined (its note said why): the parser runs the compiled chip
    if (direct) argv = [...argv, "--no-direct"];
    const { default: yargs } = await import("yargs");
    let y: Argv = yargs(argv)
      .scriptName("spikegrid")
      .usage(
        "$0 <command> [options]\n\nCompile spiking networks onto neuromorphic chip models and measure their cost.",
      )
      .option("debug", { type: "boolean", describe: "print stack traces for errors" })
      .strict()
      .demandCommand(1, "choose a command")
      .recommendCommands()
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .exitProcess(false)
      .fail((msg, err) => {
        if (err) throw err;
        // thrown, not kept: yargs would otherwise go on to run the handler after a failed check
        throw usageErrorOf(msg, argv, parsed);
      })
      .help()
      .version();
    for (const c of await commandsFor(argv)) y = attach(y, c, io, parsed);
    let helpText = "";
    await y.parseAsync(argv, {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (helpText) io.out(helpText);
    return 0;
  } catch (e) {
    if (isSpikegridError(e)) {
      io.err(`spikegrid: error [${e.code}]: ${e.describe()}`);
      if (debug && e.stack) io.err(e.stack);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`spikegrid: internal error: ${err.message}`);
    io.err(debug ? (err.stack ?? "") : "this is a bug in spikegrid; rerun with --debug for the stack trace");
    return 1;
  }
}

/** Edit distance, for "did you mean" (names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function unknownOption(name: string, parsed: Parsed): string {
  const near = closest(
    name,
    parsed.options.filter((o) => o.length > 1),
  );
  return `unknown option ${flagOf(name)}${near ? ` (did you mean --${near}?)` : ""}`;
}

/** Flags on the command line that the parsed command does not define (after `--`, nothing counts). */
function unknownFlags(argv: readonly string[], parsed: Parsed): string[] {
  const known = new Set([...parsed.options.map(kebab), "help", "version", "debug"]);
  const out: string[] = [];
  for (const a of argv) {
    if (a === "--") break;
    const m = /^--?([^=]+)/.exec(a);
    if (!m || /^-\d/.test(a)) continue;
    const name = m[1]!;
    const k = kebab(name);
    if (!known.has(k) && !(k.startsWith("no-") && known.has(k.slice(3))) && !out.includes(name))
      out.push(name);
  }
  return out;
}

const flagOf = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

/** A yargs usage failure as one SpikegridError: unknown options and words named, with the closest known one. */
function usageErrorOf(msg: string, argv: readonly string[], parsed: Parsed): SpikegridError {
  const where = parsed.name ? `spikegrid ${parsed.name}` : "spikegrid";
  const hint = `run \`${where} --help\` for its ${parsed.name ? "options" : "commands and options"}`;
  const depth = parsed.name ? parsed.name.split(" ").length : 0;
  const suggested = /^Did you mean (.+)\?$/.exec(msg);
  if (suggested && argv[depth] !== undefined)
    return new SpikegridError(
      "USAGE",
      `${where}: unknown command "${argv[depth]}" (did you mean ${suggested[1]}?); nothing was run`,
      { hint },
    );
  if (msg.startsWith("Not enough non-option arguments"))
    return new SpikegridError("USAGE", `${where}: missing arguments; usage: spikegrid ${parsed.usage}`, {
      hint,
    });
  const missing = /^Missing required arguments?: (.*)$/s.exec(msg);
  // yargs checks required options first; a misspelt one (--ot for --out) is the better thing to report
  const typos = missing ? unknownFlags(argv, parsed) : [];
  if (typos.length)
    return new SpikegridError(
      "USAGE",
      `${where}: ${typos.map((n) => unknownOption(n, parsed)).join("; ")}; nothing was run`,
      {
        hint,
      },
    );
  if (missing) {
    const flags = missing[1]!.split(", ").map(flagOf);
    return new SpikegridError(
      "USAGE",
      `${where}: missing required option${flags.length > 1 ? "s" : ""} ${flags.join(", ")}; nothing was run`,
      { hint },
    );
  }
  const unknown = /^Unknown arguments?: (.*)$/s.exec(msg);
  if (!unknown) return new SpikegridError("USAGE", `${where}: ${msg}`, { hint });
  const names = unknown[1]!.split(", ");
  const problems: string[] = [];
  for (const n of names) {
    // yargs lists --foo-bar twice (foo-bar, fooBar): keep the spelling the user typed
    if (kebab(n) !== n && names.includes(kebab(n))) continue;
    const typed = argv.some((a) => a === flagOf(n) || a.startsWith(`${flagOf(n)}=`) || a === `--no-${n}`);
    if (typed) problems.push(unknownOption(n, parsed));
    else {
      const near = closest(n, parsed.subcommands);
      const what = parsed.subcommands.length ? "unknown command or extra argument" : "unexpected argument";
      problems.push(`${what} "${n}"${near ? ` (did you mean ${near}?)` : ""}`);
    }
  }
  return new SpikegridError("USAGE", `${where}: ${problems.join("; ")}; nothing was run`, { hint });
}
