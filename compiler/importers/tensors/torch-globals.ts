// The allow-list of Python globals a torch checkpoint may name, each mapped to inert TypeScript behaviour.
// Anything not listed here becomes a PyObject placeholder (see pickle.ts); nothing from the file ever runs.

import { importError } from "./bytes.js";
import { mergeStateInto, PyFunction, shortRepr } from "./pickle-types.js";
import type { DType } from "./tensor.js";

/** A `torch.FloatStorage`-like type named in a persistent id; `dtype` undefined for kinds we cannot read. */
export class TorchStorageType {
  constructor(
    readonly name: string,
    readonly dtype: DType | undefined,
  ) {}
}

/** A `torch.float32`-like dtype object (appears in tensor metadata and optimizer state). */
export class TorchDtype {
  constructor(readonly name: string) {}
}

/** A storage as named by the pickle; its bytes are looked up by `key` in the archive. */
export interface StorageRef {
  kind: "storage";
  key: string;
  dtype: DType | undefined;
  typeName: string;
  numel: number;
  location: string;
  /** Element offset into the root storage (legacy storage views only; else 0). */
  viewOffset: number;
}

/** What `_rebuild_tensor_v2` returns before the storage bytes are attached. */
export class TensorRef {
  constructor(
    /** Checked to be a StorageRef when the tensor is materialised (the pickle may pass anything). */
    readonly storage: unknown,
    readonly offset: unknown,
    readonly size: unknown,
    readonly stride: unknown,
  ) {}
}

const STORAGE_DTYPES: Record<string, DType | undefined> = {
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  UntypedStorage: "uint8",
  ComplexFloatStorage: undefined,
  ComplexDoubleStorage: undefined,
  QInt8Storage: undefined,
  QUInt8Storage: undefined,
  QInt32Storage: undefined,
  QUInt4x2Storage: undefined,
  QUInt2x4Storage: undefined,
};

const TORCH_DTYPES = new Set(
  "float32 float float64 double float16 half bfloat16 int64 long int32 int int16 short int8 uint8 bool complex64 complex128 cfloat cdouble qint8 quint8 qint32 float8_e4m3fn float8_e5m2".split(
    " ",
  ),
);

/** Parses `('storage', storage_type, key, location, numel[, view_metadata])` into a StorageRef. */
export function storageFromPid(pid: unknown, file: string, where: string): StorageRef {
  const bad = (msg: string) =>
    importError(
      file,
      where,
      `persistent id ${msg}`,
      "the checkpoint looks corrupt; re-save it with torch.save",
    );
  if (!Array.isArray(pid) || pid[0] !== "storage" || pid.length < 5)
    throw bad("is not a ('storage', …) tuple");
  const [, type, key, location, numel, view] = pid as unknown[];
  if (!(type instanceof TorchStorageType)) throw bad(`names an unknown storage type ${shortRepr(type)}`);
  if (typeof key !== "string" || !/^[\w.-]{1,64}$/.test(key))
    throw bad(`has a bad storage key ${shortRepr(key)}`);
  if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0)
    throw bad(`has a bad size ${numel}`);
  const ref: StorageRef = {
    kind: "storage",
    key,
    dtype: type.dtype,
    typeName: type.name,
    numel,
    location: typeof location === "string" ? location : shortRepr(location),
    viewOffset: 0,
  };
  if (Array.isArray(view)) {
    // legacy storage views: (view_key, offset, view_size) into the root storage `key`
    const [, offset, size] = view as unknown[];
    if (typeof offset !== "number" || typeof size !== "number" || offset < 0 || offset + size > numel) {
      throw bad(`has a storage view outside its storage`);
    }
    return { ...ref, viewOffset: offset, numel: size };
  }
  return ref;
}

/** A dict-like constructor whose BUILD state (attributes) becomes dict items: plain hparams dicts. */
function dictLike(name: string): PyFunction {
  return new PyFunction(name, () => {
    const m = new Map<unknown, unknown>();
    mergeStateInto.add(m);
    return m;
  });
}

/** numpy.dtype(...) as far as numpy.core.multiarray.scalar needs it: kind, size and byte order. */
class NumpyDtype {
  byteorder = "<";
  constructor(readonly descr: string) {}
  setState(state: unknown): void {
    if (Array.isArray(state) && typeof state[1] === "string") this.byteorder = state[1];
  }
}

/** numpy.core.multiarray.scalar(dtype, bytes) → number / bigint / boolean for plain numeric dtypes. */
function numpyScalar(args: unknown[]): unknown {
  const [dt, raw] = args;
  if (!(dt instanceof NumpyDtype) || !(raw instanceof Uint8Array)) return undefined;
  const m = /^([fiub])(\d)$/.exec(dt.descr.replace(/^[<>|=]/, ""));
  const size = Number(m?.[2]);
  if (!m || raw.length !== size) return `numpy.${dt.descr} scalar`;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = dt.byteorder !== ">";
  const kind = m[1];
  if (kind === "f") return size === 8 ? v.getFloat64(0, le) : size === 4 ? v.getFloat32(0, le) : undefined;
  if (kind === "b") return raw[0] !== 0;
  if (size === 8) return kind === "i" ? v.getBigInt64(0, le) : v.getBigUint64(0, le);
  if (size === 4) return kind === "i" ? v.getInt32(0, le) : v.getUint32(0, le);
  if (size === 2) return kind === "i" ? v.getInt16(0, le) : v.getUint16(0, le);
  return kind === "i" ? v.getInt8(0) : v.getUint8(0);
}

const rebuildTensor = (name: string) => new PyFunction(name, (a) => new TensorRef(a[0], a[1], a[2], a[3]));
/** `_rebuild_parameter*` and `_rebuild_from_type*`: a Parameter/subclass is its data tensor here. */
const firstArg = (name: string) => new PyFunction(name, (a) => a[0]);
const FIXED: Record<string, PyFunction> = {
  "collections.OrderedDict": new PyFunction("collections.OrderedDict", (a) => new Map(pairs(a[0]))),
  "builtins.dict": new PyFunction("builtins.dict", (a) => new Map(pairs(a[0]))),
  "collections.defaultdict": new PyFunction("collections.defaultdict", () => new Map()),
  "builtins.set": new PyFunction("builtins.set", (a) => new Set(Array.isArray(a[0]) ? a[0] : [])),
  "builtins.frozenset": new PyFunction("builtins.frozenset", (a) => new Set(Array.isArray(a[0]) ? a[0] : [])),
  "builtins.list": new PyFunction("builtins.list", (a) => (Array.isArray(a[0]) ? [...a[0]] : [])),
  "builtins.tuple": new PyFunction("builtins.tuple", (a) => (Array.isArray(a[0]) ? [...a[0]] : [])),
  "_codecs.encode": new PyFunction("_codecs.encode", (a) =>
    typeof a[0] === "string" ? Uint8Array.from(a[0], (c) => c.charCodeAt(0) & 0xff) : new Uint8Array(0),
  ),
  "torch._utils._rebuild_tensor_v2": rebuildTensor("torch._utils._rebuild_tensor_v2"),
  "torch._utils._rebuild_tensor": rebuildTensor("torch._utils._rebuild_tensor"),
  "torch._utils._rebuild_parameter": firstArg("torch._utils._rebuild_parameter"),
  "torch._utils._rebuild_parameter_with_state": firstArg("torch._utils._rebuild_parameter_with_state"),
  "torch._tensor._rebuild_from_type_v2": new PyFunction("torch._tensor._rebuild_from_type_v2", (a) =>
    a[0] instanceof PyFunction && Array.isArray(a[2]) ? a[0].call(a[2]) : a[2],
  ),
  "torch.Size": new PyFunction("torch.Size", (a) => (Array.isArray(a[0]) ? [...a[0]] : [])),
  "torch.device": new PyFunction("torch.device", (a) => a.filter((x) => x !== null).join(":")),
  "argparse.Namespace": dictLike("argparse.Namespace"),
  "numpy.dtype": new PyFunction(
    "numpy.dtype",
    (a) => new NumpyDtype(typeof a[0] === "string" ? a[0] : shortRepr(a[0])),
  ),
  "numpy.core.multiarray.scalar": new PyFunction("numpy.core.multiarray.scalar", numpyScalar),
  "numpy._core.multiarray.scalar": new PyFunction("numpy._core.multiarray.scalar", numpyScalar),
};

function pairs(v: unknown): [unknown, unknown][] {
  if (!Array.isArray(v)) return [];
  return v.filter((p): p is [unknown, unknown] => Array.isArray(p) && p.length === 2);
}

/** The `findClass` of the torch unpickler: allow-listed globals, or undefined (→ placeholder). */
export function torchFindClass(module: string, name: string): unknown {
  const full = `${module}.${name}`;
  const fixed = FIXED[full];
  if (fixed) return fixed;
  if ((module === "torch" || module === "torch.storage") && name in STORAGE_DTYPES) {
    return new TorchStorageType(name, STORAGE_DTYPES[name]);
  }
  if (module === "torch" && TORCH_DTYPES.has(name)) return new TorchDtype(`torch.${name}`);
  // Lightning's hparams container is a dict subclass living in several modules over its versions
  if (name === "AttributeDict" && /^(pytorch_lightning|lightning|lightning_fabric)\b/.test(module)) {
    return dictLike(full);
  }
  if (module === "__builtin__") return torchFindClass("builtins", name); // python-2 pickles
  return undefined;
}
