// The loihi memory model: hand-computed synapse memory per encoding (dense, sparse, run-length, shared
// population lists), and a convolution + sparse network that fits where counting every synapse and every
// source neuron did not (the DVS gesture network's over-count: 156 cores for a 49-core silicon mapping).

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { createConv2d, createDense, createSparse } from "../nmir/connectivity.js";
import {
  type LoihiMemory,
  listBits,
  loihiGroup,
  loihiIndexBits,
  storedWeightBits,
} from "./loihi-synapses.js";

const loihi = loadProfile("loihi");
const mem = loihi.core.memoryModel as LoihiMemory & { kind: "loihi" };

describe("Loihi synapse encodings, hand-computed", () => {
  it("the stock profile carries Loihi's block layout", () => {
    expect(mem).toEqual({
      kind: "loihi",
      wordBits: 64,
      blockSynapses: 64,
      blockHeaderBits: 10,
      compartmentBase: 256,
    });
  });

  it("widths: 7-bit weights take 8; sparse indices are 0 or 6..12 bits", () => {
    expect([1, 6, 7, 8].map(storedWeightBits)).toEqual([1, 6, 8, 8]);
    expect([0, 1, 63, 64, 1023].map(loihiIndexBits)).toEqual([0, 6, 6, 7, 10]);
  });

  it("a list is blocks of ≤ 64 synapses, a 10-bit header each, rounded up to 64-bit words", () => {
    expect(listBits(0, 18, mem)).toBe(0);
    // 64 × 18 + 10 = 1162 → 19 words
    expect(listBits(64, 18, mem)).toBe(1216);
    // + one synapse: 18 + 10 → 1 word
    expect(listBits(65, 18, mem)).toBe(1280);
  });

  it("dense: 3 sources × 10 targets at 8 bits = 3 lists of 10 × 8 + 10 → 2 words (48 bytes)", () => {
    const c = createDense({ inSize: 3, outSize: 10, weights: new Int32Array(30).fill(5) });
    expect(loihiGroup(c, 8, 0, 10, mem)).toEqual({ axons: 3, bits: 384, format: "dense", lists: 3 });
  });

  it("sparse: targets {0, 50, 99} and {10} of 100 → 7-bit indices, 15 bits a synapse, one word each", () => {
    // dense would be 100 × 8 + 10 → 13 words and 11 × 8 + 10 → 2 words; run-length ties (49-gap: 6 + 8 bits)
    const c = createSparse({
      inSize: 2,
      outSize: 100,
      rowPtr: Int32Array.of(0, 3, 4),
      colIdx: Int32Array.of(0, 50, 99, 10),
      weights: Int32Array.of(1, 2, 3, 4),
    });
    expect(loihiGroup(c, 8, 0, 100, mem)).toEqual({ axons: 2, bits: 128, format: "sparse", lists: 2 });
  });

  it("run-length: every second of 128 targets → a 1-bit skip beats a 7-bit index and a 127-long dense list", () => {
    // run-length 64 × 9 + 10 = 586 → 10 words; sparse 64 × 15 + 10 → 16 words; dense 64 + 63 synapses → 18 words
    const cols = Int32Array.from({ length: 64 }, (_, k) => 2 * k);
    const c = createSparse({
      inSize: 1,
      outSize: 128,
      rowPtr: Int32Array.of(0, 64),
      colIdx: cols,
      weights: new Int32Array(64).fill(3),
    });
    expect(loihiGroup(c, 8, 0, 128, mem)).toEqual({ axons: 1, bits: 640, format: "runLength", lists: 1 });
  });

  it("conv2d: 16 population axons share 9 lists (interior, 4 corners, 4 edges) of a 2 × 2 kernel", () => {
    // 4 × 4 input, 3 × 3 output: interior pixels hold targets {0, 1, 3, 4} from their base, every other list
    // 1 or 2 synapses; the longest dense list is 5 × 8 + 10 bits → every list is one word (72 bytes)
    const c = createConv2d({ inShape: [1, 4, 4], kernel: [1, 1, 2, 2], weights: Int32Array.of(1, 2, 3, 4) });
    expect(loihiGroup(c, 8, 0, 9, mem)).toEqual({ axons: 16, bits: 576, format: "dense", lists: 9 });
  });

  it("a convolution over one source position is a dense layer: discrete axons, one per channel", () => {
    // 1 × 1 conv over [4, 1, 1]: 4 sources × 3 targets, dense lists of 3 × 8 + 10 → one word each
    const c = createConv2d({ inShape: [4, 1, 1], kernel: [3, 4, 1, 1], weights: new Int32Array(12).fill(2) });
    expect(loihiGroup(c, 8, 0, 3, mem)).toEqual({ axons: 4, bits: 256, format: "dense", lists: 4 });
  });

  it("a population axon's compartment base stays below the limit: a larger offset costs a list copy", () => {
    const c = createConv2d({ inShape: [1, 4, 4], kernel: [1, 1, 2, 2], weights: Int32Array.of(1, 2, 3, 4) });
    // base < 2: interior pixels at bases 0, 1, 3, 4 now need 2 distinct lists (targets +0 and +1 shifted)
    expect(loihiGroup(c, 8, 0, 9, { ...mem, compartmentBase: 2 }).lists).toBeGreaterThan(9);
  });
});
