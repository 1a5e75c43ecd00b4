// Flag checks every command shares: integer and choice flags, the step budget, input shapes, and output paths.
// All run before any file is read or written, so a bad command line costs nothing and changes nothing.

import { accessSync, constants, existsSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { SpikegridError } from "../common/errors.js";
import { MAX_KEPT_VALUES, MAX_TIMESTEPS } from "../common/limits.js";

export { MAX_KEPT_VALUES, MAX_TIMESTEPS };

/** An integer flag in lo..hi, or undefined when absent; anything else is a usage error naming the flag. */
export function intFlag(
  flag: string,
  v: unknown,
  lo: number,
  hi: number,
  why?: (v: unknown) => string,
): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    const reason = why?.(v) ?? "";
    throw new SpikegridError(
      "USAGE",
      `${flag} must be an integer in ${lo}..${hi}, got ${String(v)}${reason}`,
    );
  }
  return v;
}

/** One of `allowed`, or undefined when absent. */
export function choiceFlag<T extends string>(flag: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (allowed.includes(v as T)) return v as T;
  throw new SpikegridError("USAGE", `${flag} must be ${allowed.join(" or ")}, got "${String(v)}"`);
}

/** `--timesteps` (or its default from the input) within MAX_TIMESTEPS. */
export function timestepsFlag(v: unknown, flag = "--timesteps"): number | undefined {
  return intFlag(flag, v, 1, MAX_TIMESTEPS);
}

/**
 * Refuses a run whose kept values (samples × steps × `perStep` values recorded each step) pass MAX_KEPT_VALUES,
 * naming the flags that shrink it.
 */
export function checkStepBudget(o: { steps: number; samples: number; perStep: number; what: string }): void {
  const kept = o.steps * o.samples * Math.max(1, o.perStep);
  if (kept <= MAX_KEPT_VALUES) return;
  throw new SpikegridError(
    "USAGE",
    `${o.samples} sample(s) × ${o.steps} steps × ${o.perStep} ${o.what} per step = ${kept.toExponential(2)} values kept, above the limit of ${MAX_KEPT_VALUES} (1 GiB)`,
    { hint: "lower --timesteps, or run fewer samples per call (split the --input batch)" },
  );
}

/**
 * How a [T, ...] or [batch, T, ...] tensor feeds an input of `shape`: every axis after batch and time must
 * equal the input's, else the error gives expected vs given.
 */
export function sequenceLayout(
  path: string,
  given: readonly number[],
  input: { id: string; shape: readonly number[] },
): { batched: boolean; batch: number; steps: number } {
  const want = input.shape;
  const batched = given.length === want.length + 2;
  const tail = given.slice(batched ? 2 : 1);
  const fits = tail.length === want.length && tail.every((d, i) => d === want[i]);
  if (!fits) {
    throw new SpikegridError(
      "USAGE",
      `${path}: shape [${given.join(",")}] does not fit input "${input.id}" [${want.join(",")}]: expected [T, ${want.join(", ")}] or [batch, T, ${want.join(", ")}]`,
      { hint: "each step of each sample must hold exactly the input's shape (reshape the array)" },
    );
  }
  const layout = { batched, batch: batched ? given[0]! : 1, steps: given[batched ? 1 : 0]! };
  if (layout.batch < 1 || layout.steps < 1)
    throw new SpikegridError(
      "USAGE",
      `${path}: shape [${given.join(",")}] holds ${layout.batch < 1 ? "no samples" : "no steps"}`,
    );
  return layout;
}

/** The value of an output flag whose old spelling is a hidden alias (e.g. `--output` for `-o/--out`). */
export function outFlag(args: Record<string, unknown>, ...old: string[]): string | undefined {
  for (const k of ["out", ...old]) if (typeof args[k] === "string") return args[k] as string;
  return undefined;
}

/** The real path of a file that exists, else its absolute path with the existing part resolved. */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return resolve(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

export interface OutputPath {
  /** The flag that named it, for the message (e.g. "-o/--out", "--json"). */
  flag: string;
  path: string | undefined;
}

/**
 * Checks every output a command will write, before it does any work: each is a file (not a directory) in a
 * folder that exists and can be written, none is one of the inputs (compared by real path, so links and
 * `./` spellings count) and no two outputs are the same file. Existing output files are replaced.
 */
export function checkOutputs(outputs: readonly OutputPath[], inputs: readonly (string | undefined)[]): void {
  const ins = new Map<string, string>();
  // only files that exist can be overwritten (a profile or zoo name is not one)
  for (const i of inputs) if (i !== undefined && existsSync(i)) ins.set(canonical(i), i);
  const seen = new Map<string, string>();
  for (const { flag, path } of outputs) {
    if (path === undefined) continue;
    if (path === "") throw new SpikegridError("USAGE", `${flag}: empty path`);
    const real = canonical(path);
    const input = ins.get(real);
    if (input !== undefined)
      throw new SpikegridError("USAGE", `${flag} ${path} is the input ${input}: it would be overwritten`, {
        hint: `write to another file, e.g. ${flag.split("/").pop()} ${siblingName(path)}`,
      });
    const twice = seen.get(real);
    if (twice !== undefined)
      throw new SpikegridError("USAGE", `${flag} ${path} is the same file as ${twice}`, {
        hint: "give each output its own file",
      });
    seen.set(real, `${flag} ${path}`);
    if (existsSync(real) && statSync(real).isDirectory())
      throw new SpikegridError("USAGE", `${flag} ${path} is a directory; it needs a file name`, {
        hint: `name a file inside it, e.g. ${flag.split("/").pop()} ${join(path, "FILE")}`,
      });
    const dir = dirname(real);
    if (!existsSync(dir))
      throw new SpikegridError("USAGE", `${flag} ${path}: the folder ${dirname(path)} does not exist`, {
        hint: `create it first (mkdir -p ${dirname(path)}) or write elsewhere`,
      });
    if (!statSync(dir).isDirectory())
      throw new SpikegridError("USAGE", `${flag} ${path}: ${dirname(path)} is not a folder`);
    try {
      accessSync(existsSync(real) ? real : dir, constants.W_OK);
    } catch {
      throw new SpikegridError("USAGE", `${flag} ${path} cannot be written (permission denied)`, {
        hint: "write to a folder you own",
      });
    }
  }
}

/** An output directory (e.g. `--out-dir`): created by the command when missing, so it must not be a file. */
export function checkOutputDir(flag: string, path: string | undefined): void {
  if (path === undefined) return;
  if (existsSync(path) && !statSync(path).isDirectory())
    throw new SpikegridError("USAGE", `${flag} ${path} is a file, not a folder`, {
      hint: `give a folder (it is created when missing), e.g. ${flag} ${path}.d`,
    });
}

function siblingName(path: string): string {
  const b = basename(path);
  const dot = b.lastIndexOf(".");
  return dot > 0 ? `${b.slice(0, dot)}.out${b.slice(dot)}` : `${b}.out`;
}

/**
 * Writes an output the command produced. The checks above run before the work; a write can still fail after
 * it (disk full, quota, a read-only or vanished folder): that is the machine's state, not a fault of
 * spikegrid, so it is one line naming the file and the cause (FILE_READ: the shared "file I/O failed" code).
 */
export function writeOutputFile(flag: string, path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === "ENOSPC" ? "no space left on the device" : String(e);
    throw new SpikegridError("FILE_READ", `${flag} ${path} could not be written: ${why}`, {
      hint: "free space or write elsewhere; nothing else was changed",
      cause: e,
    });
  }
}
