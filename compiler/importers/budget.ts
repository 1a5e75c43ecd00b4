// The resource budget for untrusted files: how many bytes one file may decode to and how many elements one
// tensor or one graph may hold. Every size read from a file is checked here BEFORE anything is allocated.

import { SpikegridError } from "../../common/errors.js";

export interface ImportLimit {
  /** What is limited, in words, for the error message. */
  what: string;
  /** The default value. */
  defaultValue: number;
  /** The environment variable that raises it. */
  env: string;
}

/**
 * The limits, with defaults that keep one import well under 2 GB of process memory: a file decodes to at
 * most 1 GiB; one tensor (a weight, a folded constant, an activation) holds at most 2^27 elements (512 MiB of
 * float32); all parameters and constants of one graph together at most 2^28 elements.
 */
export const IMPORT_LIMITS = {
  decodedBytes: {
    what: "decoded bytes per file",
    defaultValue: 2 ** 30,
    env: "SPIKEGRID_MAX_DECODED_BYTES",
  },
  tensorElements: {
    what: "elements per tensor",
    defaultValue: 2 ** 27,
    env: "SPIKEGRID_MAX_TENSOR_ELEMENTS",
  },
  graphElements: {
    what: "elements per graph (all parameters and constants)",
    defaultValue: 2 ** 28,
    env: "SPIKEGRID_MAX_GRAPH_ELEMENTS",
  },
} as const satisfies Record<string, ImportLimit>;

export type LimitName = keyof typeof IMPORT_LIMITS;

/** The limit in force: the environment variable when it is a positive integer, else the default. */
export function importLimit(name: LimitName): number {
  const l = IMPORT_LIMITS[name];
  const raw = process.env[l.env];
  if (raw === undefined || raw.trim() === "") return l.defaultValue;
  // called once per node of huge graphs: parse each distinct setting once
  const known = parsed.get(`${name}=${raw}`);
  if (known !== undefined) return known;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v <= 0) {
    throw new SpikegridError("USAGE", `${l.env}=${raw} is not a positive integer`, {
      hint: `unset it to use the default ${l.defaultValue}, or set a positive integer`,
    });
  }
  parsed.set(`${name}=${raw}`, v);
  return v;
}

const parsed = new Map<string, number>();

/** The exit-2 error for a size past a limit: names the file, the place, the limit and how to raise it. */
export function limitError(name: LimitName, file: string, where: string, amount: number): SpikegridError {
  const l = IMPORT_LIMITS[name];
  const limit = importLimit(name);
  const message = `${amount.toLocaleString("en-US")} ${l.what.split(" per ")[0]} exceed the limit of ${limit.toLocaleString("en-US")} ${l.what}`;
  return new SpikegridError("IMPORT_FAILED", `${file}: ${message} (at ${where})`, {
    hint: `a corrupt or hostile file, or a really bigger model: set ${l.env} to a larger number to allow it`,
    details: [{ where: `${file} ${where}`, message }],
  });
}

/** Throws unless `amount` fits under the limit `name`. */
export function checkLimit(name: LimitName, amount: number, file: string, where: string): void {
  if (!(amount <= importLimit(name))) throw limitError(name, file, where, amount);
}

/** Elements of a shape without overflow surprises: non-finite or negative sizes count as infinite. */
export function shapeElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!(d >= 0)) return Number.POSITIVE_INFINITY;
    n *= d;
  }
  return n;
}

/** A running total for one file (decoded bytes) or one graph (elements), charged before each allocation. */
export class Budget {
  used = 0;
  readonly limit: number;
  constructor(
    readonly name: LimitName,
    readonly file: string,
  ) {
    this.limit = importLimit(name);
  }
  /** Adds `amount`; throws the limit error, naming `where`, when the total would pass the limit. */
  charge(amount: number, where: string): void {
    if (!(this.used + amount <= this.limit))
      throw limitError(this.name, this.file, where, this.used + amount);
    this.used += amount;
  }
}
