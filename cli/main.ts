// The `spikegrid` command: parses argv with yargs and dispatches to the command table.
// Exit codes: 0 ok, 2 user error (SpikegridError or bad usage), 1 internal fault.

import yargs, { type Argv } from "yargs";
import { isSpikegridError, SpikegridError } from "../common/errors.js";
import type { CliCommand } from "./command.js";
import { commands } from "./commands/index.js";
import { type CliIo, processIo } from "./io.js";

function attach(y: Argv, cmd: CliCommand, io: CliIo): Argv {
  return y.command(
    cmd.command,
    cmd.describe,
    (sub) => {
      let b = cmd.builder ? cmd.builder(sub) : sub;
      if (cmd.subcommands) {
        for (const s of cmd.subcommands) b = attach(b, s, io);
        b = b.demandCommand(1, `choose a sub-command of "${cmd.command.split(" ")[0]}"`);
      }
      return b;
    },
    async (args) => {
      if (cmd.handler) await cmd.handler(args as Record<string, unknown>, io);
    },
  );
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const debug = argv.includes("--debug");
  let usageError: string | undefined;
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
      usageError = msg;
    })
    .help()
    .version();
  for (const c of commands) y = attach(y, c, io);
  try {
    let helpText = "";
    await y.parseAsync(argv, {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (usageError) {
      io.err(helpText ? `${helpText}\n` : "");
      throw new SpikegridError("USAGE", usageError, {
        hint: "run `spikegrid --help` for the commands and options",
      });
    }
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
