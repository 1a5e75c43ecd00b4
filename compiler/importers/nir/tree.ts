// A read HDF5 file as plain data: the worker (h5-worker.ts) walks the file once and sends this tree back,
// so all NIR interpretation runs on the main thread without touching the HDF5 library.

/** A dataset with its type facts and, unless it was refused or unreadable, its h5wasm value. */
export interface DatasetSnap {
  kind: "dataset";
  path: string;
  /** HDF5 type class: 0 integer, 1 float, 3 string, 8 enum, others unsupported here. */
  type: number;
  /** Bytes per element. */
  size: number;
  /** null for a null dataspace. */
  shape: number[] | null;
  /** Element count. */
  total: number;
  /** Absent when the dataset claimed more data than the limits allow, or when `error` is set. */
  value?: unknown;
  /** Why h5wasm could not decode it (e.g. "Float16 not supported"). */
  error?: string;
  /** Why it was not decoded: more elements than one tensor may hold, more bytes than the file can hold
   * (compressed), or past the file's total decode budget. */
  over?: "elements" | "ratio" | "total";
}

export interface GroupSnap {
  kind: "group";
  path: string;
  /** Children in HDF5 link order (alphabetical for files written by h5py). */
  entries: [string, H5Snap][];
}

/** Links and objects the reader does not use (broken soft links, external links, committed datatypes). */
export interface OtherSnap {
  kind: "other";
  path: string;
  what: string;
}

export type H5Snap = DatasetSnap | GroupSnap | OtherSnap;

const index = new WeakMap<GroupSnap, Map<string, H5Snap>>();

export function child(g: GroupSnap, name: string): H5Snap | undefined {
  let m = index.get(g);
  if (!m) {
    m = new Map(g.entries);
    index.set(g, m);
  }
  return m.get(name);
}

export function childNames(g: GroupSnap): string[] {
  return g.entries.map(([k]) => k);
}

/** The entry at a slash-separated path below `g`, e.g. "node/nodes/conv/padding". */
export function lookup(g: GroupSnap, path: string): H5Snap | undefined {
  let cur: H5Snap | undefined = g;
  for (const part of path.split("/").filter(Boolean))
    cur = cur?.kind === "group" ? child(cur, part) : undefined;
  return cur;
}

export function isGroup(e: H5Snap | undefined): e is GroupSnap {
  return e?.kind === "group";
}

export function isDataset(e: H5Snap | undefined): e is DatasetSnap {
  return e?.kind === "dataset";
}
