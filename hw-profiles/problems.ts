// Turns zod issues on a profile file into readable problems: key path, line:column, what was expected
// and what was found, with "did you mean" for misspelt keys, units and enum values.

import type * as z from "zod";
import { SpikegridError } from "../common/errors.js";
import { didYouMean, dotted, type KeyPath, type PositionFinder } from "./positions.js";

export interface ProfileProblem {
  file: string;
  /** Dotted key path (`costs.synopAC.energy.status`); "" for the file as a whole. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** One line: `file:line:col path: message`. */
export function formatProblem(p: ProfileProblem): string {
  const at = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${at}${p.path ? ` ${p.path}` : ""}: ${p.message}`;
}

/** The error `loadProfile` throws: every problem as one detail. */
export function invalidProfileError(file: string, problems: ProfileProblem[]): SpikegridError {
  const n = problems.length;
  return new SpikegridError(
    "PROFILE_INVALID",
    `${file} is not a valid chip profile (${n} problem${n === 1 ? "" : "s"})`,
    {
      details: problems.map((p) => {
        const at = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
        return { where: `${at}${p.path ? ` ${p.path}` : ""}`, message: p.message };
      }),
      hint: "see hw-profiles/README.md for the format; hw-profiles/profile.schema.json gives editors completion",
    },
  );
}

/** Builds problems positioned in one file. */
export class ProblemList {
  readonly problems: ProfileProblem[] = [];
  constructor(
    readonly file: string,
    private readonly positions?: PositionFinder,
  ) {}

  add(path: KeyPath, message: string, at: "key" | "value" = "value"): void {
    const pos = this.positions?.find(path, at);
    this.problems.push({
      file: this.file,
      path: dotted(path),
      line: pos?.line,
      column: pos?.column,
      message,
    });
  }
}

// --- a minimal view of zod v4 schema internals, enough to walk to the schema at a key path ---
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  items?: Schema[];
  valueType?: Schema;
  options?: Schema[];
  discriminator?: string;
  values?: unknown[];
  entries?: Record<string, string>;
}
interface Schema {
  def: Def;
}

function unwrap(s: Schema): Schema {
  while (s.def.innerType && ["optional", "nullable", "default", "readonly"].includes(s.def.type)) {
    s = s.def.innerType;
  }
  return s;
}

/** For a discriminated union, the option matching the data's discriminator value. */
function unionOption(s: Schema, data: unknown): Schema | undefined {
  const disc = s.def.discriminator;
  if (!disc || typeof data !== "object" || data === null) return undefined;
  const value = (data as Record<string, unknown>)[disc];
  return s.def.options?.find((o) => unwrap(o).def.shape?.[disc]?.def.values?.includes(value));
}

function schemaAt(root: Schema, path: KeyPath, data: unknown): Schema | undefined {
  let s: Schema | undefined = root;
  let d = data;
  for (const seg of path) {
    if (!s) return undefined;
    s = unwrap(s);
    if (s.def.type === "union") s = unionOption(s, d);
    if (!s) return undefined;
    const def: Def = s.def;
    if (def.type === "object") s = def.shape?.[String(seg)];
    else if (def.type === "array") s = def.element;
    else if (def.type === "tuple") s = def.items?.[Number(seg)];
    else if (def.type === "record") s = def.valueType;
    else return undefined;
    d = typeof d === "object" && d !== null ? (d as Record<string | number, unknown>)[seg] : undefined;
  }
  return s && unwrap(s);
}

function keysOf(s: Schema | undefined, data: unknown): string[] {
  if (!s) return [];
  if (s.def.type === "union") s = unionOption(s, data);
  return Object.keys(s?.def.shape ?? {});
}

/** A phrase for what a schema accepts: "an energy quantity {…}", "a mapping with keys …". */
function describeExpected(s: Schema | undefined, fallback: string): string {
  if (!s) return fallback;
  const def = s.def;
  const shape = def.shape;
  if (def.type === "object" && shape?.value && shape.status) {
    if (!shape.unit) return "a count {value: integer ≥ 0, status, source, note?} (no unit)";
    const units = Object.values(shape.unit.def.entries ?? {});
    return `a quantity {value, unit, status, source, note?} with unit one of ${units.join(", ")}`;
  }
  if (def.type === "object") return `a mapping with keys ${Object.keys(shape ?? {}).join(", ")}`;
  if (def.type === "union" && def.discriminator) {
    const kinds = (def.options ?? []).flatMap(
      (o) => unwrap(o).def.shape?.[def.discriminator!]?.def.values ?? [],
    );
    return `a mapping with ${def.discriminator}: ${kinds.join(" | ")}`;
  }
  if (def.type === "tuple") return `a list of ${def.items?.length ?? 0} integers`;
  if (def.type === "enum") return `one of ${Object.values(def.entries ?? {}).join(", ")}`;
  return fallback;
}

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  record: "a mapping",
  tuple: "a list",
};

export function describeFound(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "an empty value";
  if (typeof v === "string") return `the string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? "" : "s"}`;
  return "a mapping";
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let d = data;
  for (const seg of path)
    d = typeof d === "object" && d !== null ? (d as Record<string | number, unknown>)[seg] : undefined;
  return d;
}

// "23.6 pJ" written where a quantity mapping belongs: show the fix.
const NUMBER_WITH_UNIT = /^\s*([-+]?[0-9.]+(?:e[-+]?\d+)?)\s*([A-Za-zµμ]+)\s*$/;

function typeMessage(expected: string, found: unknown, wantsQuantity: boolean): string {
  if (found === undefined) return `missing required key; expected ${expected}`;
  let msg = `expected ${expected}, found ${describeFound(found)}`;
  if (wantsQuantity && typeof found === "number") {
    msg += ` (every number needs its provenance: {value: ${found}, …, status, source})`;
  } else if (wantsQuantity && typeof found === "string") {
    const m = NUMBER_WITH_UNIT.exec(found);
    if (m) msg += ` (write it as {value: ${m[1]}, unit: ${m[2]}, status, source})`;
  }
  return msg;
}

/** Adds one problem per zod issue (one per key for unknown keys). */
export function addZodIssues(
  list: ProblemList,
  issues: z.core.$ZodIssue[],
  data: unknown,
  root: z.ZodType,
): void {
  const rootSchema = root as unknown as Schema;
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    const found = valueAt(data, path);
    switch (issue.code) {
      case "invalid_type": {
        const s = schemaAt(rootSchema, path, data);
        const exp = describeExpected(s, TYPE_WORDS[issue.expected] ?? issue.expected);
        const wantsQuantity = Boolean(s?.def.shape?.value && s.def.shape.status);
        let msg = typeMessage(exp, found, wantsQuantity);
        const m =
          path[path.length - 1] === "value" && typeof found === "string"
            ? NUMBER_WITH_UNIT.exec(found)
            : null;
        if (m) msg += ` (write value: ${m[1]} and unit: ${m[2]} as separate keys)`;
        // A missing key has no position of its own: point at the key of the mapping that lacks it.
        list.add(path, msg, found === undefined ? "key" : "value");
        break;
      }
      case "invalid_value": {
        const allowed = issue.values.map(String);
        const what = path[path.length - 1] === "unit" ? "unknown unit; expected" : "expected";
        const guess = typeof found === "string" ? didYouMean(found, allowed) : undefined;
        list.add(
          path,
          `${what} one of ${allowed.join(", ")}; found ${describeFound(found)}${guess ? ` (did you mean "${guess}"?)` : ""}`,
        );
        break;
      }
      case "unrecognized_keys": {
        const parent = valueAt(data, path);
        const known = keysOf(schemaAt(rootSchema, path, data), parent);
        for (const key of issue.keys) {
          const guess = didYouMean(key, known);
          const tail = guess
            ? ` (did you mean "${guess}"?)`
            : known.length
              ? `; known keys: ${known.join(", ")}`
              : "";
          list.add([...path, key], `unknown key "${key}"${tail}`, "key");
        }
        break;
      }
      case "invalid_union": {
        const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
        if (options.length) {
          const guess = typeof found === "string" ? didYouMean(found, options) : undefined;
          const msg =
            found === undefined
              ? `missing required key; expected one of ${options.join(", ")}`
              : `expected one of ${options.join(", ")}; found ${describeFound(found)}`;
          list.add(
            path,
            `${msg}${guess ? ` (did you mean "${guess}"?)` : ""}`,
            found === undefined ? "key" : "value",
          );
        } else {
          list.add(path, `does not match any allowed form; found ${describeFound(found)}`);
        }
        break;
      }
      case "too_small": {
        const rel = issue.inclusive ? "≥" : ">";
        if (issue.origin === "array")
          list.add(path, `expected at least ${issue.minimum} item(s), found ${describeFound(found)}`);
        else if (issue.origin === "string") list.add(path, "expected a non-empty string");
        else list.add(path, `expected a number ${rel} ${issue.minimum}, found ${describeFound(found)}`);
        break;
      }
      case "too_big":
        list.add(path, `expected at most ${issue.maximum}, found ${describeFound(found)}`);
        break;
      case "invalid_format":
        list.add(path, `expected ${issue.message}, found ${describeFound(found)}`);
        break;
      default:
        list.add(path, `${issue.message}; found ${describeFound(found)}`);
    }
  }
}
