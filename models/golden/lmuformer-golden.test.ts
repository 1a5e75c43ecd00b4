// Golden test of the zoo's LMUFormer and Spiking LMUFormer against a PyTorch implementation of the official
// code (fixtures written by make_lmuformer_golden.py; see README.md). Each fixture is loaded the way a user
// loads it: `zoo:NAME` with the fixture's settings plus the official-key `.pth` through loadNetwork's
// `--weights` path, then run by the float reference over the whole clip, as PyTorch runs it.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readNpyFile } from "../../compiler/importers/tensors/index.js";
import { type LoadedNetwork, loadNetwork } from "../../pipeline/load-network.js";
import { type FloatRunResult, runFloat } from "../../simulator/float/index.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const manifest = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as {
  config: Record<string, number>;
  slmu: { lif: Record<string, { shape: number[] }> };
};
const MEMORY = "block.0.attn.lmu.memory";

interface Array3 {
  shape: [number, number, number];
  data: Float64Array;
}

/** A fixture array as float64 [B, N, C] (float32 and uint8 fixtures widen exactly). */
function npy(name: string): Array3 {
  const t = readNpyFile(join(FIXTURES, name));
  if (t.shape.length !== 3) throw new Error(`${name}: expected [B, N, C], got [${t.shape}]`);
  return { shape: t.shape as Array3["shape"], data: Float64Array.from(t.data as ArrayLike<number>) };
}

/** Per sample: the float reference over the whole clip, recording `record` (node ids). */
function run(net: LoadedNetwork, x: Array3, record: string[]): FloatRunResult[] {
  const [B, N, C] = x.shape;
  return Array.from({ length: B }, (_, b) =>
    runFloat(
      net.graph,
      { input: { shape: [N, C], data: x.data.subarray(b * N * C, (b + 1) * N * C) } },
      { sequence: "whole", record },
    ),
  );
}

/** Max |ours − theirs| over samples, steps and channels; `ours(b)` is one array per step. */
function maxAbsDiff(ours: (b: number) => Float64Array[], theirs: Array3): number {
  const [B, N, C] = theirs.shape;
  let worst = 0;
  for (let b = 0; b < B; b++) {
    const steps = ours(b);
    expect(steps).toHaveLength(N);
    for (let t = 0; t < N; t++) {
      expect(steps[t]).toHaveLength(C);
      for (let c = 0; c < C; c++) {
        const d = Math.abs(steps[t]![c]! - theirs.data[(b * N + t) * C + c]!);
        worst = Math.max(worst, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
      }
    }
  }
  return worst;
}

/** The readout of both models: the head output averaged over steps (the official `x.mean(dim=1)`). */
function logitsDiff(ours: FloatRunResult[], theirs: Array3): number {
  const [B, N, C] = theirs.shape;
  let worst = 0;
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      let a = 0;
      let p = 0;
      for (let t = 0; t < N; t++) {
        a += ours[b]!.outputs.get("output")![t]![c]! / N;
        p += theirs.data[(b * N + t) * C + c]! / N;
      }
      worst = Math.max(worst, Math.abs(a - p));
    }
  }
  return worst;
}

async function load(model: string, pth: string): Promise<LoadedNetwork> {
  return loadNetwork(`zoo:${model}`, { weights: join(FIXTURES, pth), overrides: manifest.config });
}

function expectOfficialKeysApplied(net: LoadedNetwork): void {
  const w = net.weights!;
  expect(w.missing).toEqual([]);
  expect(w.unexpected).toEqual([]);
  expect(w.mismatched).toEqual([]);
  // the LMU buffers are derived by LmuMemory; the complex fft_H is skipped by the reader with a warning
  expect(w.ignored).toEqual(expect.arrayContaining(["block.0.attn.lmu.A", "block.0.attn.lmu.H"]));
  expect(net.warnings.join("\n")).toMatch(/block\.0\.attn\.lmu\.fft_H.*skipped/);
}

describe("zoo:lmuformer equals the official lmu_rnn_conv1d (float64 PyTorch)", () => {
  let net: LoadedNetwork;
  let runs: FloatRunResult[];
  beforeAll(async () => {
    net = await load("lmuformer", "lmuformer.pth");
    runs = run(net, npy("lmuformer_input.npy"), [MEMORY]);
  });

  it("applies every official state_dict key by name", () => {
    expectOfficialKeysApplied(net);
    expect(net.weights!.applied.length).toBeGreaterThan(40);
  });

  it("gives the head output of every step within 1e-4", () => {
    const head = npy("lmuformer_head.npy");
    expect(maxAbsDiff((b) => runs[b]!.outputs.get("output")!, head)).toBeLessThan(1e-4);
    expect(logitsDiff(runs, head)).toBeLessThan(1e-4);
  });

  it("computes the LMU memory of the FFT-parallel LMUFFTCell recurrently within 1e-5", () => {
    const diff = maxAbsDiff((b) => runs[b]!.records.get(MEMORY)!, npy("lmuformer_memory.npy"));
    expect(diff).toBeLessThan(1e-5);
  });
});

describe("zoo:spiking-lmuformer equals the official slmu_rnn_ms_conv1d (float32 PyTorch)", () => {
  const lifs = Object.keys(manifest.slmu.lif);
  let net: LoadedNetwork;
  let runs: FloatRunResult[];
  beforeAll(async () => {
    net = await load("spiking-lmuformer", "slmu.pth");
    runs = run(net, npy("slmu_input.npy"), [MEMORY, ...lifs]);
  });

  it("applies every official state_dict key by name", () => {
    expectOfficialKeysApplied(net);
    expect(lifs.length).toBeGreaterThanOrEqual(10);
  });

  it.each(Object.keys(manifest.slmu.lif))("agrees on ≥ 99.9 %% of the spikes of %s", (id) => {
    const theirs = npy(`slmu_spikes.${id}.npy`);
    const [B, N, C] = theirs.shape;
    let same = 0;
    let fired = 0;
    for (let b = 0; b < B; b++) {
      const steps = runs[b]!.records.get(id)!;
      expect(steps).toHaveLength(N);
      for (let t = 0; t < N; t++) {
        for (let c = 0; c < C; c++) {
          const s = steps[t]![c]!;
          expect(s === 0 || s === 1).toBe(true);
          if (s === theirs.data[(b * N + t) * C + c]) same++;
          fired += s;
        }
      }
    }
    expect(same / (B * N * C)).toBeGreaterThanOrEqual(0.999);
    expect(fired).toBeGreaterThan(0); // a silent layer would agree trivially with a silent reference
  });

  it("gives the head output of every step within 1e-4", () => {
    const head = npy("slmu_head.npy");
    expect(maxAbsDiff((b) => runs[b]!.outputs.get("output")!, head)).toBeLessThan(1e-4);
    expect(logitsDiff(runs, head)).toBeLessThan(1e-4);
  });

  it("computes the LMU memory (before bn_m) of SpikingLMUFFTCell within 1e-5", () => {
    const diff = maxAbsDiff((b) => runs[b]!.records.get(MEMORY)!, npy("slmu_memory.npy"));
    expect(diff).toBeLessThan(1e-5);
  });
});
