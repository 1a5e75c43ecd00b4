// Access to one NIR node's HDF5 group: typed field reads whose errors name the file, the node path and the
// field, plus bookkeeping of which fields were used so unknown ones can be reported.

import { SpikegridError } from "../../../common/errors.js";
import type { NdArray, ResetMode } from "../../graph/index.js";
import {
  child,
  childNames,
  type DatasetSnap as Dataset,
  type GroupSnap as Group,
  isDataset,
  isGroup,
} from "./tree.js";
import { FieldError, isStringDataset, readFloatArray, readInts, readPlain, readString } from "./values.js";

export interface ReadContext {
  file: string;
  /** How neurons without `v_reset` reset (ImportOptions.resetMode). */
  resetMode: Exclude<ResetMode, "none">;
  warnings: string[];
  /** Paths of the neurons whose v_reset was absent (reported in one warning). */
  defaultedReset: string[];
}

export function importFailed(
  ctx: ReadContext,
  where: string,
  message: string,
  hint?: string,
): SpikegridError {
  return new SpikegridError("IMPORT_FAILED", `${ctx.file}: ${where}: ${message}`, {
    details: [{ where, message }],
    ...(hint ? { hint } : {}),
  });
}

/** Runs a dataset read, turning FieldError into IMPORT_FAILED at `where`/`field`. */
export function guarded<T>(ctx: ReadContext, where: string, field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FieldError) throw importFailed(ctx, where, `field "${field}" ${e.message}`, e.hint);
    throw e;
  }
}

export class Fields {
  private readonly names: Set<string>;
  private readonly used = new Set<string>(["type", "metadata"]);

  constructor(
    readonly group: Group,
    /** Dotted node path, e.g. "sub.lif". */
    readonly path: string,
    readonly type: string,
    readonly ctx: ReadContext,
  ) {
    this.names = new Set(childNames(group));
  }

  get where(): string {
    return `node "${this.path}" (${this.type})`;
  }

  fail(message: string): never {
    throw importFailed(this.ctx, this.where, message);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  private dataset(name: string): Dataset {
    this.used.add(name);
    if (!this.has(name)) this.fail(`missing field "${name}"`);
    const e = child(this.group, name);
    if (!isDataset(e)) this.fail(`field "${name}" is not a dataset`);
    return e;
  }

  private read<T>(name: string, fn: (ds: Dataset) => T): T {
    const ds = this.dataset(name);
    return guarded(this.ctx, this.where, name, () => fn(ds));
  }

  float(name: string): NdArray {
    return this.read(name, readFloatArray);
  }

  optFloat(name: string): NdArray | undefined {
    return this.has(name) ? this.float(name) : undefined;
  }

  /** A shape vector (int64[k]; a scalar counts as [n]). */
  shape(name: string): number[] {
    return this.read(name, readInts).values;
  }

  /** One integer (a scalar or a 1-element array). */
  int(name: string, dflt?: number): number {
    if (!this.has(name) && dflt !== undefined) return dflt;
    const v = this.read(name, readInts).values;
    if (v.length !== 1) this.fail(`field "${name}" holds ${v.length} values where one integer was expected`);
    return v[0]!;
  }

  /** An n-tuple of integers; a scalar (or 1-element array) is repeated n times, as NIR's __post_init__ does. */
  tuple(name: string, n: number, dflt?: number[]): number[] {
    if (!this.has(name) && dflt !== undefined) return dflt;
    const v = this.read(name, readInts).values;
    if (v.length === 1) return Array.from({ length: n }, () => v[0]!);
    if (v.length !== n) this.fail(`field "${name}" holds ${v.length} values where 1 or ${n} were expected`);
    return v;
  }

  isString(name: string): boolean {
    const e = this.has(name) ? child(this.group, name) : undefined;
    return isDataset(e) && isStringDataset(e);
  }

  str(name: string): string {
    return this.read(name, readString);
  }

  /** A sub-group field (e.g. an old Flatten `input_type/input`), marked used. */
  subgroup(name: string): Group | undefined {
    const e = this.has(name) ? child(this.group, name) : undefined;
    if (!isGroup(e)) return undefined;
    this.used.add(name);
    return e;
  }

  /** A plain value from a sub-group's dataset (used for `input_type/input`). */
  plainIn(g: Group, name: string): unknown {
    const e = child(g, name);
    if (!isDataset(e)) this.fail(`"${g.path}/${name}" is not a dataset`);
    return guarded(this.ctx, this.where, name, () => readPlain(e));
  }

  /** Fields present in the file that no reader asked for. */
  unused(): string[] {
    return [...this.names].filter((n) => !this.used.has(n));
  }
}
