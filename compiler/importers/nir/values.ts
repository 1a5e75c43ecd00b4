// Typed reads of dataset snapshots for the NIR reader: refused sizes reported, int64 → number, float32/float64
// kept as they are, plain JS values for metadata. Failures throw FieldError (a plain message).

import type { FloatData, NdArray } from "../../graph/index.js";
import { IMPORT_LIMITS, importLimit } from "../budget.js";
import type { DatasetSnap as Dataset } from "./tree.js";

/** A problem with one dataset; the reader adds the node and field names. */
export class FieldError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

type Kind = "int" | "float" | "string" | "enum" | "other";

function kindOf(ds: Dataset): Kind {
  const t = ds.type;
  return t === 0 ? "int" : t === 1 ? "float" : t === 3 ? "string" : t === 8 ? "enum" : "other";
}

/** "float32 [3,4]" for messages. */
export function describeDataset(ds: Dataset): string {
  const k = kindOf(ds);
  const name =
    k === "int" || k === "float" ? `${k}${ds.size * 8}` : k === "other" ? `HDF5 class ${ds.type}` : k;
  return `${name} [${(ds.shape ?? []).join(",")}]`;
}

function shapeOf(ds: Dataset): number[] {
  if (ds.shape === null) throw new FieldError("has no data (null dataspace)");
  return ds.shape;
}

/** The decoded value; the worker leaves it out when the dataset claimed an implausible size or failed to decode. */
function checkedValue(ds: Dataset): unknown {
  shapeOf(ds);
  if (ds.error !== undefined) throw new FieldError(`${describeDataset(ds)} cannot be decoded (${ds.error})`);
  if (ds.value === undefined) {
    const what = `${describeDataset(ds)} (${ds.total.toLocaleString("en-US")} elements)`;
    if (ds.over === "elements" || ds.over === "total") {
      const name = ds.over === "elements" ? "tensorElements" : "decodedBytes";
      const l = IMPORT_LIMITS[name];
      const amount = ds.over === "elements" ? "it" : "its bytes";
      throw new FieldError(
        `declares ${what}; ${amount} would pass the limit of ${importLimit(name).toLocaleString("en-US")} ${l.what}`,
        `a corrupt or hostile file, or a really bigger model: set ${l.env} to a larger number to allow it`,
      );
    }
    throw new FieldError(`claims ${what}, more than the file can hold`);
  }
  if (ds.value === null) throw new FieldError(`${describeDataset(ds)} has no readable value`);
  return ds.value;
}

function toNumber(x: unknown): number {
  if (typeof x === "bigint") {
    const n = Number(x);
    if (!Number.isSafeInteger(n)) throw new FieldError(`integer ${x} is out of range`);
    return n;
  }
  if (typeof x === "number") return x;
  if (typeof x === "boolean") return x ? 1 : 0;
  throw new FieldError(`holds ${typeof x} where a number was expected`);
}

/** All elements as numbers (flat, row-major) for int, float and enum datasets. */
function numbers(ds: Dataset): number[] {
  const k = kindOf(ds);
  if (k !== "int" && k !== "float" && k !== "enum")
    throw new FieldError(`is ${describeDataset(ds)}, not numeric`);
  if (k === "float" && ds.size !== 4 && ds.size !== 8) {
    throw new FieldError(`is ${describeDataset(ds)}; only float32 and float64 are supported`);
  }
  const v = checkedValue(ds);
  if (isArrayLike(v)) return Array.from(v as ArrayLike<unknown>, toNumber);
  return [toNumber(v)];
}

function isArrayLike(v: unknown): boolean {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}

/** A float parameter array; float32 stays Float32Array, float64 stays Float64Array, integers become float64. */
export function readFloatArray(ds: Dataset): NdArray {
  const shape = shapeOf(ds);
  if (kindOf(ds) === "float") {
    if (ds.size !== 4 && ds.size !== 8) {
      throw new FieldError(`is ${describeDataset(ds)}; only float32 and float64 are supported`);
    }
    const v = checkedValue(ds);
    const Ctor = ds.size === 4 ? Float32Array : Float64Array;
    let data: FloatData;
    if (v instanceof Ctor) data = v;
    else if (typeof v === "number") data = Ctor.of(v);
    else throw new FieldError(`${describeDataset(ds)} decoded to an unexpected value`);
    return { shape: [...shape], data };
  }
  return { shape: [...shape], data: Float64Array.from(numbers(ds)) };
}

/** Integers (flat) with the dataset's shape; floats are accepted when they hold whole numbers. */
export function readInts(ds: Dataset): { values: number[]; shape: number[] } {
  const values = numbers(ds);
  const bad = values.find((x) => !Number.isSafeInteger(x));
  if (bad !== undefined) throw new FieldError(`holds ${bad}, not an integer`);
  return { values, shape: [...shapeOf(ds)] };
}

export function isStringDataset(ds: Dataset): boolean {
  return kindOf(ds) === "string";
}

/** Strings (flat, row-major) with the dataset's shape. */
export function readStrings(ds: Dataset): { values: string[]; shape: number[] } {
  if (kindOf(ds) !== "string") throw new FieldError(`is ${describeDataset(ds)}, not a string`);
  const v = checkedValue(ds);
  const values = Array.isArray(v) ? v : [v];
  if (!values.every((s): s is string => typeof s === "string"))
    throw new FieldError("holds non-string values");
  return { values, shape: [...shapeOf(ds)] };
}

/** One scalar string (a 1-element array is accepted too). */
export function readString(ds: Dataset): string {
  const { values } = readStrings(ds);
  if (values.length !== 1) throw new FieldError(`holds ${values.length} strings where one was expected`);
  return values[0]!;
}

function nest(flat: unknown[], shape: number[]): unknown[] {
  if (shape.length <= 1) return flat;
  const [d0, ...rest] = shape as [number, ...number[]];
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: d0 }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}

/** A metadata dataset as a plain JS value: string | number, or nested arrays of them following the shape. */
export function readPlain(ds: Dataset): unknown {
  const k = kindOf(ds);
  if (k === "string") {
    const { values, shape } = readStrings(ds);
    return shape.length === 0 ? values[0] : nest(values, shape);
  }
  if (k === "int" || k === "float" || k === "enum") {
    // Large int64 values lose precision as JS numbers; metadata is descriptive, so that is acceptable here.
    const values = k === "int" ? bigNumbers(ds) : numbers(ds);
    const shape = shapeOf(ds);
    return shape.length === 0 ? values[0] : nest(values, shape);
  }
  throw new FieldError(`has an unsupported type (${describeDataset(ds)})`);
}

function bigNumbers(ds: Dataset): number[] {
  const v = checkedValue(ds);
  const all = isArrayLike(v) ? Array.from(v as ArrayLike<unknown>) : [v];
  return all.map((x) => (typeof x === "bigint" ? Number(x) : toNumber(x)));
}
