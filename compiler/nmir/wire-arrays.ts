// Decoding of nmir.proto's IntArray / FloatArray / DoubleArray straight into typed arrays. protobufjs's
// generated decoders push every value into a JS array that `toObject` then copies again: for an ImageNet
// Spikformer's ~10^8 weights that was most of the time and memory of reading a .nmir. Same wire semantics:
// packed or unpacked values (in any mix, appended), unknown fields skipped, the same range errors.

import protobuf from "protobufjs";

type Kind = "sint32" | "float" | "double";
type Typed = Int32Array | Float32Array | Float64Array;

const WIRE_UNPACKED: Record<Kind, number> = { sint32: 0, float: 5, double: 1 };
const BYTES: Record<Kind, number> = { sint32: 0, float: 4, double: 8 };

const outOfRange = () => new RangeError("index out of range");

/** A packed run of zig-zag varints at the reader's position (its length prefix first). */
function packedSint32(r: protobuf.Reader): Int32Array {
  const stop = r.size() + r.pos;
  if (stop > r.len) throw outOfRange();
  const buf = r.buf;
  // every varint ends with exactly one byte below 0x80: their number is the count of values
  let count = 0;
  for (let i = r.pos; i < stop; i++) if (buf[i]! < 128) count++;
  const out = new Int32Array(count);
  const len = r.len;
  r.len = stop;
  let pos = r.pos;
  let n = 0;
  while (pos < stop) {
    const b = buf[pos]!;
    if (b < 128) {
      out[n++] = (b >>> 1) ^ -(b & 1);
      pos++;
    } else {
      r.pos = pos;
      out[n++] = r.sint32(); // a multi-byte value: protobufjs's own reader and its checks
      pos = r.pos;
    }
  }
  r.pos = pos;
  r.len = len;
  return out;
}

/** A packed run of little-endian floats or doubles. */
function packedFixed(r: protobuf.Reader, kind: "float" | "double"): Float32Array | Float64Array {
  const bytes = r.size();
  const stop = r.pos + bytes;
  if (stop > r.len) throw outOfRange();
  const size = BYTES[kind];
  const count = Math.floor(bytes / size);
  if (count * size !== bytes) throw outOfRange();
  const view = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos, bytes);
  const out = kind === "float" ? new Float32Array(count) : new Float64Array(count);
  if (kind === "float") for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  else for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  r.pos = stop;
  return out;
}

function one(r: protobuf.Reader, kind: Kind): number {
  return kind === "sint32" ? r.sint32() : kind === "float" ? r.float() : r.double();
}

function concat(kind: Kind, parts: (Typed | number[])[]): Typed {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out =
    kind === "sint32" ? new Int32Array(n) : kind === "float" ? new Float32Array(n) : new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A decoder with protobufjs's signature (reader, length, end-group tag, depth) for one array message. */
function decoderOf(kind: Kind) {
  // `into`: the message an earlier occurrence of the same field decoded; protobuf merges by appending
  return (
    input: protobuf.Reader | Uint8Array,
    length?: number,
    endGroup?: number,
    depth = 0,
    into?: { values: Typed },
  ) => {
    const r = input instanceof protobuf.Reader ? input : protobuf.Reader.create(input);
    if (depth > protobuf.Reader.recursionLimit) throw new Error("max depth exceeded");
    let end = r.len;
    let outer: number | undefined;
    if (length !== undefined) {
      end = r.pos + length;
      if (end > r.len) throw outOfRange();
      outer = r.len;
      r.len = end;
    }
    const parts: (Typed | number[])[] = into?.values.length ? [into.values] : [];
    let loose: number[] | undefined;
    let group = endGroup;
    while (r.pos < end) {
      const tag = r.tag();
      if (tag === group) {
        group = undefined;
        break;
      }
      const wire = tag & 7;
      if (tag >>> 3 === 1 && wire === 2) {
        loose = undefined;
        parts.push(kind === "sint32" ? packedSint32(r) : packedFixed(r, kind));
        continue;
      }
      if (tag >>> 3 === 1 && wire === WIRE_UNPACKED[kind]) {
        if (!loose) {
          loose = [];
          parts.push(loose);
        }
        loose.push(one(r, kind));
        continue;
      }
      r.skipType(wire, depth, tag >>> 3);
    }
    if (outer !== undefined) {
      if (r.pos !== end) throw outOfRange();
      r.len = outer;
    }
    if (group !== undefined) throw new Error("missing end group");
    const only = parts.length === 1 ? parts[0] : undefined;
    return { values: only && !Array.isArray(only) ? only : concat(kind, parts) };
  };
}

const ARRAY_TYPES: [string, Kind][] = [
  ["IntArray", "sint32"],
  ["FloatArray", "float"],
  ["DoubleArray", "double"],
];

/**
 * Makes `root`'s array messages decode to `{values: Int32Array | Float32Array | Float64Array}` and pass through
 * `toObject` unchanged (the Module's generated code calls these per nested message). Returns `root`.
 */
export function withTypedArrays(root: protobuf.Root, pkg: string): protobuf.Root {
  for (const [name, kind] of ARRAY_TYPES) {
    const type = root.lookupType(`${pkg}.${name}`);
    type.setup(); // generates the codecs now, so they cannot replace these later
    const t = type as unknown as { decode: unknown; toObject: unknown };
    t.decode = decoderOf(kind);
    t.toObject = (m: { values: Typed }) => ({ values: m.values });
  }
  return root;
}
