// Hostile input: truncated, bit-flipped, empty, non-HDF5 and non-NIR files must end in a SpikegridError
// naming the file (or, for a flip that leaves a readable file, in a valid graph) quickly, never in a crash.

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { validateGraph } from "../../graph/index.js";
import { importNir } from "./index.js";
import { fixture, i64, nirBytes, str } from "./testing.js";
import { planToBytes } from "./write.js";

/** Per file, generous for a slow CI machine; a healthy rejection takes milliseconds. */
const BOUND_MS = 5000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Outcome = "ok" | "IMPORT_FAILED" | "GRAPH_INVALID" | "other SpikegridError";

/** Imports and classifies; anything but a SpikegridError (or a valid graph) fails the test. */
async function attempt(bytes: Uint8Array, name: string): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const r = await importNir(bytes, name);
    validateGraph(r.graph);
    return "ok";
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw new Error(`${name}: not a SpikegridError: ${String(e)}`);
    expect(e.message.startsWith(name), e.message).toBe(true);
    return e.code === "IMPORT_FAILED" || e.code === "GRAPH_INVALID" ? e.code : "other SpikegridError";
  } finally {
    expect(performance.now() - t0, `${name} took too long`).toBeLessThan(BOUND_MS);
  }
}

function tally(outcomes: Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o] = (t[o] ?? 0) + 1;
  return t;
}

const FILES = [
  "synthetic/all_primitives_nocomp.nir",
  "synthetic/all_primitives_gzip.nir",
  "02_cnn/cnn_sinabs.nir",
];

describe("truncated files", () => {
  for (const file of FILES) {
    it(`${file}: every truncation is IMPORT_FAILED naming the file`, async () => {
      const bytes = fixture(file);
      const lengths = new Set([0, 1, 7, 8, 9, 64, 96, 511, 512, 2048, bytes.length - 1]);
      for (let i = 1; i <= 30; i++) lengths.add(Math.floor((bytes.length * i) / 31));
      for (const n of lengths) {
        const name = `${file}[0:${n}]`;
        expect(await attempt(bytes.slice(0, n), name), name).toBe("IMPORT_FAILED");
      }
    });
  }
});

describe("bit flips", () => {
  for (const [k, file] of FILES.slice(0, 2).entries()) {
    it(`${file}: 40 random flips each give a valid graph or a SpikegridError`, async () => {
      const bytes = fixture(file);
      const rand = rng(1234 + k);
      const outcomes: Outcome[] = [];
      for (let trial = 0; trial < 40; trial++) {
        const b = bytes.slice();
        const flips: number[] = [];
        for (let j = 0; j < 1 + Math.floor(rand() * 3); j++) {
          const pos = Math.floor(rand() * b.length);
          b[pos]! ^= 1 << Math.floor(rand() * 8);
          flips.push(pos);
        }
        outcomes.push(await attempt(b, `${file}+flips@${flips.join(",")}`));
      }
      console.log(`${file} bit-flip outcomes:`, tally(outcomes));
      expect(outcomes).not.toContain("other SpikegridError");
    });
  }

  it("a flip that makes HDF5 loop forever (found by fuzzing) is cut off by the time limit", async () => {
    const b = fixture("synthetic/all_primitives_gzip.nir").slice();
    b[3569]! ^= 1 << 3; // corrupts the global heap behind the vlen-string `edges`
    const t0 = performance.now();
    const e = await importNir(b, "loop.nir", { timeoutMs: 1500 }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: "IMPORT_FAILED",
      message: expect.stringMatching(/^loop\.nir: .*did not finish reading it within 1\.5 s/),
    });
    expect(performance.now() - t0).toBeLessThan(BOUND_MS);
  });

  it("after all the damage, a good file still imports (the worker was replaced)", async () => {
    const r = await importNir(fixture("synthetic/all_primitives_nocomp.nir"), "good.nir");
    expect(r.graph.nodes.size).toBe(18);
  });
});

describe("not NIR at all", () => {
  it("an empty file", async () => {
    await expect(importNir(new Uint8Array(0), "empty.nir")).rejects.toMatchObject({
      code: "IMPORT_FAILED",
      message: "empty.nir: not a readable NIR file (the file is empty)",
    });
  });

  it("random bytes, text, and an HDF5 signature followed by garbage", async () => {
    const rand = rng(7);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
    await expect(importNir(noise, "noise.nir")).rejects.toMatchObject({
      code: "IMPORT_FAILED",
      message: expect.stringMatching(/no HDF5 signature/),
    });
    await expect(importNir(new TextEncoder().encode("hello, not a network"), "t.nir")).rejects.toMatchObject({
      code: "IMPORT_FAILED",
    });
    const fake = noise.slice();
    fake.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 0);
    expect(await attempt(fake, "fake.nir")).toBe("IMPORT_FAILED");
  });

  it("an HDF5 file that is not NIR, and one whose node has no type", async () => {
    const plain = await planToBytes(
      { weights: { t: "float", array: { shape: [2], data: Float64Array.of(1, 2) } } },
      false,
    );
    await expect(importNir(plain, "weights.h5")).rejects.toMatchObject({
      code: "IMPORT_FAILED",
      message: expect.stringMatching(/no \/node group/),
    });
    const typeless = await nirBytes({
      edges: { t: "strs", values: [], shape: [0, 2] },
      nodes: { t: "group", entries: {} },
    });
    await expect(importNir(typeless, "typeless.nir")).rejects.toMatchObject({
      message: expect.stringMatching(/\/node: has no "type" dataset/),
    });
    const badEdges = await nirBytes({
      type: str("NIRGraph"),
      edges: i64([1, 2, 3]),
      nodes: { t: "group", entries: {} },
    });
    await expect(importNir(badEdges, "edges.nir")).rejects.toMatchObject({
      message: expect.stringMatching(/field "edges" is int64 \[3\], not a string/),
    });
  });
});
