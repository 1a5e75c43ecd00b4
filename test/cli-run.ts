// Test helpers shared by the command tests: run the CLI in-process and collect what it printed, read a recorded
// spike raster, and catch the project's user error that a call is expected to throw.

import { bufferIo } from "../cli/io.js";
import { runCli } from "../cli/main.js";
import { SpikegridError } from "../common/errors.js";
import { readNpyFile, toFloat32 } from "../compiler/importers/tensors/index.js";

/** `spikegrid ARGV…` in this process: its exit code and what it wrote to stdout and stderr. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

/** `spikegrid simulate ARGS…` in this process (as `cli`). */
export const simulate = (args: string[]) => cli("simulate", ...args);

/** Spikes per step of a recorded population (the dense [T, n] events beside --out) as index lists. */
export function raster(path: string): number[][] {
  const x = readNpyFile(path);
  const [t, n] = x.shape as [number, number];
  const v = toFloat32(x);
  return Array.from({ length: t }, (_, s) =>
    Array.from({ length: n }, (_, j) => j).filter((j) => v[s * n + j] !== 0),
  );
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
