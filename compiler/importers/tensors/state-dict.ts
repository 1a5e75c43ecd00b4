// Finds the parameters inside whatever a checkpoint holds (a bare state_dict, {'state_dict': …}, Lightning,
// a pickled nn.Module) and turns the rest into plain JSON-like data for reporting.

import { PyObject, shortRepr } from "./pickle-types.js";
import type { StateDict, Tensor } from "./tensor.js";

export interface FoundStateDict {
  stateDict: StateDict;
  /** Everything else: top-level non-tensor entries, non-tensor values inside the state dict, as plain data. */
  other: Record<string, unknown>;
  /** Where it was found: "" (the object itself), "state_dict", "model", "<module>" … */
  path: string;
  warnings: string[];
}

export interface FindOptions {
  /** Strip this key prefix (e.g. "model."), or `true` for a first dotted segment shared by every key. */
  stripPrefix?: string | boolean;
}

/** Keys under which training scripts and frameworks nest the model's parameters, most specific first. */
const NESTED_KEYS = [
  "state_dict",
  "model_state_dict",
  "model",
  "module",
  "net",
  "network",
  "model_state",
  "weights",
];

/** A dict key as text: strings as they are, anything else (a tuple, maybe a shared-reference bomb) bounded. */
export function keyText(k: unknown): string {
  return typeof k === "string" ? k : shortRepr(k);
}

export function isTensor(v: unknown): v is Tensor {
  return (
    typeof v === "object" &&
    v !== null &&
    "dtype" in v &&
    "shape" in v &&
    ArrayBuffer.isView((v as Tensor).data)
  );
}

/** A name→tensor map (with any non-tensor values split off), or a pickled nn.Module's parameters. */
function asStateDict(v: unknown, warnings: string[]): { sd: StateDict; extra: Map<string, unknown> } | null {
  if (v instanceof Map) {
    const sd: StateDict = new Map();
    const extra = new Map<string, unknown>();
    for (const [k, x] of v) {
      if (isTensor(x) && typeof k === "string") sd.set(k, x);
      else extra.set(keyText(k), x);
    }
    return sd.size > 0 ? { sd, extra } : null;
  }
  if (v instanceof PyObject) {
    const sd: StateDict = new Map();
    collectModule(v, "", sd, new Set());
    if (sd.size === 0) return null;
    warnings.push(`a pickled ${v.className} object: parameters collected from its _parameters/_buffers`);
    return { sd, extra: new Map() };
  }
  return null;
}

/** Walks nn.Module placeholders (`_parameters`, persistent `_buffers`, `_modules`) like Module.state_dict(). */
function collectModule(m: PyObject, prefix: string, sd: StateDict, seen: Set<PyObject>): void {
  if (seen.has(m) || !(m.state instanceof Map)) return;
  seen.add(m);
  const st = m.state;
  const skip = st.get("_non_persistent_buffers_set");
  for (const part of ["_parameters", "_buffers"]) {
    const d = st.get(part);
    if (!(d instanceof Map)) continue;
    for (const [k, t] of d) {
      const nonPersistent = part === "_buffers" && skip instanceof Set && skip.has(k);
      if (isTensor(t) && !nonPersistent) sd.set(`${prefix}${keyText(k)}`, t);
    }
  }
  const subs = st.get("_modules");
  if (subs instanceof Map) {
    for (const [k, sub] of subs)
      if (sub instanceof PyObject) collectModule(sub, `${prefix}${keyText(k)}.`, sd, seen);
  }
}

/** Locates the state_dict in a decoded checkpoint. An empty stateDict (with a warning) if there is none. */
export function findStateDict(obj: unknown, opts: FindOptions = {}): FoundStateDict {
  const warnings: string[] = [];
  let found: { sd: StateDict; extra: Map<string, unknown> } | null = null;
  let path = "";
  if (obj instanceof Map) {
    for (const key of NESTED_KEYS) {
      found = obj.has(key) ? asStateDict(obj.get(key), warnings) : null;
      if (found) {
        path = key;
        break;
      }
    }
  }
  found ??= asStateDict(obj, warnings);
  if (!found) {
    warnings.push("no state_dict found: no name→tensor map at the top level or under 'state_dict'/'model'");
    found = { sd: new Map(), extra: new Map() };
  }
  // collected in a Map first: Object.fromEntries keeps a key such as "__proto__" as plain data
  const rest = new Map<string, unknown>();
  if (obj instanceof Map) {
    for (const [k, v] of obj) {
      const isParam = path === "" && found.sd.get(keyText(k)) === v;
      if (keyText(k) !== path && !isParam) rest.set(keyText(k), toPlain(v));
    }
  } else if (!(obj instanceof PyObject) || found.sd.size === 0) {
    rest.set("", toPlain(obj));
  }
  for (const [k, v] of found.extra) if (path) rest.set(`${path}.${k}`, toPlain(v));
  const other: Record<string, unknown> = Object.fromEntries(rest);
  return { stateDict: strip(found.sd, opts.stripPrefix, warnings), other, path, warnings };
}

function strip(sd: StateDict, prefix: string | boolean | undefined, warnings: string[]): StateDict {
  if (!prefix) return sd;
  let p = typeof prefix === "string" ? prefix : "";
  if (prefix === true) {
    const first = sd.keys().next().value?.split(".")[0];
    if (first !== undefined && [...sd.keys()].every((k) => k.startsWith(`${first}.`))) p = `${first}.`;
  }
  if (!p) return sd;
  const out: StateDict = new Map();
  for (const [k, t] of sd) {
    const nk = k.startsWith(p) ? k.slice(p.length) : k;
    if (out.has(nk)) warnings.push(`stripping '${p}' makes '${k}' collide with '${nk}'; kept the first`);
    else out.set(nk, t);
  }
  return out;
}

/** Values (counted with repeats) one `toPlain` result may expand to; beyond, a note replaces it. */
const MAX_PLAIN_VALUES = 1_000_000;
const plainSize = new WeakMap<object, number>();

/**
 * Plain data for reports: dicts → objects, sets → arrays, placeholders → {__class__, args, state},
 * tensors kept. Shared parts convert once; a cycle becomes "<cycle>"; nesting is cut at depth 64.
 */
export function toPlain(
  v: unknown,
  depth = 0,
  done = new Map<object, unknown>(),
  path = new Set<object>(),
): unknown {
  if (typeof v !== "object" || v === null || isTensor(v) || v instanceof Uint8Array) return v;
  if (path.has(v)) return "<cycle>";
  if (done.has(v)) return done.get(v);
  if (depth > 64) return "<too deep>";
  path.add(v);
  const rec = (x: unknown) => toPlain(x, depth + 1, done, path);
  let out: unknown;
  if (Array.isArray(v) || v instanceof Set) out = [...v].map(rec);
  else if (v instanceof Map) out = Object.fromEntries([...v].map(([k, x]) => [keyText(k), rec(x)]));
  else if (v instanceof PyObject) {
    const o: Record<string, unknown> = { __class__: v.className };
    if (v.args.length) o.args = rec(v.args);
    if (v.state !== undefined) o.state = rec(v.state);
    if (v.items) o.items = rec(v.items);
    if (v.list) o.list = rec(v.list);
    out = o;
  } else if ("name" in v && typeof v.name === "string")
    out = v.name; // torch dtypes, storage types, globals
  else out = String(v);
  // shared references make the expanded size grow exponentially with the pickle's size (a = (a, a) …):
  // counted once per object here, and anything past the cap becomes a short note instead of the data
  if (typeof out === "object" && out !== null) {
    let size = 1;
    for (const x of Object.values(out))
      size += typeof x === "object" && x !== null ? (plainSize.get(x) ?? 1) : 1;
    if (size > MAX_PLAIN_VALUES)
      out = `<${shortRepr(v, 40)}: ${size.toExponential(1)} values when expanded, not shown>`;
    else plainSize.set(out, size);
  }
  path.delete(v);
  done.set(v, out);
  return out;
}
