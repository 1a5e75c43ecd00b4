// The shape of one CLI command: a yargs builder plus a handler that gets the parsed args and the IO.
// Commands only wire library calls; anything a user can get wrong throws SpikegridError.

import type { Argv } from "yargs";
import type { CliIo } from "./io.js";

export interface CliCommand {
  /** yargs command string, e.g. "show <name>". */
  command: string;
  describe: string;
  builder?: (y: Argv) => Argv;
  /** Sub-commands (e.g. `profiles list`); `handler`, if any, runs when none is named. */
  subcommands?: CliCommand[];
  handler?: (args: Record<string, unknown>, io: CliIo) => Promise<void> | void;
}
