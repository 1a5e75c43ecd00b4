// Robustness: every truncation, random bit flips (also inside a CRC-valid data.pkl, to reach the pickle
// VM) and wrong-format bytes must end in a value or a SpikegridError, quickly — never another exception.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { packagePath } from "../../../common/package-root.js";
import { readNpy, readNpyFile, readNpz } from "./npy.js";
import { readSafetensors } from "./safetensors.js";
import { readTorchCheckpoint, readTorchFile } from "./torch-zip.js";
import { readZip, zipEntryData } from "./zip.js";

const dir = packagePath("test", "fixtures", "tensors");
const load = (f: string) => new Uint8Array(readFileSync(`${dir}/${f}`));

type Reader = (b: Uint8Array, name: string) => unknown;
const READERS: Record<string, Reader> = {
  torch: readTorchCheckpoint,
  npy: readNpy,
  npz: readNpz,
  safetensors: readSafetensors,
};
const FILES: [string, string][] = [
  ["dtypes.pt", "torch"],
  ["legacy.pt", "torch"],
  ["lightning.ckpt", "torch"],
  ["f4.npy", "npy"],
  ["fortran_i2_3d.npy", "npy"],
  ["arrays_compressed.npz", "npz"],
  ["model.safetensors", "safetensors"],
];
/** Per call: generous for slow CI, far below anything that would look like a hang. */
const MAX_MS = 1000;

/** Runs a reader; returns "ok" or "error", failing the test on any non-SpikegridError or a slow call. */
function attempt(read: Reader, bytes: Uint8Array, label: string): "ok" | "error" {
  const t0 = performance.now();
  try {
    read(bytes, label);
    return "ok";
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw new Error(`${label}: threw ${String(e)}`, { cause: e });
    expect(e.message.length, label).toBeGreaterThan(0);
    return "error";
  } finally {
    expect(performance.now() - t0, `${label} took too long`).toBeLessThan(MAX_MS);
  }
}

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A copy of `b` with a few random bits flipped, or a random byte set to 0x00/0xff (length fields). */
function mutate(b: Uint8Array, rand: () => number): Uint8Array {
  const out = b.slice();
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * out.length);
    if (rand() < 0.2) out[at] = rand() < 0.5 ? 0 : 0xff;
    else out[at]! ^= 1 << Math.floor(rand() * 8);
  }
  return out;
}

describe("fuzz", () => {
  for (const [file, kind] of FILES) {
    const read = READERS[kind]!;
    it(`${file}: the whole file reads, every truncation fails cleanly`, () => {
      const full = load(file);
      expect(attempt(read, full, file)).toBe("ok");
      for (let n = 0; n < full.length; n++) {
        expect(attempt(read, full.subarray(0, n), `${file}[:${n}]`), `${file} cut to ${n} bytes`).toBe(
          "error",
        );
      }
    });

    it(`${file}: random bit flips end in a value or a SpikegridError`, () => {
      const full = load(file);
      const rand = rng(file.length * 7919);
      for (let i = 0; i < 1500; i++) attempt(read, mutate(full, rand), `${file} flip #${i}`);
    });
  }

  it("mutated pickles inside CRC-valid archives reach the VM and fail cleanly", () => {
    for (const file of ["dtypes.pt", "lightning.ckpt", "batchnorm.pt"]) {
      const zip = readZip(load(file), file);
      const entries = Object.fromEntries(
        [...zip.entries.values()].map((e) => [e.name, zipEntryData(zip, e)]),
      );
      const pklName = Object.keys(entries).find((n) => n.endsWith("data.pkl"))!;
      const rand = rng(42);
      let errors = 0;
      for (let i = 0; i < 600; i++) {
        const bytes = zipSync({ ...entries, [pklName]: mutate(entries[pklName]!, rand) }, { level: 0 });
        if (attempt(readTorchCheckpoint, bytes, `${file} pickle flip #${i}`) === "error") errors++;
      }
      expect(errors).toBeGreaterThan(0);
    }
  });

  it("wrong-format bytes end in a SpikegridError for every reader", () => {
    const rand = rng(7);
    const random = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
    const h5 = new Uint8Array(512);
    h5.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    const inputs: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      png: Uint8Array.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
      ]),
      hdf5: h5,
      random,
      json: new TextEncoder().encode('{"a": [1, 2, 3]}'),
      zipOfText: zipSync({ "readme.txt": new TextEncoder().encode("hello") }),
      pickleList: Uint8Array.from([0x80, 2, 0x5d, 0x2e]),
      npy: load("f4.npy"),
      safetensors: load("model.safetensors"),
      torch: load("dtypes.pt"),
    };
    const own: Record<string, string> = { npy: "npy", safetensors: "safetensors", torch: "torch" };
    for (const [kind, read] of Object.entries(READERS)) {
      for (const [what, bytes] of Object.entries(inputs)) {
        if (own[what] === kind) continue;
        expect(attempt(read, bytes, `${what} as ${kind}`), `${what} read as ${kind}`).toBe("error");
      }
    }
  });

  it("file variants report missing files and directories as SpikegridErrors", () => {
    for (const f of [
      () => readTorchFile(`${dir}/nope.pt`),
      () => readNpyFile(mkdtempSync(`${tmpdir()}/d-`)),
    ]) {
      expect(f).toThrow(SpikegridError);
    }
  });
});
