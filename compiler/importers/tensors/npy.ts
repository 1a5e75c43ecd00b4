// NumPy .npy (format 1.0/2.0/3.0) read and write, and .npz (a zip of .npy) read.
// Spec: numpy/lib/format.py — magic, version, header length, a Python-literal dict header, raw data.

import { Budget } from "../budget.js";
import {
  ByteReader,
  CORRUPT,
  checkedCount,
  guard,
  importError,
  plainBytes,
  readBytes,
  unsupported,
  writeBytes,
} from "./bytes.js";
import {
  checkTensor,
  type DType,
  decodeElements,
  elementCount,
  encodeLittleEndian,
  gatherStrided,
  itemSize,
  type StateDict,
  type Tensor,
  toFloat32,
} from "./tensor.js";
import { isZip, readZip, zipEntryData } from "./zip.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const MAX_HEADER = 1 << 20; // numpy itself refuses headers over 10 000 bytes by default

/** Whether bytes start with the .npy magic. */
export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((m, i) => bytes[i] === m);
}

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/** Parses the header: a Python dict literal of strings, ints, booleans, tuples and lists. */
function parseHeader(text: string, file: string): Record<string, PyValue> {
  let i = 0;
  const fail = (msg: string) =>
    importError(
      file,
      `header char ${i}`,
      `.npy header ${msg}: ${JSON.stringify(text.slice(0, 120))}`,
      CORRUPT,
    );
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 16) throw fail("nests too deeply");
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw fail("has an unterminated string");
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === "(" || c === "[" || c === "{") {
      const close = c === "(" ? ")" : c === "[" ? "]" : "}";
      i++;
      const items: PyValue[] = [];
      // no prototype: a '__proto__' key in the header must stay an ordinary key
      const dict: Record<string, PyValue> = Object.create(null);
      for (;;) {
        ws();
        if (text[i] === close) break;
        const v = value(depth + 1);
        if (c === "{") {
          ws();
          if (text[i++] !== ":" || typeof v !== "string") throw fail("has a malformed dict entry");
          dict[v] = value(depth + 1);
        } else items.push(v);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== close) throw fail(`expects '${close}'`);
      }
      i++;
      return c === "{" ? dict : items;
    }
    const m = /^(True|False|None|-?\d+)L?/.exec(text.slice(i, i + 24));
    if (!m) throw fail("has an unexpected token");
    i += m[0].length;
    return m[1] === "True" ? true : m[1] === "False" ? false : m[1] === "None" ? null : Number(m[1]);
  };
  const v = value(0);
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw fail("is not a dict");
  return v;
}

/** numpy descr → (dtype, byte order, widening of unsigned ints the Tensor type lacks). */
function parseDescr(descr: PyValue, file: string): { dtype: DType; little: boolean; from?: "u2" | "u4" } {
  const m = typeof descr === "string" ? /^([<>|=])([fiub])(\d+)$/.exec(descr) : null;
  const code = m ? `${m[2]}${m[3]}` : "";
  const table: Record<string, DType> = {
    f2: "float16",
    f4: "float32",
    f8: "float64",
    i1: "int8",
    i2: "int16",
    i4: "int32",
    i8: "int64",
    u1: "uint8",
    u2: "int32",
    u4: "int64",
    b1: "bool",
  };
  const dtype = table[code];
  if (!m || !dtype) {
    throw unsupported(
      file,
      "header 'descr'",
      `.npy dtype ${JSON.stringify(descr)} is not supported`,
      "supported: float16/32/64, int8/16/32/64, uint8/16/32, bool; convert with arr.astype('<f4') and re-save",
    );
  }
  const little = m[1] !== ">";
  return code === "u2" || code === "u4" ? { dtype, little, from: code } : { dtype, little };
}

/** Reads one .npy file from memory. `name` is used in error messages. */
export function readNpy(input: Uint8Array, name: string): Tensor {
  const bytes = plainBytes(input);
  return guard(name, "a .npy file", () => {
    if (!isNpy(bytes)) {
      throw importError(
        name,
        "byte 0",
        "is not a .npy file (no \\x93NUMPY magic)",
        "pass a file made by numpy.save",
      );
    }
    const r = new ByteReader(bytes, name, ".npy header", 6);
    const major = r.u8("version");
    r.u8("minor version");
    if (major < 1 || major > 3) {
      throw unsupported(name, "byte 6", `.npy format version ${major} is unknown`, "re-save with numpy.save");
    }
    const hlen = r.uintLE(major === 1 ? 2 : 4, "header length");
    if (hlen > MAX_HEADER) throw importError(name, "byte 8", `.npy header length ${hlen} is absurd`, CORRUPT);
    const raw = r.take(hlen, "header");
    const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(raw);
    const h = parseHeader(text, name);
    const { dtype, little, from } = parseDescr(h.descr ?? null, name);
    const shape = h.shape;
    if (!Array.isArray(shape)) throw importError(name, "header 'shape'", "has no shape tuple", CORRUPT);
    const count = checkedCount(shape, name, "header 'shape'");
    const dims = shape as number[];
    const srcSize = from === "u2" ? 2 : from === "u4" ? 4 : itemSize(dtype);
    r.need(count * srcSize, `data of ${count} elements`);
    const body = bytes.subarray(r.pos, r.pos + count * srcSize);
    const data = from
      ? widenUnsigned(body, count, srcSize, little, dtype)
      : decodeElements(dtype, body, count, little);
    if (h.fortran_order !== true) return { dtype, shape: [...dims], data };
    // Fortran order = C order of the reversed shape; reading it with reversed strides transposes it back
    const strides = dims.map((_, k) => elementCount(dims.slice(0, k)));
    return { dtype, shape: [...dims], data: gatherStrided(dtype, data, 0, dims, strides) };
  });
}

/** uint16 → int32 and uint32 → int64 (lossless; the Tensor type has no wide unsigned ints). */
function widenUnsigned(
  b: Uint8Array,
  n: number,
  size: number,
  little: boolean,
  dtype: DType,
): Tensor["data"] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dtype === "int32") return Int32Array.from({ length: n }, (_, i) => view.getUint16(i * size, little));
  return BigInt64Array.from({ length: n }, (_, i) => BigInt(view.getUint32(i * size, little)));
}

const DESCR: Record<DType, string> = {
  float32: "<f4",
  float64: "<f8",
  float16: "<f2",
  bfloat16: "<f4", // numpy has no bfloat16: written as float32, which holds every bfloat16 exactly
  int8: "|i1",
  uint8: "|u1",
  int16: "<i2",
  int32: "<i4",
  int64: "<i8",
  bool: "|b1",
};

/** Encodes a tensor as .npy (version 1.0, or 2.0 if the header needs it), little-endian, C order. */
export function writeNpy(t: Tensor): Uint8Array {
  checkTensor(t, "tensor");
  const body =
    t.dtype === "bfloat16" ? encodeLittleEndian({ ...t, dtype: "float32", data: toFloat32(t) }) : null;
  const data = body ?? encodeLittleEndian(t);
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(", ")})`;
  let header = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const v1 = header.length + 11 < 65536;
  const pre = v1 ? 10 : 12;
  // numpy pads the header with spaces and a newline so the data starts 64-byte aligned
  header += `${" ".repeat((64 - ((pre + header.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(pre + header.length + data.length);
  out.set(MAGIC);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, pre + header.length);
  return out;
}

export function readNpyFile(path: string): Tensor {
  return readNpy(readBytes(path), path);
}

export function writeNpyFile(path: string, t: Tensor): void {
  writeBytes(path, writeNpy(t));
}

/** Reads a .npz archive (numpy.savez / savez_compressed): array name (entry without `.npy`) → tensor. */
export function readNpz(bytes: Uint8Array, name: string): StateDict {
  return guard(name, "a .npz file", () => {
    if (!isZip(bytes))
      throw importError(name, "byte 0", "is not a .npz (zip) file", "pass a file made by numpy.savez");
    const zip = readZip(bytes, name);
    // every member is read, so all declared sizes count against the budget before anything is inflated
    const budget = new Budget("decodedBytes", name);
    for (const entry of zip.entries.values())
      if (entry.method !== 0) budget.charge(entry.size, `zip entry '${entry.name}'`);
    const out: StateDict = new Map();
    for (const entry of zip.entries.values()) {
      if (entry.name.endsWith("/")) continue;
      const key = entry.name.replace(/\.npy$/, "");
      out.set(key, readNpy(zipEntryData(zip, entry), `${name}[${entry.name}]`));
    }
    return out;
  });
}

export function readNpzFile(path: string): StateDict {
  return readNpz(readBytes(path), path);
}
