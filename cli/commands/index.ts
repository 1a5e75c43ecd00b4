// The ordered command table. Adding a command: one file in this folder plus one line here. A command's module
// (and everything it imports: compilers, simulators, report renderers) loads only when a command line needs it.

import type { CliCommand } from "../command.js";

/** Each command's first word and how to load it, in the order `spikegrid --help` lists them. */
const TABLE: readonly (readonly [string, () => Promise<CliCommand>])[] = [
  ["profiles", async () => (await import("./profiles.js")).profilesCommand],
  ["inspect", async () => (await import("./inspect.js")).inspectCommand],
  ["compile", async () => (await import("./compile.js")).compileCommand],
  ["map", async () => (await import("./map.js")).mapCommand],
  ["simulate", async () => (await import("./simulate.js")).simulateCommand],
  ["zoo", async () => (await import("./zoo.js")).zooCommand],
  ["explore", async () => (await import("./explore.js")).exploreCommand],
  ["report", async () => (await import("./report.js")).reportCommand],
  ["table", async () => (await import("./table.js")).tableCommand],
  ["demo", async () => (await import("./demo.js")).demoCommand],
];

export const COMMAND_NAMES: readonly string[] = TABLE.map(([name]) => name);

/** Every command, loaded. */
export function allCommands(): Promise<CliCommand[]> {
  return Promise.all(TABLE.map(([, load]) => load()));
}

/**
 * The commands `argv` needs: the one its first word names, else all of them (top-level help, a misspelt
 * command's "did you mean"). Only --debug and --help / --version come before a command, none takes a value.
 */
export async function commandsFor(argv: readonly string[]): Promise<CliCommand[]> {
  const first = argv.find((a) => !a.startsWith("-"));
  const named = TABLE.find(([name]) => name === first);
  return named ? [await named[1]()] : allCommands();
}
