// The pickle opcodes that push one literal (None, bools, ints, floats, strings, bytes) read from the stream.
// Lengths are checked against the bytes left before anything is allocated.

import { type ByteReader, copyBytes } from "./bytes.js";

/** Returned by `readLiteral` for opcodes that are not literals. */
export const NOT_LITERAL = Symbol("not a literal");

const utf8 = new TextDecoder();
const latin1 = new TextDecoder("latin1");

/** Python ints: a number when exact, else a bigint. */
function int(b: bigint): number | bigint {
  return b >= -(2n ** 53n) && b <= 2n ** 53n ? Number(b) : b;
}

/** Little-endian two's-complement bytes → bigint, linear via hex. */
function bigFromLE(b: Uint8Array): bigint {
  let hex = "";
  for (let i = b.length - 1; i >= 0; i--) hex += b[i]!.toString(16).padStart(2, "0");
  return BigInt.asIntN(b.length * 8, BigInt(`0x${hex}`));
}

/** Reads the literal for opcode `op`, or returns NOT_LITERAL. `fail` builds an error at the opcode. */
export function readLiteral(op: number, r: ByteReader, fail: (msg: string) => Error): unknown {
  switch (op) {
    case 0x4e: // NONE
      return null;
    case 0x88: // NEWTRUE
      return true;
    case 0x89: // NEWFALSE
      return false;
    case 0x4a: // BININT
      return Number(r.intLE(4, "int"));
    case 0x4b: // BININT1
      return r.uintLE(1, "int");
    case 0x4d: // BININT2
      return r.uintLE(2, "int");
    case 0x8a: // LONG1
    case 0x8b: {
      // LONG4
      const n = r.uintLE(op === 0x8a ? 1 : 4, "long length");
      if (n > 1024) throw fail(`has a ${n}-byte integer, which no checkpoint needs`);
      return n === 0 ? 0 : int(bigFromLE(r.take(n, "long")));
    }
    case 0x49: // INT (text; "00"/"01" are protocol-0 booleans)
    case 0x4c: {
      // LONG (text)
      const s = latin1.decode(r.line("int")).replace(/L$/, "");
      if (!/^[-+]?\d{1,400}$/.test(s))
        throw fail(`has a malformed integer ${JSON.stringify(s.slice(0, 40))}`);
      return op === 0x49 && (s === "00" || s === "01") ? s === "01" : int(BigInt(s));
    }
    case 0x47: // BINFLOAT (big-endian double)
      return new DataView(copyBytes(r.take(8, "float")).buffer).getFloat64(0, false);
    case 0x46: {
      // FLOAT (text)
      const s = latin1.decode(r.line("float")).trim();
      const v = Number(s);
      if (s === "" || (Number.isNaN(v) && !/^[-+]?nan$/i.test(s)))
        throw fail(`has a malformed float ${s.slice(0, 40)}`);
      return v;
    }
    case 0x58: // BINUNICODE
      return utf8.decode(r.take(r.uintLE(4, "length"), "string"));
    case 0x8c: // SHORT_BINUNICODE
      return utf8.decode(r.take(r.uintLE(1, "length"), "string"));
    case 0x8d: // BINUNICODE8
      return utf8.decode(r.take(r.uintLE(8, "length"), "string"));
    case 0x56: // UNICODE (raw-unicode-escape text line; read as latin1)
      return latin1.decode(r.line("string"));
    case 0x53: // STRING (quoted python-2 str)
      return latin1.decode(r.line("string")).replace(/^(['"])(.*)\1$/s, "$2");
    case 0x54: // BINSTRING (python-2 str)
      return latin1.decode(r.take(r.uintLE(4, "length"), "string"));
    case 0x55: // SHORT_BINSTRING
      return latin1.decode(r.take(r.uintLE(1, "length"), "string"));
    case 0x42: // BINBYTES
      return copyBytes(r.take(r.uintLE(4, "length"), "bytes"));
    case 0x43: // SHORT_BINBYTES
      return copyBytes(r.take(r.uintLE(1, "length"), "bytes"));
    case 0x8e: // BINBYTES8
    case 0x96: // BYTEARRAY8
      return copyBytes(r.take(r.uintLE(8, "length"), "bytes"));
    default:
      return NOT_LITERAL;
  }
}
