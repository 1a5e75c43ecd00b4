// Free-form metadata → NIR metadata datasets, mirroring how nir.write/h5py store Python values, so that what
// the reader produced (strings, numbers, nested arrays, objects) is written back to the same HDF5 types.

import type { ErrorDetail } from "../../../common/errors.js";
import type { Plan, PlanValue } from "./write-plan.js";

/** HDF5 link names cannot contain "/" and cannot be "." or empty. */
export function badName(name: string): string | undefined {
  if (name === "" || name === "." || name.includes("/"))
    return `"${name}" cannot be an HDF5 name (no "/", not "." or empty)`;
  return undefined;
}

/** plan[key] = value as an own property (a key "__proto__" must stay an entry, not become the prototype). */
export function setEntry(plan: Plan, key: string, value: PlanValue): void {
  Object.defineProperty(plan, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Shape and row-major leaves of a rectangular nested array, or undefined when ragged. */
function rectangular(v: unknown[]): { shape: number[]; leaves: unknown[] } | undefined {
  if (v.length === 0) return { shape: [0], leaves: [] };
  if (!v.every(Array.isArray)) return v.some(Array.isArray) ? undefined : { shape: [v.length], leaves: v };
  const parts = (v as unknown[][]).map(rectangular);
  const first = parts[0];
  if (!first || !parts.every((p) => p && p.shape.join() === first.shape.join())) return undefined;
  return { shape: [v.length, ...first.shape], leaves: parts.flatMap((p) => p!.leaves) };
}

function fromArray(v: unknown[]): PlanValue | undefined {
  const r = rectangular(v);
  if (!r) return undefined;
  const { shape, leaves } = r;
  if (leaves.length && leaves.every((x) => typeof x === "string"))
    return { t: "strs", values: leaves as string[], shape };
  if (!leaves.every((x) => typeof x === "number")) return undefined;
  const nums = leaves as number[];
  if (nums.length && nums.every(Number.isSafeInteger)) return { t: "int", values: nums, shape };
  return { t: "float", array: { shape, data: Float64Array.from(nums) } };
}

/**
 * One metadata value. Integers become int64 and other numbers float64 (the reader turns both back into
 * numbers); booleans become int64 0/1, since HDF5 has no boolean and h5py's enum cannot be written here.
 * Values with no HDF5 form (null, ragged or mixed arrays, objects in arrays) are stored as their JSON text.
 */
function metaValue(v: unknown): PlanValue | undefined {
  switch (typeof v) {
    case "string":
      return { t: "str", value: v };
    case "number":
      return Number.isSafeInteger(v)
        ? { t: "int", values: [v], shape: [] }
        : { t: "float", array: { shape: [], data: Float64Array.of(v) } };
    case "bigint":
      return { t: "int", values: [v], shape: [] };
    case "boolean":
      return { t: "int", values: [v ? 1 : 0], shape: [] };
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      break;
  }
  if (v instanceof Float32Array || v instanceof Float64Array)
    return { t: "float", array: { shape: [v.length], data: v } };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const values = Array.from(v as unknown as ArrayLike<number | bigint>);
    return { t: "int", values, shape: [values.length] };
  }
  if (Array.isArray(v)) {
    const p = fromArray(v);
    if (p) return p;
  }
  const json = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  return typeof json === "string" ? { t: "str", value: json } : undefined;
}

/** A metadata object as a plan group; keys that cannot be HDF5 names are reported in `problems`. */
export function metadataPlan(obj: Record<string, unknown>, where: string, problems: ErrorDetail[]): Plan {
  const out: Plan = {};
  for (const [k, v] of Object.entries(obj)) {
    const bad = badName(k);
    if (bad) {
      problems.push({ where, message: `metadata key ${bad}` });
      continue;
    }
    if (isPlainObject(v))
      setEntry(out, k, { t: "group", entries: metadataPlan(v, `${where}.${k}`, problems) });
    else {
      const p = metaValue(v);
      if (p) setEntry(out, k, p);
    }
  }
  return out;
}
