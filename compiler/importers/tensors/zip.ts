// A small read-only zip reader for torch.save archives and .npz: central directory (with zip64), stored and
// deflated entries, CRC-32 check. Written here rather than unzipping everything so sizes are validated
// against the file before any allocation and errors can name the entry.

import { Inflate, inflateSync } from "fflate";
import type { Budget } from "../budget.js";
import { ByteReader, CORRUPT, importError, plainBytes, unsupported } from "./bytes.js";

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export interface ZipArchive {
  file: string;
  bytes: Uint8Array;
  entries: Map<string, ZipEntry>;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Whether the bytes start like a zip archive (local file header or an empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
}

/** Parses the central directory. Throws IMPORT_FAILED naming the byte offset for anything malformed. */
export function readZip(input: Uint8Array, file: string): ZipArchive {
  const bytes = plainBytes(input);
  const bad = (at: number, msg: string) =>
    importError(file, `byte ${at}`, `zip archive ${msg}`, `${CORRUPT} (is the file complete?)`);
  let eocd = -1;
  for (let p = bytes.length - 22; p >= 0 && p >= bytes.length - 22 - 0xffff; p--) {
    if (u32(bytes, p) === EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw bad(bytes.length, "has no end-of-central-directory record (truncated?)");
  const r = new ByteReader(bytes, file, "zip end record", eocd + 10);
  let count = r.uintLE(2, "entry count");
  let cdSize = r.uintLE(4, "central directory size");
  let cdOffset = r.uintLE(4, "central directory offset");
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // zip64: the real numbers live in a record the locator (just before the end record) points to
    if (eocd < 20 || u32(bytes, eocd - 20) !== EOCD64_LOCATOR) throw bad(eocd, "lacks its zip64 locator");
    const at = new ByteReader(bytes, file, "zip64 locator", eocd - 12).uintLE(8, "zip64 record offset");
    const z = new ByteReader(bytes, file, "zip64 end record", at);
    if (z.uintLE(4, "signature") !== EOCD64) throw bad(at, "has a broken zip64 end record");
    z.pos = at + 32;
    count = z.uintLE(8, "entry count");
    cdSize = z.uintLE(8, "central directory size");
    cdOffset = z.uintLE(8, "central directory offset");
  }
  if (cdOffset + cdSize > bytes.length || count * 46 > cdSize) {
    throw bad(
      eocd,
      `central directory (${count} entries at ${cdOffset}, ${cdSize} bytes) lies outside the file`,
    );
  }
  const entries = new Map<string, ZipEntry>();
  const c = new ByteReader(bytes, file, "zip central directory", cdOffset);
  for (let i = 0; i < count; i++) {
    const start = c.pos;
    if (c.uintLE(4, "signature") !== CENTRAL) throw bad(start, `central directory entry ${i} is broken`);
    c.pos = start + 8;
    const flags = c.uintLE(2, "flags");
    const method = c.uintLE(2, "method");
    c.pos = start + 16;
    const crc = c.uintLE(4, "crc");
    let compressedSize = c.uintLE(4, "compressed size");
    let size = c.uintLE(4, "size");
    const nameLen = c.uintLE(2, "name length");
    const extraLen = c.uintLE(2, "extra length");
    const commentLen = c.uintLE(2, "comment length");
    c.pos = start + 42;
    let localOffset = c.uintLE(4, "local header offset");
    const name = new TextDecoder().decode(c.take(nameLen, "entry name"));
    const extra = new ByteReader(c.take(extraLen, "extra field"), file, `zip extra of ${name}`);
    while (extra.remaining >= 4) {
      const id = extra.uintLE(2, "extra id");
      const body = new ByteReader(
        extra.take(extra.uintLE(2, "extra size"), "extra"),
        file,
        `zip64 extra of ${name}`,
      );
      if (id !== 1) continue;
      if (size === 0xffffffff) size = body.uintLE(8, "size");
      if (compressedSize === 0xffffffff) compressedSize = body.uintLE(8, "compressed size");
      if (localOffset === 0xffffffff) localOffset = body.uintLE(8, "local header offset");
    }
    c.take(commentLen, "entry comment");
    entries.set(name, { name, method, flags, crc, compressedSize, size, localOffset });
  }
  return { file, bytes, entries };
}

let crcTable: Uint32Array | undefined;

export function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface EntryReadOptions {
  /** Inflated bytes are charged here before they are allocated (stored entries are views: free). */
  budget?: Budget;
  /** Inflate at most this many bytes (the CRC is then not checked when the entry is longer). */
  maxBytes?: number;
}

/**
 * The uncompressed bytes of one entry (a view into the file when stored), CRC-checked unless cut short by
 * `maxBytes`. The declared size is checked against the deflate ratio and the budget before inflating.
 */
export function zipEntryData(zip: ZipArchive, entry: ZipEntry, opts: EntryReadOptions = {}): Uint8Array {
  const { file, bytes } = zip;
  const where = `zip entry '${entry.name}'`;
  const bad = (msg: string) => importError(file, where, msg, `${CORRUPT} (is the file complete?)`);
  if (entry.flags & 1) throw unsupported(file, where, "is encrypted", "save the archive without a password");
  const h = new ByteReader(bytes, file, where, entry.localOffset);
  if (h.uintLE(4, "local header signature") !== LOCAL)
    throw bad(`has no local header at byte ${entry.localOffset}`);
  h.pos = entry.localOffset + 26;
  const skip = h.uintLE(2, "name length") + h.uintLE(2, "extra length");
  h.take(skip, "local header name and extra");
  const raw = h.take(entry.compressedSize, "entry data");
  let out: Uint8Array;
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize) throw bad("stored entry has two different sizes");
    out = raw;
  } else if (entry.method === 8) {
    // deflate expands at most ~1032x: a larger claim is corruption, and must not drive an allocation
    if (entry.size > raw.length * 1032 + 64)
      throw bad(`claims ${entry.size} bytes from ${raw.length} compressed`);
    if (opts.maxBytes !== undefined && opts.maxBytes < entry.size) {
      opts.budget?.charge(opts.maxBytes, where);
      return inflatePrefix(raw, opts.maxBytes, bad);
    }
    opts.budget?.charge(entry.size, where);
    try {
      out = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      throw bad(`does not inflate: ${(e as Error).message}`);
    }
    if (out.length !== entry.size)
      throw bad(`inflates to ${out.length} bytes, not the ${entry.size} declared`);
  } else {
    throw unsupported(
      file,
      where,
      `uses zip compression method ${entry.method}`,
      "re-save with stored or deflate",
    );
  }
  if (crc32(out) !== entry.crc) throw bad("fails its CRC-32 check (the data is corrupt)");
  return out;
}

/** The first `n` inflated bytes of a deflate stream, fed in small pieces so the output never overshoots much. */
function inflatePrefix(raw: Uint8Array, n: number, bad: (msg: string) => Error): Uint8Array {
  const out = new Uint8Array(n);
  let got = 0;
  const inflater = new Inflate((chunk) => {
    if (got < n) out.set(chunk.subarray(0, n - got), got);
    got += chunk.length;
  });
  // 1 KiB of deflate inflates to at most ~1 MiB: a bounded overshoot per step
  const STEP = 1024;
  try {
    for (let p = 0; p < raw.length && got < n; p += STEP)
      inflater.push(raw.subarray(p, p + STEP), p + STEP >= raw.length);
  } catch (e) {
    throw bad(`does not inflate: ${(e as Error).message}`);
  }
  if (got < n) throw bad(`inflates to ${got} bytes, fewer than the ${n} needed`);
  return out;
}
