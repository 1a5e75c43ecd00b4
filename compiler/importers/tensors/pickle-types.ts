// Values the safe unpickler produces besides plain JS data: allow-listed functions, placeholders for
// everything else, and the side tables BUILD fills. Kept apart so readers can test for them cheaply.

/** An allow-listed callable: what REDUCE/NEWOBJ on it produce is decided here in TypeScript, not in the file. */
export class PyFunction {
  constructor(
    readonly name: string,
    readonly call: (args: unknown[]) => unknown,
  ) {}
}

/** A global that is not on the allow-list: kept as its name only. */
export class PyGlobal {
  constructor(readonly name: string) {}
}

/** An instance of a class that is not on the allow-list: its constructor args and pickled state, inert. */
export class PyObject {
  state: unknown = undefined;
  /** Items set on it when it is a dict or list subclass. */
  items: Map<unknown, unknown> | undefined;
  list: unknown[] | undefined;
  constructor(
    readonly className: string,
    readonly args: unknown[],
  ) {}
  /** The dict part, created on first SETITEM(S). */
  dictPart(): Map<unknown, unknown> {
    this.items ??= new Map();
    return this.items;
  }
  /** The list part, created on first APPEND(S). */
  listPart(): unknown[] {
    this.list ??= [];
    return this.list;
  }
}

/** Objects whose BUILD state needs special handling (e.g. numpy.dtype's byte order). */
export interface Buildable {
  setState(state: unknown): void;
}

export interface UnpickleOptions {
  /** File and part (e.g. `archive/data.pkl`) for error messages. */
  file: string;
  where: string;
  start?: number;
  /** Resolves `module.name`: a PyFunction or plain value if allowed, undefined to make it a placeholder. */
  findClass(module: string, name: string): unknown;
  /** Resolves a persistent id (torch storages). */
  persistentLoad?(pid: unknown): unknown;
}

/** Dicts whose BUILD state should be merged into their items (argparse.Namespace, AttributeDict). */
export const mergeStateInto = new WeakSet<Map<unknown, unknown>>();
/** Attributes set by BUILD on dicts that are not `mergeStateInto` (e.g. a state_dict's `_metadata`). */
export const dictAttributes = new WeakMap<Map<unknown, unknown>, unknown>();

/** A short type name for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return "tuple/list";
  if (v instanceof Map) return "dict";
  if (v instanceof PyObject) return `${v.className} object`;
  if (v instanceof PyGlobal || v instanceof PyFunction) return v.name;
  return typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v;
}

/**
 * A short Python-like rendering of a pickled value for messages and key paths, at most `max` characters.
 * Pickles can share references (`a = (a, a)` a hundred times is a few hundred bytes), so a full String()
 * or JSON.stringify would take exponential time; this stops as soon as the budget is spent.
 */
export function shortRepr(v: unknown, max = 60): string {
  let out = "";
  const put = (s: string): boolean => {
    out += s;
    return out.length <= max;
  };
  const walk = (x: unknown): boolean => {
    if (typeof x === "string") return put(`'${x.slice(0, max)}'`);
    if (typeof x === "bigint" || typeof x === "number" || typeof x === "boolean") return put(String(x));
    if (x === null || x === undefined) return put("None");
    if (Array.isArray(x) || x instanceof Set) {
      if (!put(Array.isArray(x) ? "(" : "{")) return false;
      let first = true;
      for (const y of x) {
        if ((!first && !put(", ")) || !walk(y)) return false;
        first = false;
      }
      return put(Array.isArray(x) ? ")" : "}");
    }
    return put(`<${describe(x)}>`);
  };
  return walk(v) ? out : `${out.slice(0, max)}…`;
}
