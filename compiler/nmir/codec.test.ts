// Tests of the .nmir codec: exact round trips of random modules, and every kind of damaged or foreign file
// failing with NMIR_DECODE (never another exception) within a time bound.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import { nmirModuleArb } from "./arbitrary.js";
import { decodeNmir, encodeNmir, NMIR_HEADER_BYTES, readNmirFile, writeNmirFile } from "./codec.js";
import { exampleNmir } from "./example.js";
import { createLif } from "./neuron-factories.js";
import { NMIR_FORMAT_VERSION } from "./types.js";

/** The decode error of `bytes`; fails the test on success, on another error type, or when too slow. */
// The bound catches hangs and pathological slowness; it is generous because test machines are shared.
function decodeError(bytes: Uint8Array, name = "t.nmir", maxMs = 1000): SpikegridError {
  const t0 = performance.now();
  let err: unknown;
  try {
    decodeNmir(bytes, name);
  } catch (e) {
    err = e;
  }
  expect(performance.now() - t0).toBeLessThan(maxMs);
  if (!(err instanceof SpikegridError)) throw new Error(`expected SpikegridError, got ${String(err)}`);
  expect(err.code).toBe("NMIR_DECODE");
  expect(err.message).toContain(`"${name}"`);
  return err;
}

describe("encodeNmir/decodeNmir", () => {
  it("round-trips random valid modules exactly, typed-array types included", () => {
    fc.assert(
      fc.property(nmirModuleArb(), (m) => {
        const back = decodeNmir(encodeNmir(m));
        expect(back).toStrictEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips the example module and keeps Float32 and Float64 arrays apart", () => {
    const m = exampleNmir();
    expect(decodeNmir(encodeNmir(m))).toStrictEqual(m);
    const p = m.populations[0]!;
    p.model = createLif({
      dv: Float64Array.of(0.1, 0.2),
      vth: Float64Array.of(1.5),
      vMin: Int32Array.of(-4),
    });
    m.stage = "lowered";
    m.projections[2]!.connectivity.weights = new Float32Array(320).fill(-0.25);
    const back = decodeNmir(encodeNmir(m));
    expect(back).toStrictEqual(m);
    expect(back.projections[2]!.connectivity.weights).toBeInstanceOf(Float32Array);
  });

  it("writes the documented header", () => {
    const bytes = encodeNmir(exampleNmir());
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("NMIR");
    expect(view.getUint16(4, true)).toBe(NMIR_FORMAT_VERSION);
    expect(view.getUint32(6, true)).toBe(bytes.length - NMIR_HEADER_BYTES);
  });

  it("refuses to encode a field its wire type cannot hold", () => {
    const m = exampleNmir();
    m.projections[0]!.delay = -1;
    expect(() => encodeNmir(m)).toThrow(/cannot encode projection "conv1".delay: -1/);
    m.projections[0]!.delay = 0;
    m.formatVersion = 99;
    expect(() => encodeNmir(m)).toThrow(SpikegridError);
  });
});

describe("decodeNmir on damaged and foreign files", () => {
  const good = encodeNmir(exampleNmir());

  it("rejects a file truncated at every length", () => {
    for (let len = 0; len < good.length; len++) decodeError(good.subarray(0, len));
    expect(decodeError(good.subarray(0, 0)).message).toMatch(/is empty/);
    expect(decodeError(good.subarray(0, 10)).message).toMatch(/truncated/);
    expect(decodeError(good.subarray(0, good.length - 1)).message).toMatch(/truncated/);
  });

  it("rejects random bit flips anywhere in the file", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: good.length * 8 - 1 }), { minLength: 1, maxLength: 4 }), (bits) => {
        const bad = good.slice();
        for (const b of bits) bad[b >> 3]! ^= 1 << (b & 7);
        if (bad.every((x, i) => x === good[i])) return; // flips cancelled out
        decodeError(bad);
      }),
      { numRuns: 3000 },
    );
  });

  it("rejects appended bytes and a payload that is not NMIR despite a valid checksum", () => {
    expect(decodeError(Uint8Array.from([...good, 0])).message).toMatch(/1 unexpected byte after/);
    const junk = Uint8Array.from([0xff, 0xff, 0xff, 0x0f, 0x07]);
    const forged = new Uint8Array(NMIR_HEADER_BYTES + junk.length);
    forged.set(good.subarray(0, 6));
    const view = new DataView(forged.buffer);
    view.setUint32(6, junk.length, true);
    forged.set(junk, NMIR_HEADER_BYTES);
    view.setUint32(10, crcOf(junk), true);
    expect(decodeError(forged).message).toMatch(/undecodable payload/);
  });

  it("names other formats and future versions", () => {
    const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect(decodeError(png, "x.nmir").message).toMatch(/PNG image/);
    expect(decodeError(ascii('{"name": "net"}')).message).toMatch(/JSON/);
    expect(decodeError(ascii("\x89HDF\r\n\x1a\n")).message).toMatch(/HDF5/);
    expect(decodeError(ascii("PK\x03\x04....")).message).toMatch(/ZIP/);
    expect(decodeError(ascii("hello world\n")).message).toMatch(/text file/);
    expect(decodeError(Uint8Array.of(0x4e, 0x4d, 0x52, 0x49, 0, 1)).message).toMatch(/unknown binary data/);
    expect(decodeError(ascii("NMRI")).message).toMatch(/start with "NMIR"/);
    const future = good.slice();
    new DataView(future.buffer).setUint16(4, NMIR_FORMAT_VERSION + 1, true);
    const err = decodeError(future);
    expect(err.message).toMatch(/format version 2; this spikegrid reads up to version 1/);
    expect(err.hint).toMatch(/newer spikegrid/);
  });

  it("never throws anything but NMIR_DECODE on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withMagic) => {
        const b = withMagic ? Uint8Array.from([0x4e, 0x4d, 0x49, 0x52, ...bytes]) : bytes;
        decodeError(b);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("readNmirFile/writeNmirFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "nmir-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes and reads back a module", () => {
    const path = join(dir, "example.nmir");
    writeNmirFile(path, exampleNmir());
    expect(readNmirFile(path)).toStrictEqual(exampleNmir());
    expect(readFileSync(path).length).toBeGreaterThan(NMIR_HEADER_BYTES);
  });

  it("reports missing files, directories and corrupt files with codes", () => {
    expect(() => readNmirFile(join(dir, "missing.nmir"))).toThrow(
      expect.objectContaining({ code: "FILE_NOT_FOUND" }),
    );
    expect(() => readNmirFile(dir)).toThrow(expect.objectContaining({ code: "FILE_READ" }));
    const bad = join(dir, "bad.nmir");
    writeFileSync(bad, "not nmir");
    expect(() => readNmirFile(bad)).toThrow(expect.objectContaining({ code: "NMIR_DECODE" }));
    expect(() => writeNmirFile(join(dir, "no", "such", "dir.nmir"), exampleNmir())).toThrow(
      expect.objectContaining({ code: "FILE_READ", message: expect.stringMatching(/cannot write/) }),
    );
  });
});

function crcOf(b: Uint8Array): number {
  // Bitwise CRC-32 (IEEE), independent of node:zlib so the test checks the codec against the standard.
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
