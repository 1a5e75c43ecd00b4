// The one error type spikegrid raises for anything a user can fix (bad file, bad flag, misfit).
// The CLI prints `message` + `hint` and exits 2; any other thrown value is an internal fault (exit 1).

/** Stable error codes, grouped by the stage that raises them. */
export type ErrorCode =
  | "USAGE" // bad command line
  | "FILE_NOT_FOUND"
  | "FILE_READ"
  | "PROFILE_INVALID" // a chip profile failed its schema
  | "PROFILE_UNKNOWN"
  | "GRAPH_INVALID" // NetGraph validation / shape inference
  | "NMIR_INVALID" // verify() failed
  | "NMIR_DECODE" // a .nmir file is corrupt, truncated or of another format/version
  | "IMPORT_FAILED"
  | "UNSUPPORTED"
  | "RESOURCE_LIMIT"; // the machine ran out of what a run needs (memory: cli/launch.ts)

export interface ErrorDetail {
  /** Where: a file path, a node name, a key path such as `costs.synopAC.energy`. */
  where?: string;
  /** What was wrong at that place. */
  message: string;
}

/** Marks every SpikegridError, whichever copy of this module made it (see `Symbol.hasInstance` below). */
const BRAND = Symbol.for("spikegrid.SpikegridError");

export class SpikegridError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** Individual findings when one error reports several problems (e.g. every bad key of a profile). */
  readonly details: readonly ErrorDetail[];

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "SpikegridError";
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Multi-line text for a terminal: the cause, each detail, then the hint. */
  describe(): string {
    const lines = [this.message];
    for (const d of this.details) lines.push(`  - ${d.where ? `${d.where}: ` : ""}${d.message}`);
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join("\n");
  }
}

/**
 * `x instanceof SpikegridError` holds for an error of any copy of this class: a start-up bundle (cli/bundles.ts)
 * holds its own, and a bad file it reports must still be a user's error (exit 2), not an internal fault. A
 * subclass (which inherits this) tests its own prototype chain as usual.
 */
Object.defineProperty(SpikegridError, Symbol.hasInstance, {
  value(this: unknown, x: unknown): boolean {
    if (this !== SpikegridError) return Function.prototype[Symbol.hasInstance].call(this, x);
    return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
  },
});

export function isSpikegridError(e: unknown): e is SpikegridError {
  return e instanceof SpikegridError;
}

/** Exhaustiveness check for `kind`-tagged unions: a new kind becomes a compile error at every switch. */
export function assertNever(x: never, what = "value"): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}
