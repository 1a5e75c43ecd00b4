// .safetensors: write→read round trips (fast-check) and a clear error for each way a header can lie
// (absurd length, bad JSON, offsets overlapping or out of range, sizes not matching, unknown dtypes).

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  readSafetensors,
  readSafetensorsFile,
  writeSafetensors,
  writeSafetensorsFile,
} from "./safetensors.js";
import type { StateDict } from "./tensor.js";
import { bytesOf, fails, tensorArb } from "./test-helpers.js";

/** A file from a header object and `dataLen` zero bytes of data. */
function st(header: unknown, dataLen: number, lengthField?: bigint): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({
  dtype: "F32",
  shape,
  data_offsets: [begin, end],
});

describe("safetensors round trip", () => {
  it("write → read is identical, metadata included (fast-check)", () => {
    const name = fc.string({ maxLength: 12 }).filter((k) => k !== "__metadata__");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(name, tensorArb), { maxLength: 5, selector: ([k]) => k }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
        (entries, metadata) => {
          const sd: StateDict = new Map(entries);
          const back = readSafetensors(writeSafetensors(sd, metadata), "t.safetensors");
          expect([...back.stateDict.keys()].sort()).toEqual([...sd.keys()].sort());
          for (const [k, t] of sd) {
            const b = back.stateDict.get(k)!;
            expect(b.dtype).toBe(t.dtype);
            expect(b.shape).toEqual(t.shape);
            expect(bytesOf(b)).toEqual(bytesOf(t));
          }
          expect(back.metadata).toEqual(metadata);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps writer order, aligns data to 8 bytes, and writes files", () => {
    const sd: StateDict = new Map([
      ["b", { dtype: "uint8", shape: [3], data: new Uint8Array([1, 2, 3]) }],
      ["a", { dtype: "float64", shape: [], data: new Float64Array([2.5]) }],
    ]);
    const bytes = writeSafetensors(sd, { format: "pt" });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    expect([...readSafetensors(bytes, "x").stateDict.keys()]).toEqual(["b", "a"]);
    const p = join(mkdtempSync(join(tmpdir(), "st-")), "m.safetensors");
    writeSafetensorsFile(p, sd);
    expect(readSafetensorsFile(p).stateDict.get("a")!.data[0]).toBe(2.5);
    fails(() => writeSafetensors(new Map([["__metadata__", sd.get("a")!]])), "UNSUPPORTED", /__metadata__/);
  });
});

describe("safetensors errors", () => {
  it("rejects absurd or impossible header lengths", () => {
    fails(() => readSafetensors(new Uint8Array(5), "a.st"), "IMPORT_FAILED", /a\.st.*too short/);
    fails(() => readSafetensors(st({}, 0, 2n ** 63n), "b.st"), "IMPORT_FAILED", /header length .* absurd/);
    fails(() => readSafetensors(st({}, 0, 1000n), "c.st"), "IMPORT_FAILED", /absurd for a 10-byte file/);
  });

  it("rejects headers that are not a JSON object", () => {
    const bad = st({}, 0);
    bad[8] = 0x5b; // "[" makes it "[}"
    fails(() => readSafetensors(bad, "j.st"), "IMPORT_FAILED", /not valid JSON/);
    fails(() => readSafetensors(st([1], 0), "k.st"), "IMPORT_FAILED", /not a JSON object/);
    fails(() => readSafetensors(st({ x: 3 }, 0), "l.st"), "IMPORT_FAILED", /not a tensor entry.*'x'/);
    fails(() => readSafetensors(st({ x: { dtype: 7 } }, 0), "l.st"), "UNSUPPORTED", /dtype 7.*'x'/);
  });

  it("validates offsets: overlap, out of range, size, shape", () => {
    fails(
      () => readSafetensors(st({ a: f32(0, 8), b: f32(4, 12) }, 12), "o.st"),
      "IMPORT_FAILED",
      /overlaps/,
    );
    fails(
      () => readSafetensors(st({ a: f32(0, 16) }, 8), "r.st"),
      "IMPORT_FAILED",
      /past the 8 data bytes.*'a'/,
    );
    fails(
      () => readSafetensors(st({ a: f32(0, 8, [3]) }, 8), "s.st"),
      "IMPORT_FAILED",
      /holds 8 bytes.*needs 12/,
    );
    fails(() => readSafetensors(st({ a: f32(8, 0, [0]) }, 8), "b.st"), "IMPORT_FAILED", /not \[begin, end\]/);
    fails(() => readSafetensors(st({ a: f32(0, 4, [-1]) }, 8), "n.st"), "IMPORT_FAILED", /invalid dimension/);
    fails(
      () => readSafetensors(st({ a: { dtype: "F32", shape: [1], data_offsets: [0] } }, 4), "d.st"),
      "IMPORT_FAILED",
      /data_offsets/,
    );
  });

  it("rejects unknown dtypes and non-string metadata, and widens U16/U32", () => {
    const e = { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] };
    fails(() => readSafetensors(st({ a: e }, 1), "f8.st"), "UNSUPPORTED", /F8_E4M3/);
    fails(
      () => readSafetensors(st({ __metadata__: { a: 1 } }, 0), "m.st"),
      "IMPORT_FAILED",
      /must be strings/,
    );
    const u = st({ a: { dtype: "U16", shape: [1], data_offsets: [0, 2] } }, 2);
    u.fill(0xff, u.length - 2);
    const t = readSafetensors(u, "u.st").stateDict.get("a")!;
    expect([t.dtype, t.data[0]]).toEqual(["int32", 65535]);
  });
});
