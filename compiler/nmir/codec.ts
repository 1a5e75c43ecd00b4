// The .nmir file format: a 14-byte little-endian header (magic "NMIR", uint16 version, uint32 payload length,
// uint32 CRC-32) then one protobuf `Module` (nmir.proto). Malformed input becomes NMIR_DECODE, never a crash.

import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import protobuf from "protobufjs";
import { writeFileAtomically } from "../../common/atomic-write.js";
import { SpikegridError } from "../../common/errors.js";
import { packagePath } from "../../common/package-root.js";
import { NMIR_FORMAT_VERSION, type NmirModule } from "./types.js";
import { withTypedArrays } from "./wire-arrays.js";
import { moduleFromWire, WireError } from "./wire-decode.js";
import { moduleToWire } from "./wire-encode.js";

const MAGIC = [0x4e, 0x4d, 0x49, 0x52]; // "NMIR"
export const NMIR_HEADER_BYTES = 14;

let moduleType: protobuf.Type | undefined;

/** The `Module` message type, parsed once from the .proto shipped with the package. */
function wireType(): protobuf.Type {
  moduleType ??= withTypedArrays(
    protobuf.loadSync(packagePath("compiler", "nmir", "nmir.proto")),
    "spikegrid.nmir.v1",
  ).lookupType("spikegrid.nmir.v1.Module");
  return moduleType;
}

/** The bytes of a .nmir file. Throws NMIR_INVALID when a field cannot be represented (a negative width…). */
export function encodeNmir(m: NmirModule): Uint8Array {
  if (m.formatVersion !== NMIR_FORMAT_VERSION) {
    throw new SpikegridError(
      "NMIR_INVALID",
      `cannot encode module "${m.name}" of format version ${m.formatVersion}; this build writes version ${NMIR_FORMAT_VERSION}`,
    );
  }
  const payload = wireType().encode(moduleToWire(m)).finish();
  const out = new Uint8Array(NMIR_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, NMIR_FORMAT_VERSION, true);
  view.setUint32(6, payload.length, true);
  view.setUint32(10, crc32(payload), true);
  out.set(payload, NMIR_HEADER_BYTES);
  return out;
}

/** What a non-NMIR file probably is, from its first bytes, so the message can say "this is a PNG". */
function sniff(b: Uint8Array): string | undefined {
  const starts = (...xs: number[]) => xs.every((x, i) => b[i] === x);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "a PNG image";
  if (starts(0xff, 0xd8, 0xff)) return "a JPEG image";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "a GIF image";
  if (starts(0x89, 0x48, 0x44, 0x46)) return "an HDF5 file (a NIR graph? import it first)";
  if (starts(0x50, 0x4b, 0x03, 0x04)) return "a ZIP archive (a PyTorch .pt checkpoint?)";
  if (starts(0x1f, 0x8b)) return "a gzip-compressed file";
  if (starts(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)) return "a NumPy array file";
  const head = new TextDecoder("utf-8", { fatal: false }).decode(b.subarray(0, 64)).trimStart();
  if (head.startsWith("{") || head.startsWith("[")) return "JSON or other text";
  if (b.length >= 9 && b[8] === 0x7b) return "a safetensors file";
  if (/^[\x20-\x7e\t\r\n]+$/.test(head)) return "a text file";
  return undefined;
}

const hex = (x: number) => `0x${x.toString(16).padStart(8, "0")}`;

/**
 * The module in a .nmir file's bytes. `fileName` only labels messages. Throws SpikegridError("NMIR_DECODE")
 * for an empty, truncated, corrupt, foreign or newer-version file; the result is not verified (call verify).
 */
export function decodeNmir(bytes: Uint8Array, fileName = "<bytes>"): NmirModule {
  const fail = (what: string, hint?: string): never => {
    throw new SpikegridError("NMIR_DECODE", `"${fileName}" ${what}`, hint === undefined ? {} : { hint });
  };
  if (bytes.length === 0) fail("is empty (0 bytes); an .nmir file starts with the 4-byte magic NMIR");
  const magicLen = Math.min(4, bytes.length);
  if (!MAGIC.slice(0, magicLen).every((x, i) => bytes[i] === x)) {
    const kind = sniff(bytes);
    fail(
      `is not an NMIR file: ${kind ? `it looks like ${kind}` : "unknown binary data"} (.nmir files start with "NMIR")`,
    );
  }
  if (bytes.length < NMIR_HEADER_BYTES) {
    fail(`is truncated: ${bytes.length} bytes, shorter than the ${NMIR_HEADER_BYTES}-byte NMIR header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version > NMIR_FORMAT_VERSION) {
    fail(
      `has NMIR format version ${version}; this spikegrid reads up to version ${NMIR_FORMAT_VERSION}`,
      "the file was written by a newer spikegrid: upgrade, or re-create the file with this version",
    );
  }
  if (version < 1) fail(`declares NMIR format version ${version}, which does not exist (corrupt header)`);
  const declared = view.getUint32(6, true);
  const present = bytes.length - NMIR_HEADER_BYTES;
  if (present < declared)
    fail(`is truncated: the header declares ${declared} payload bytes, ${present} present`);
  const extra = present - declared;
  if (extra > 0)
    fail(`has ${extra} unexpected byte${extra === 1 ? "" : "s"} after its ${declared}-byte payload`);
  const payload = bytes.subarray(NMIR_HEADER_BYTES);
  const stored = view.getUint32(10, true);
  const actual = crc32(payload);
  if (stored !== actual)
    fail(`is corrupt: payload checksum ${hex(actual)} does not match the stored ${hex(stored)}`);

  let m: NmirModule;
  try {
    const type = wireType();
    const wire = type.toObject(type.decode(payload), {
      oneofs: true,
      arrays: true,
      objects: true,
      enums: String,
    });
    m = moduleFromWire(wire);
  } catch (e) {
    // Reaching here needs a valid checksum, so the writer (not the disk) produced a bad payload.
    const why = e instanceof WireError ? e.message : e instanceof Error ? e.message : String(e);
    return fail(`has an undecodable payload (${why})`);
  }
  if (m.formatVersion !== version) {
    fail(`is inconsistent: header format version ${version}, payload format version ${m.formatVersion}`);
  }
  return m;
}

function fileError(e: unknown, path: string, doing: "read" | "write"): SpikegridError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (doing === "read" && code === "ENOENT")
    return new SpikegridError("FILE_NOT_FOUND", `no such file: "${path}"`);
  const why = code === "EISDIR" ? "it is a directory" : e instanceof Error ? e.message : String(e);
  // The shared ErrorCode list has no FILE_WRITE yet; FILE_READ is the closest "file I/O failed" code.
  return new SpikegridError("FILE_READ", `cannot ${doing} "${path}": ${why}`, { cause: e });
}

/** Reads and decodes a .nmir file (FILE_NOT_FOUND, FILE_READ or NMIR_DECODE on failure). */
export function readNmirFile(path: string): NmirModule {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw fileError(e, path, "read");
  }
  return decodeNmir(bytes, path);
}

/** Encodes and writes a .nmir file, via a temporary name and a rename so a crash leaves no half file (a symlink
 * or device given as the path is written through, never replaced). */
export function writeNmirFile(path: string, m: NmirModule): void {
  const bytes = encodeNmir(m);
  try {
    writeFileAtomically(path, bytes);
  } catch (e) {
    throw fileError(e, path, "write");
  }
}
