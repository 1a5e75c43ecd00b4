// Hugging Face .safetensors read and write: u64 little-endian header length, a JSON header
// ({name: {dtype, shape, data_offsets}, __metadata__}), then the raw little-endian tensor bytes.

import { SpikegridError } from "../../../common/errors.js";
import {
  CORRUPT,
  checkedCount,
  guard,
  importError,
  plainBytes,
  readBytes,
  sniff,
  unsupported,
  writeBytes,
} from "./bytes.js";
import {
  checkTensor,
  type DType,
  decodeElements,
  encodeLittleEndian,
  itemSize,
  type StateDict,
  type TensorData,
} from "./tensor.js";

/** The safetensors library refuses headers over 100 MB too. */
const MAX_HEADER = 100_000_000;

const TO_DTYPE: Record<string, DType> = {
  F32: "float32",
  F64: "float64",
  F16: "float16",
  BF16: "bfloat16",
  I8: "int8",
  U8: "uint8",
  I16: "int16",
  I32: "int32",
  I64: "int64",
  BOOL: "bool",
  U16: "int32", // widened: the Tensor type has no wide unsigned ints
  U32: "int64",
};
const FROM_DTYPE: Record<DType, string> = {
  float32: "F32",
  float64: "F64",
  float16: "F16",
  bfloat16: "BF16",
  int8: "I8",
  uint8: "U8",
  int16: "I16",
  int32: "I32",
  int64: "I64",
  bool: "BOOL",
};

export interface SafetensorsFile {
  stateDict: StateDict;
  /** The `__metadata__` string map (empty if absent). */
  metadata: Record<string, string>;
}

interface Entry {
  key: string;
  dtype: DType;
  st: string;
  shape: number[];
  count: number;
  begin: number;
  end: number;
}

/** Reads a .safetensors file from memory; tensors come back in data-offset order. */
export function readSafetensors(input: Uint8Array, name: string): SafetensorsFile {
  const bytes = plainBytes(input);
  return guard(name, "a .safetensors file", () => {
    const bad = (where: string, msg: string) => importError(name, where, msg, CORRUPT);
    if (bytes.length < 8) throw bad("byte 0", `is too short for a safetensors header (${sniff(bytes)})`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Number(view.getBigUint64(0, true));
    if (n > MAX_HEADER || n > bytes.length - 8 || n < 2) {
      throw importError(
        name,
        "byte 0",
        `header length ${n} is absurd for a ${bytes.length}-byte file (${sniff(bytes)})`,
        "pass a .safetensors file; if it is one, it is truncated or corrupt",
      );
    }
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
    } catch (e) {
      throw bad("header (bytes 8…)", `header is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof header !== "object" || header === null || Array.isArray(header)) {
      throw bad("header", "header is not a JSON object");
    }
    const dataLen = bytes.length - 8 - n;
    const metadata: Record<string, string> = {};
    const entries: Entry[] = [];
    for (const [key, raw] of Object.entries(header as Record<string, unknown>)) {
      const where = `header key '${key}'`;
      if (key === "__metadata__") {
        if (typeof raw !== "object" || raw === null || Array.isArray(raw))
          throw bad(where, "is not an object");
        for (const [k, v] of Object.entries(raw)) {
          if (typeof v !== "string") throw bad(`${where}.${k}`, "metadata values must be strings");
          setOwn(metadata, k, v);
        }
        continue;
      }
      const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (typeof e !== "object" || e === null) throw bad(where, "is not a tensor entry object");
      const dtype = typeof e.dtype === "string" ? TO_DTYPE[e.dtype] : undefined;
      if (!dtype) {
        throw unsupported(
          name,
          where,
          `dtype ${JSON.stringify(e.dtype)} is not supported`,
          "supported: F32 F64 F16 BF16 I8 U8 I16 I32 I64 BOOL U16 U32; convert the tensor and re-save",
        );
      }
      if (!Array.isArray(e.shape)) throw bad(where, "has no shape list");
      const count = checkedCount(e.shape, name, where);
      const off = e.data_offsets;
      const ok =
        Array.isArray(off) && off.length === 2 && off.every((x) => Number.isSafeInteger(x) && x >= 0);
      const [begin, end] = ok ? (off as number[]) : [-1, -1];
      if (!ok || begin! > end!) throw bad(where, `data_offsets ${JSON.stringify(off)} are not [begin, end]`);
      if (end! > dataLen) {
        throw bad(
          where,
          `data_offsets [${begin}, ${end}] run past the ${dataLen} data bytes (truncated file?)`,
        );
      }
      const st = e.dtype as string;
      const size = st === "U16" ? 2 : st === "U32" ? 4 : itemSize(dtype);
      if (end! - begin! !== count * size) {
        throw bad(
          where,
          `holds ${end! - begin!} bytes but ${st}[${e.shape.join(",")}] needs ${count * size}`,
        );
      }
      entries.push({ key, dtype, st, shape: [...(e.shape as number[])], count, begin: begin!, end: end! });
    }
    entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
    for (let i = 1; i < entries.length; i++) {
      const p = entries[i - 1]!;
      const c = entries[i]!;
      if (c.begin < p.end) throw bad(`header key '${c.key}'`, `data overlaps that of '${p.key}'`);
    }
    const stateDict: StateDict = new Map();
    const body = bytes.subarray(8 + n);
    for (const e of entries) {
      const b = body.subarray(e.begin, e.end);
      stateDict.set(e.key, { dtype: e.dtype, shape: e.shape, data: decode(e, b) });
    }
    return { stateDict, metadata };
  });
}

/** `o[k] = v` that keeps a key such as "__proto__" as data instead of changing the object's prototype. */
function setOwn(o: object, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function decode(e: Entry, b: Uint8Array): TensorData {
  if (e.st !== "U16" && e.st !== "U32") return decodeElements(e.dtype, b, e.count, true);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (e.st === "U16") return Int32Array.from({ length: e.count }, (_, i) => v.getUint16(i * 2, true));
  return BigInt64Array.from({ length: e.count }, (_, i) => BigInt(v.getUint32(i * 4, true)));
}

/** Encodes a state dict (and optional string metadata) as .safetensors, tensors in map order. */
export function writeSafetensors(stateDict: StateDict, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let pos = 0;
  for (const [key, t] of stateDict) {
    checkTensor(t, `tensor '${key}'`);
    if (key === "__metadata__") {
      throw new SpikegridError("UNSUPPORTED", "cannot write a tensor named '__metadata__' to safetensors", {
        hint: "rename the tensor: safetensors reserves that key for the metadata map",
        details: [{ where: "tensor '__metadata__'", message: "reserved key" }],
      });
    }
    const raw = encodeLittleEndian(t);
    const entry = { dtype: FROM_DTYPE[t.dtype], shape: t.shape, data_offsets: [pos, pos + raw.length] };
    setOwn(header, key, entry);
    blobs.push(raw);
    pos += raw.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8); // keeps the data 8-byte aligned
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + pos);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export function readSafetensorsFile(path: string): SafetensorsFile {
  return readSafetensors(readBytes(path), path);
}

export function writeSafetensorsFile(
  path: string,
  stateDict: StateDict,
  metadata?: Record<string, string>,
): void {
  writeBytes(path, writeSafetensors(stateDict, metadata));
}
