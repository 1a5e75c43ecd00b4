// Generators of hostile weight files (.pth, .npz, .safetensors), one per class of attack the readers must
// refuse quickly and within their memory budget. Used by the regression tests; a fuzz campaign can rerun them.

import { type RawZipEntry, storedEntry, zeroBombEntry, zipBytes } from "./zip-bytes.js";

const enc = new TextEncoder();
const le = (n: number, bytes: number) =>
  Array.from({ length: bytes }, (_, i) => Math.floor(n / 256 ** i) & 0xff);

/** Pickle opcodes (protocol 2, like torch.save) as byte arrays. */
export const op = {
  proto: [0x80, 2],
  stop: [0x2e],
  mark: [0x28],
  tuple: [0x74],
  tuple2: [0x86],
  emptyTuple: [0x29],
  dup: [0x32],
  pop: [0x30],
  setitems: [0x75],
  setitem: [0x73],
  reduce: [0x52],
  persid: [0x51],
  false: [0x89],
  str: (s: string) => {
    const b = enc.encode(s);
    return [0x58, ...le(b.length, 4), ...b];
  },
  int: (n: number) => (n >= 0 && n < 256 ? [0x4b, n] : [0x4a, ...le(n >>> 0, 4)]),
  global: (m: string, n: string) => [0x63, ...enc.encode(`${m}\n${n}\n`)],
  ints: (xs: number[]) => [0x28, ...xs.flatMap((x) => op.int(x)), 0x74],
  put: (i: number) => [0x71, i],
  get: (i: number) => [0x68, i],
};

/** `a = (); a = (a, a)` `depth` times: a few hundred bytes whose naive string form has 2^depth parts. */
export function sharedTupleBomb(depth: number): number[] {
  const out = [...op.emptyTuple];
  for (let i = 0; i < depth; i++) out.push(...op.dup, ...op.tuple2);
  return out;
}

export interface TensorOps {
  /** Pickle ops that push the storage key (normally a string). */
  key: number[];
  numel: number;
  storage?: string;
  offset?: number;
  /** Pickle ops that push the size and stride tuples. */
  size: number[];
  stride: number[];
}

/** `_rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())` as pickle ops. */
export function tensorOps(t: TensorOps): number[] {
  return [
    ...op.global("torch._utils", "_rebuild_tensor_v2"),
    ...[...op.mark, ...op.mark, ...op.str("storage"), ...op.global("torch", t.storage ?? "FloatStorage")],
    ...[...t.key, ...op.str("cpu"), ...op.int(t.numel), ...op.tuple, ...op.persid],
    ...[...op.int(t.offset ?? 0), ...t.size, ...t.stride, ...op.false],
    ...[
      ...op.global("collections", "OrderedDict"),
      ...op.emptyTuple,
      ...op.reduce,
      ...op.tuple,
      ...op.reduce,
    ],
  ];
}

/** A pickled OrderedDict of (key ops, value ops) pairs. */
export function dictPickle(items: [number[], number[]][], prelude: number[] = []): Uint8Array {
  return Uint8Array.from([
    ...op.proto,
    ...prelude,
    ...op.global("collections", "OrderedDict"),
    ...op.emptyTuple,
    ...op.reduce,
    ...op.mark,
    ...items.flatMap(([k, v]) => [...k, ...v]),
    ...op.setitems,
    ...op.stop,
  ]);
}

/** A torch.save zip archive: data.pkl, version, and the given storage entries (already named data/<key>). */
export function torchArchive(pkl: Uint8Array, storages: RawZipEntry[]): Uint8Array {
  return zipBytes([
    storedEntry("archive/data.pkl", pkl),
    storedEntry("archive/version", enc.encode("3\n")),
    ...storages.map((s) => ({ ...s, name: `archive/data/${s.name}` })),
  ]);
}

const f32Storage = (key: string, numel: number) => storedEntry(key, new Uint8Array(numel * 4));

/** Cause 1: the shared-tuple bomb used as a state-dict key, a tensor size, a storage key, or a plain value. */
export function pthSharedRefs(use: "dict-key" | "size" | "storage-key" | "value", depth = 100): Uint8Array {
  const bomb = sharedTupleBomb(depth);
  const plain = { key: op.str("0"), numel: 4, size: op.ints([4]), stride: op.ints([1]) };
  const t =
    use === "size"
      ? tensorOps({ ...plain, size: bomb })
      : use === "storage-key"
        ? tensorOps({ ...plain, key: bomb })
        : tensorOps(plain);
  const key = use === "dict-key" ? bomb : op.str("w");
  const items: [number[], number[]][] = [[key, t]];
  if (use === "value") items.push([op.str("hparams"), bomb]);
  return torchArchive(dictPickle(items), [f32Storage("0", 4)]);
}

/** Cause 2: `views` stride-0 views of `elements` each over one 4-element storage. */
export function pthStrideZeroViews(views: number, elements = 60_000_000): Uint8Array {
  const items: [number[], number[]][] = Array.from({ length: views }, (_, i) => [
    op.str(`v${i}`),
    tensorOps({ key: op.str("0"), numel: 4, size: op.ints([elements]), stride: op.ints([0]) }),
  ]);
  return torchArchive(dictPickle(items), [f32Storage("0", 4)]);
}

/**
 * Cause 3: float32 storages that inflate to `bytesEach` (deflate bomb) behind tensors of `shape` ([0] by
 * default); each storage declares `numel` elements (all of its bytes by default).
 */
export function pthZipBomb(
  storages: number,
  bytesEach: number,
  shape: number[] = [0],
  numel = bytesEach / 4,
): Uint8Array {
  const items: [number[], number[]][] = Array.from({ length: storages }, (_, i) => [
    op.str(`w${i}`),
    tensorOps({ key: op.str(String(i)), numel, size: op.ints(shape), stride: op.ints(shape.map(() => 1)) }),
  ]);
  const entries = Array.from({ length: storages }, (_, i) => zeroBombEntry(String(i), bytesEach));
  return torchArchive(dictPickle(items), entries);
}

/** A .npy header for a float32 array of `shape` (format 1.0, 64-byte aligned). */
export function npyHeader(shape: number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  h += " ".repeat(63 - ((10 + h.length) % 64));
  h += "\n";
  return Uint8Array.from([0x93, ...enc.encode("NUMPY"), 1, 0, ...le(h.length, 2), ...enc.encode(h)]);
}

/** Cause 3 for .npz: `arrays` members that each inflate to about `bytesEach` bytes of float32 zeros. */
export function npzZipBomb(arrays: number, bytesEach: number): Uint8Array {
  const entries = Array.from({ length: arrays }, (_, i) => {
    const elements = bytesEach / 4;
    // the header's own bytes come out of the first MiB, so the array is slightly smaller than declared
    const head = npyHeader([elements - 32]);
    return zeroBombEntry(`a${i}.npy`, bytesEach, head);
  });
  return zipBytes(entries);
}

/** Cause 17: a safetensors file with `keys` one-element float32 tensors. */
export function safetensorsManyKeys(keys: number): Uint8Array {
  const header: Record<string, unknown> = {};
  for (let i = 0; i < keys; i++)
    header[`layer.${i}.weight`] = { dtype: "F32", shape: [1], data_offsets: [4 * i, 4 * i + 4] };
  const json = enc.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + 4 * keys);
  out.set(le(json.length, 8), 0);
  out.set(json, 8);
  return out;
}

/** A .pth whose pickle names `os.system` (GLOBAL + REDUCE) next to one real tensor. */
export function pthMaliciousGlobal(command = "echo pwned"): Uint8Array {
  const t = tensorOps({ key: op.str("0"), numel: 4, size: op.ints([4]), stride: op.ints([1]) });
  const call = [...op.global("os", "system"), ...op.mark, ...op.str(command), ...op.tuple, ...op.reduce];
  return torchArchive(
    dictPickle([
      [op.str("w"), t],
      [op.str("payload"), call],
    ]),
    [f32Storage("0", 4)],
  );
}
