// The legacy (pre-1.6, `_use_new_zipfile_serialization=False`) torch.save stream: five pickles (magic,
// protocol 1001, sys_info, the object, storage keys) followed by each storage as int64 numel + raw elements.

import type { Budget } from "../budget.js";
import { ByteReader, CORRUPT, importError, unsupported } from "./bytes.js";
import { unpickle } from "./pickle.js";
import { decodeElements, itemSize, type TensorData } from "./tensor.js";
import { type StorageRef, storageFromPid, type torchFindClass } from "./torch-globals.js";
import { resolveTensors } from "./torch-tensors.js";

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
/** Element sizes of storages we skip but must still step over in the stream. */
const SKIPPED_SIZES: Record<string, number> = {
  ComplexFloatStorage: 8,
  ComplexDoubleStorage: 16,
  QInt8Storage: 1,
  QUInt8Storage: 1,
  QInt32Storage: 4,
  QUInt4x2Storage: 1,
  QUInt2x4Storage: 1,
};

/** Whether the bytes start with a pickle (the legacy format's first record); confirmed by the magic. */
export function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes[0] === 0x80 && (bytes[1] ?? 9) <= 5;
}

export function readLegacyTorch(
  bytes: Uint8Array,
  file: string,
  warnings: string[],
  budget: Budget,
  findClass: typeof torchFindClass,
): unknown {
  const noGlobals = () => undefined;
  const magic = unpickle(bytes, { file, where: "magic number pickle", findClass: noGlobals });
  if (magic.value !== MAGIC) {
    throw importError(
      file,
      "byte 0",
      "is a Python pickle but not a torch.save checkpoint (no torch magic number)",
      "load it in Python and save the tensors with torch.save(state_dict, path) or safetensors",
    );
  }
  const proto = unpickle(bytes, { file, where: "protocol pickle", findClass: noGlobals, start: magic.end });
  if (proto.value !== PROTOCOL_VERSION) {
    throw unsupported(file, `byte ${magic.end}`, `legacy torch protocol ${String(proto.value)}`, RESAVE);
  }
  const sys = unpickle(bytes, { file, where: "sys_info pickle", findClass: noGlobals, start: proto.end });
  const little = !(sys.value instanceof Map && sys.value.get("little_endian") === false);
  const roots = new Map<string, { ref: StorageRef; numel: number }>();
  const main = unpickle(bytes, {
    file,
    where: "object pickle",
    start: sys.end,
    findClass,
    persistentLoad: (pid) => {
      // whole-module saves also pickle ('module', class, source file, source): keep the class placeholder
      if (Array.isArray(pid) && pid[0] === "module") return pid[1];
      const ref = storageFromPid(pid, file, `object pickle (byte ${sys.end}+)`);
      roots.set(ref.key, { ref, numel: (pid as number[])[4]! });
      return ref;
    },
  });
  const keys = unpickle(bytes, { file, where: "storage keys pickle", start: main.end, findClass: noGlobals });
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === "string")) {
    throw importError(file, `byte ${main.end}`, "storage key list is not a list of strings", CORRUPT);
  }
  const r = new ByteReader(bytes, file, "legacy storage data", keys.end);
  const data = new Map<string, TensorData>();
  for (const key of keys.value as string[]) {
    const root = roots.get(key);
    if (!root) throw importError(file, `byte ${r.pos}`, `storage '${key}' is listed but never used`, CORRUPT);
    const at = r.pos;
    const n = r.intLE(8, `size of storage '${key}'`);
    if (n !== BigInt(root.numel)) {
      throw importError(
        file,
        `byte ${at}`,
        `storage '${key}' holds ${n} elements, not ${root.numel}`,
        CORRUPT,
      );
    }
    const { dtype, typeName } = root.ref;
    const size = dtype ? itemSize(dtype) : SKIPPED_SIZES[typeName];
    if (size === undefined) throw unsupported(file, `byte ${at}`, `storage type ${typeName}`, RESAVE);
    const raw = r.take(root.numel * size, `data of storage '${key}'`);
    if (dtype) data.set(key, decodeElements(dtype, raw, root.numel, little));
  }
  return resolveTensors(
    main.value,
    (ref) => {
      const d = data.get(ref.key);
      if (!d) throw importError(file, "legacy storage data", `storage '${ref.key}' has no data`, CORRUPT);
      return d;
    },
    file,
    warnings,
    budget,
  );
}

const RESAVE = "re-save the checkpoint with PyTorch >= 1.6 (torch.save writes the zip format)";
