// Where CLI commands write: real stdout/stderr in the binary, buffers in tests.

import type { Progress } from "../common/progress.js";
import { progressLine } from "./progress-line.js";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is an interactive terminal (colours, progress bars). */
  isTTY: boolean;
  /** A progress line for long work (stderr, terminal only, after ~2 s); absent: no progress output. */
  progress?: (label: string) => Progress;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
  isTTY: Boolean(process.stdout.isTTY),
  progress: (label) => progressLine(label, process.stderr),
};

/** An in-memory IO for tests: everything written is kept. */
export function bufferIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    isTTY: false,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
  };
}
