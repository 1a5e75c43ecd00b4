// .npy/.npz: write→read round trips over random dtypes, shapes and bit patterns, and clear errors for
// files numpy could write but we do not read (complex, object, structured) or that are malformed.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { packagePath } from "../../../common/package-root.js";
import { readNpy, readNpyFile, readNpz, writeNpy, writeNpyFile } from "./npy.js";
import { toFloat32 } from "./tensor.js";
import { bytesOf, fails, tensorArb } from "./test-helpers.js";

function npy(header: string, body = new Uint8Array(0), version = 1): Uint8Array {
  const h = new TextEncoder().encode(header);
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, h.length, true);
  else v.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(body, pre + h.length);
  return out;
}

describe("npy round trip", () => {
  it("write → read is identical for every dtype but bfloat16 (fast-check)", () => {
    fc.assert(
      fc.property(tensorArb, (t) => {
        const back = readNpy(writeNpy(t), "t.npy");
        if (t.dtype === "bfloat16") {
          expect(back.dtype).toBe("float32"); // numpy has no bfloat16: widened exactly
          expect(bytesOf({ ...back, data: back.data })).toEqual(bytesOf({ ...t, data: toFloat32(t) }));
        } else {
          expect(back.dtype).toBe(t.dtype);
          expect(bytesOf(back)).toEqual(bytesOf(t));
        }
        expect(back.shape).toEqual(t.shape);
      }),
      { numRuns: 300 },
    );
  });

  it("aligns the data to 64 bytes like numpy, and switches to format 2.0 for huge headers", () => {
    const small = writeNpy({ dtype: "float32", shape: [2], data: new Float32Array([1, 2]) });
    expect((small.length - 8) % 64).toBe(0); // 8 data bytes after a 64-aligned header
    const shape = new Array<number>(23000).fill(1);
    const big = writeNpy({ dtype: "int8", shape, data: new Int8Array([7]) });
    expect(big[6]).toBe(2);
    expect(readNpy(big, "big.npy").shape).toHaveLength(23000);
  });

  it("writes byte-identical files to numpy's own", () => {
    for (const f of ["f4.npy", "f2.npy", "i8.npy", "b1.npy", "scalar.npy", "empty.npy", "u1.npy"]) {
      const orig = readFileSync(packagePath("test", "fixtures", "tensors", f));
      expect(Buffer.from(writeNpy(readNpy(orig, f))).equals(orig), f).toBe(true);
    }
  });

  it("writes and reads files", () => {
    const p = join(mkdtempSync(join(tmpdir(), "npy-")), "a.npy");
    writeNpyFile(p, { dtype: "int64", shape: [2], data: new BigInt64Array([1n, -2n]) });
    expect([...readNpyFile(p).data]).toEqual([1n, -2n]);
    fails(() => readNpyFile(`${p}.missing`), "FILE_NOT_FOUND", /no such file/);
    fails(() => writeNpyFile("/nonexistent-dir/x.npy", readNpyFile(p)), "FILE_READ", /cannot write/);
  });

  it("rejects malformed tensors on write", () => {
    fails(() => writeNpy({ dtype: "float32", shape: [3], data: new Float32Array(2) }), "UNSUPPORTED", /3/);
    fails(() => writeNpy({ dtype: "int64", shape: [1], data: new Float32Array(1) }), "UNSUPPORTED", /int64/);
  });
});

describe("npy errors", () => {
  const f4 = (shape: string, extra = "") =>
    `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, ${extra}}`;
  it("names unsupported dtypes", () => {
    for (const d of ["<c8", "|O", "<U3", ">u8", "<M8[ns]"]) {
      fails(
        () => readNpy(npy(`{'descr': '${d}', 'fortran_order': False, 'shape': (1,), }`), "x.npy"),
        "UNSUPPORTED",
        /dtype/,
      );
    }
    fails(
      () => readNpy(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), "s.npy"),
      "UNSUPPORTED",
      /s\.npy.*dtype/,
    );
  });

  it("rejects bad magic, versions, headers, shapes and truncated data", () => {
    fails(() => readNpy(new Uint8Array([1, 2, 3]), "a.npy"), "IMPORT_FAILED", /a\.npy.*magic/);
    fails(() => readNpy(npy(f4("(1,)"), new Uint8Array(4), 7), "v.npy"), "UNSUPPORTED", /version 7/);
    fails(() => readNpy(npy("[1, 2]"), "h.npy"), "IMPORT_FAILED", /not a dict/);
    fails(() => readNpy(npy("{'descr': '<f4', 'shape': (1,"), "h.npy"), "IMPORT_FAILED", /header/);
    fails(() => readNpy(npy(f4("(-1, 2)")), "n.npy"), "IMPORT_FAILED", /invalid dimension/);
    fails(
      () => readNpy(npy(f4("(2, 3)"), new Uint8Array(20)), "t.npy"),
      "IMPORT_FAILED",
      /truncated.*24 bytes/,
    );
    fails(
      () => readNpy(npy(f4("(1,)"), new Uint8Array(4), 2).fill(0xff, 8, 12), "l.npy"),
      "IMPORT_FAILED",
      /absurd/,
    );
    fails(() => readNpy(npy(`${"(".repeat(40)}1`), "d.npy"), "IMPORT_FAILED", /nests too deeply/);
  });

  it("rejects .npz that are not zips and names the entry of a bad member", () => {
    fails(() => readNpz(new Uint8Array([1, 2, 3, 4]), "a.npz"), "IMPORT_FAILED", /not a \.npz/);
    const good = writeNpy({ dtype: "uint8", shape: [2], data: new Uint8Array([1, 2]) });
    const zip = zipSync({ "ok.npy": good, "bad.npy": good.subarray(0, 20) }, { level: 6 });
    fails(() => readNpz(zip, "a.npz"), "IMPORT_FAILED", /a\.npz\[bad\.npy\].*truncated/);
    expect([...readNpz(zipSync({ "ok.npy": good }), "b.npz").keys()]).toEqual(["ok"]);
  });
});
