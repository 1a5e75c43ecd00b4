// What the benchmark scripts share around their child processes (one per run, so each peak RSS is its own)
// and their command lines: a failed child stops the script with its exit code, a usage error is one line.

import { type ForkOptions, fork } from "node:child_process";
import { SpikegridError } from "../common/errors.js";

/**
 * Runs `script` with `args` in a child and waits for it. A child that fails has printed its own error: the
 * script says which run stopped and exits with the child's code (no stack trace of its own).
 */
export async function runChild(
  bench: string,
  label: string,
  script: string,
  args: string[],
  options: ForkOptions = {},
): Promise<void> {
  const code = await new Promise<number | null>((resolve) => {
    fork(script, args, { stdio: "inherit", ...options }).on("exit", resolve);
  });
  if (code === 0) return;
  process.stderr.write(`${bench}: ${label} stopped (exit ${code})\n`);
  process.exit(code ?? 1);
}

/** `main` run; a SpikegridError (usage, a bad file) is printed in one line, as the CLI does, with exit 2. */
export async function runBench(bench: string, main: () => Promise<void>): Promise<void> {
  await main().catch((e: unknown) => {
    // anything else is an internal fault: thrown with its stack
    if (!(e instanceof SpikegridError)) throw e;
    process.stderr.write(`${bench}: error [${e.code}]: ${e.describe()}\n`);
    process.exit(2);
  });
}
