// Test helpers shared by the command tests: run the CLI in-process and collect what it printed, and catch the
// project's user error that a call is expected to throw.

import { bufferIo } from "../cli/io.js";
import { runCli } from "../cli/main.js";
import { SpikegridError } from "../common/errors.js";

/** `spikegrid ARGV…` in this process: its exit code and what it wrote to stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

/** The SpikegridError `f` throws (any other outcome fails the test). */
export function errorOf(f: () => unknown): SpikegridError {
  try {
    f();
  } catch (e) {
    if (e instanceof SpikegridError) return e;
    throw e;
  }
  throw new Error("expected a SpikegridError");
}
