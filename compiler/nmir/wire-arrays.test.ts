// Typed-array decoding of IntArray / FloatArray / DoubleArray equals protobufjs's own decoding (the previous
// path: JS arrays, toObject, then a copy) on random modules and on hand-made wire forms: unpacked values,
// several packed runs, multi-byte varints; a truncated run is refused as NMIR_DECODE.

import fc from "fast-check";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { packagePath } from "../../common/package-root.js";
import { nmirModuleArb } from "./arbitrary.js";
import { decodeNmir, encodeNmir, NMIR_HEADER_BYTES } from "./codec.js";
import { withTypedArrays } from "./wire-arrays.js";
import { moduleFromWire } from "./wire-decode.js";

const PKG = "spikegrid.nmir.v1";
const load = () => protobuf.loadSync(packagePath("compiler", "nmir", "nmir.proto"));
const plain = load();
const typed = withTypedArrays(load(), PKG);
const OBJ = { oneofs: true, arrays: true, objects: true, enums: String } as const;

/** The module protobufjs's generated decoders give (the decoding before typed arrays). */
function previousDecode(file: Uint8Array) {
  const type = plain.lookupType(`${PKG}.Module`);
  return moduleFromWire(type.toObject(type.decode(file.subarray(NMIR_HEADER_BYTES)), OBJ));
}

describe("typed-array decoding of .nmir array messages", () => {
  it("gives the module protobufjs's own decoders give, on random modules of both stages", () => {
    fc.assert(
      fc.property(nmirModuleArb(), (m) => {
        const file = encodeNmir(m);
        expect(decodeNmir(file)).toEqual(previousDecode(file));
      }),
      { numRuns: 60 },
    );
  });

  it("reads unpacked values, several packed runs and multi-byte varints as protobufjs does", () => {
    const values = [0, -1, 1, 63, -64, 64, -65, 300, -300, 2 ** 31 - 1, -(2 ** 31), 12345678];
    for (const name of ["IntArray", "FloatArray", "DoubleArray"]) {
      const kind = name === "IntArray" ? "sint32" : name === "FloatArray" ? "float" : "double";
      const unpackedWire = kind === "sint32" ? 0 : kind === "float" ? 5 : 1;
      const w = protobuf.Writer.create();
      // a packed run, two unpacked values, another packed run, an unknown field in between
      w.uint32((1 << 3) | 2).fork();
      for (const v of values.slice(0, 5)) (w as unknown as Record<string, (x: number) => void>)[kind]!(v);
      w.ldelim();
      for (const v of values.slice(5, 7)) {
        w.uint32((1 << 3) | unpackedWire);
        (w as unknown as Record<string, (x: number) => void>)[kind]!(v);
      }
      w.uint32((7 << 3) | 0).uint32(99);
      w.uint32((1 << 3) | 2).fork();
      for (const v of values.slice(7)) (w as unknown as Record<string, (x: number) => void>)[kind]!(v);
      w.ldelim();
      const bytes = w.finish();
      const before = plain.lookupType(`${PKG}.${name}`);
      const after = typed.lookupType(`${PKG}.${name}`);
      const want = (before.toObject(before.decode(bytes), OBJ) as { values: number[] }).values;
      const got = (after.toObject(after.decode(bytes), OBJ) as { values: ArrayLike<number> }).values;
      expect(ArrayBuffer.isView(got)).toBe(true);
      expect(Array.from(got)).toEqual(want);
    }
  });

  it("refuses a packed run cut short or an unfinished varint, as protobufjs does", () => {
    const cases = [
      [0x0a, 0x04, 0x02, 0x04], // declares 4 bytes, 2 follow
      [0x0a, 0x02, 0x80, 0x80], // 2 bytes, a varint that never ends
      [0x0a, 0x03, 0x02, 0x80, 0x80],
    ].map((b) => Uint8Array.from(b));
    for (const bytes of cases) {
      for (const root of [plain, typed]) {
        expect(() => root.lookupType(`${PKG}.IntArray`).decode(bytes)).toThrow();
      }
    }
  });
});
