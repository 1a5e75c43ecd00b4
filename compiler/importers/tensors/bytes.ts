// Shared plumbing of the tensor readers: errors that name the file and the place in it, bounds-checked
// byte reads (so corrupt lengths end in an error, never a RangeError or a huge allocation), file I/O.

import { readFileSync, writeFileSync } from "node:fs";
import { SpikegridError } from "../../../common/errors.js";

/** An IMPORT_FAILED error: `file` and `where` (key, zip entry, byte offset) go into message and details. */
export function importError(file: string, where: string, message: string, hint: string): SpikegridError {
  return new SpikegridError("IMPORT_FAILED", `${file}: ${message} (at ${where})`, {
    hint,
    details: [{ where: `${file} ${where}`, message }],
  });
}

/** An UNSUPPORTED error: the file is valid but uses a feature these readers do not handle. */
export function unsupported(file: string, where: string, message: string, hint: string): SpikegridError {
  return new SpikegridError("UNSUPPORTED", `${file}: ${message} (at ${where})`, {
    hint,
    details: [{ where: `${file} ${where}`, message }],
  });
}

/** Runs a decoder and turns any stray exception (a bug or an unforeseen corruption) into a SpikegridError. */
export function guard<T>(file: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SpikegridError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new SpikegridError("IMPORT_FAILED", `${file}: cannot read ${what}: ${msg}`, {
      hint: `the file looks corrupt or truncated; re-export it, or check that it really is ${what}`,
      details: [{ where: file, message: msg }],
      cause: e,
    });
  }
}

/**
 * A plain Uint8Array view of the same memory. Node Buffers override `slice` to return a view, not a copy,
 * which would silently break every `.slice()` copy below; callers may well pass a Buffer.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype
    ? b
    : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A copy of `b` in its own, offset-0 ArrayBuffer. */
export function copyBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

/** A cursor over bytes whose every read is bounds-checked against the buffer. */
export class ByteReader {
  pos: number;
  readonly bytes: Uint8Array;
  constructor(
    bytes: Uint8Array,
    readonly file: string,
    readonly what: string,
    start = 0,
  ) {
    this.bytes = plainBytes(bytes);
    this.pos = start;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Throws unless `n` more bytes exist. */
  need(n: number, field: string): void {
    if (!(n >= 0) || n > this.remaining) {
      throw importError(
        this.file,
        `byte ${this.pos}`,
        `${this.what} is truncated: ${field} needs ${n} bytes but ${this.remaining} remain`,
        "the file was cut short (interrupted download or copy?); fetch or re-save it",
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.pos++]!;
  }

  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Little-endian unsigned integer of 1–8 bytes; rejects values past 2^53 (no file here can be that big). */
  uintLE(n: number, field: string): number {
    const b = this.take(n, field);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i]!;
    if (!Number.isSafeInteger(v)) {
      throw importError(this.file, `byte ${this.pos - n}`, `${field} is absurdly large (${v})`, CORRUPT);
    }
    return v;
  }

  /** Little-endian two's-complement integer of 1–8 bytes, as bigint. */
  intLE(n: number, field: string): bigint {
    const b = this.take(n, field);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return BigInt.asIntN(n * 8, v);
  }

  /** Bytes up to (not including) the next `\n`, consumed with it. */
  line(field: string): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) {
      throw importError(this.file, `byte ${this.pos}`, `${this.what}: ${field} has no end of line`, CORRUPT);
    }
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }
}

/** A guess at what a file is, for "this is not X" errors. */
export function sniff(b: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((x, i) => b[i] === x);
  const ascii = new TextDecoder("latin1").decode(b.subarray(0, 16));
  if (b.length === 0) return "the file is empty";
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "it is a PNG image";
  if (starts(0x89, 0x48, 0x44, 0x46)) return "it is an HDF5 file (Keras .h5?)";
  if (starts(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)) return "it is a NumPy .npy file";
  if (starts(0x50, 0x4b)) return "it is a zip archive";
  if (starts(0x80) && (b[1] ?? 9) <= 5) return "it is a Python pickle";
  if (b.length > 9 && b[8] === 0x7b && b.subarray(3, 8).every((x) => x === 0))
    return "it looks like safetensors";
  if (ascii.startsWith("{") || ascii.startsWith("[")) return "it looks like JSON text";
  if (ascii.startsWith("\x7fELF")) return "it is an executable";
  return `unrecognised leading bytes ${[...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, "0")).join(" ")}`;
}

export const CORRUPT = "the file looks corrupt; re-export it from its source";

/** `elementCount` with validation: dims must be non-negative integers and the count must stay sane. */
export function checkedCount(shape: readonly unknown[], file: string, where: string): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw importError(
        file,
        where,
        `shape [${shape.join(",")}] has an invalid dimension ${String(d)}`,
        CORRUPT,
      );
    }
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) {
      throw importError(file, where, `shape [${shape.join(",")}] has too many elements`, CORRUPT);
    }
  }
  return n;
}

/** Reads a whole file; a missing path is FILE_NOT_FOUND, anything else FILE_READ. */
export function readBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new SpikegridError("FILE_NOT_FOUND", `${path}: no such file`, {
        hint: "check the path (relative paths start at the current directory)",
        details: [{ where: path, message: "not found" }],
      });
    }
    throw new SpikegridError("FILE_READ", `${path}: cannot read: ${(e as Error).message}`, {
      hint:
        code === "EISDIR" ? "this is a directory; name the file inside it" : "check the file's permissions",
      details: [{ where: path, message: String(code ?? e) }],
      cause: e,
    });
  }
}

/** Writes a whole file, turning I/O failures into FILE_READ errors that name the path. */
export function writeBytes(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new SpikegridError("FILE_READ", `${path}: cannot write: ${(e as Error).message}`, {
      hint: "check that the folder exists and is writable",
      details: [{ where: path, message: String((e as NodeJS.ErrnoException).code ?? e) }],
      cause: e,
    });
  }
}
