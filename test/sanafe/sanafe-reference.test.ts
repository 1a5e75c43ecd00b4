// spikegrid against SANA-FE's own runs of our reference networks (*.expected.json, made by SANA-FE 8951ab0 with
// bench/sanafe/make-references.ts): the same spikes — same step, same neuron — on the reference interpreter and
// on the chip engine with the networks' arch file as the profile and their own mappings. No SANA-FE needed.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sanafeSpikes } from "../../compiler/importers/sanafe/sanafe-model.js";
import { readNpyFile, toFloat32 } from "../../compiler/importers/tensors/index.js";
import { cli } from "../cli-run.js";
import { type ExpectedRun, loadExpected, REFERENCE_NETWORKS } from "./references.js";

const DIR = "test/sanafe";

/** Spikes as "timestep,group,neuron" keys, SANA-FE's 1-based timesteps (spikegrid's step 0 is its timestep 1). */
const key = (t: number, group: string, neuron: number) => `${t},${group},${neuron}`;

function expectedKeys(e: ExpectedRun): string[] {
  return e.spikes.map(([t, g, n]) => key(t, g, n)).sort();
}

/** What differs between two spike sets, as the test's failure message shows it. */
function diff(want: string[], got: string[]) {
  const w = new Set(want);
  const g = new Set(got);
  return { missing: want.filter((k) => !g.has(k)), extra: got.filter((k) => !w.has(k)) };
}

/** `spikegrid simulate` on a reference network, every group recorded; its spikes as keys. */
async function spikegridSpikes(e: ExpectedRun, engine: string[], flags: string[] = []): Promise<string[]> {
  const out = join(mkdtempSync(join(tmpdir(), "sanafe-ref-")), "run.npy");
  const groups = Object.keys(e.firedByGroup);
  const r = await cli(
    "simulate",
    join(DIR, e.network),
    "--engine",
    ...engine,
    "--timesteps",
    String(e.timesteps),
    ...flags,
    "--out",
    out,
    "--record",
    groups.join(","),
  );
  expect(r.err, r.err).not.toMatch(/^error/m);
  expect(r.code).toBe(0);
  const keys: string[] = [];
  for (const g of groups) {
    const x = readNpyFile(out.replace(/\.npy$/, `.${g}.npy`));
    const [steps, n] = x.shape as [number, number];
    expect(steps).toBe(e.timesteps);
    const v = toFloat32(x);
    for (let s = 0; s < steps; s++)
      for (let j = 0; j < n; j++) if (v[s * n + j] !== 0) keys.push(key(s + 1, g, j));
  }
  return keys.sort();
}

const CHIP = ["chip", "--profile", join(DIR, "grid2x2.arch.yaml")];
const REFERENCE = ["reference"];

describe("the reference networks and their SANA-FE numbers", () => {
  it.each(REFERENCE_NETWORKS)(
    "$name: SANA-FE's run is non-trivial and the float model fires as it did",
    (ref) => {
      const e = loadExpected(DIR, ref.name);
      expect(e.timesteps).toBe(ref.timesteps);
      expect(e.spikes.length).toBe(e.totals.fired);
      // every group fires, more than once: a wrong step or neuron would show
      for (const g of Object.keys(e.firedByGroup)) expect(e.firedByGroup[g]).toBeGreaterThan(1);
      expect(e.perStep.hops.length).toBe(e.timesteps);
      expect(e.totals.energyJ.synapse + e.totals.energyJ.soma + e.totals.energyJ.network).toBeCloseTo(
        e.totals.energyJ.total,
        12,
      );
      // sanafe-model.ts, the independent float model the importer's tests use, reproduces SANA-FE exactly
      const model = sanafeSpikes(readFileSync(join(DIR, ref.network), "utf8"), ref.timesteps);
      const got = Object.entries(model)
        .flatMap(([g, steps]) => steps.flatMap((ids, s) => ids.map((n) => key(s + 1, g, n))))
        .sort();
      expect(diff(expectedKeys(e), got)).toEqual({ missing: [], extra: [] });
    },
  );
});

describe("spikegrid fires SANA-FE's spikes on the reference networks", () => {
  const e = (name: string) => loadExpected(DIR, name);

  it.each([
    ["reference", REFERENCE],
    ["chip", CHIP],
  ])("neurons (neuron edges, self edge, biases, leak, hard and soft reset), %s engine", async (_, engine) => {
    const want = e("neurons");
    expect(diff(expectedKeys(want), await spikegridSpikes(want, engine))).toEqual({ missing: [], extra: [] });
  });

  // With 12-bit state the compile picks c1's potential LSB = 2^-6, where truncating the leak toward zero is
  // SANA-FE's v = trunc(64·v)/64 exactly (c2 does not leak; o's leak never leaves a remainder that matters here).
  it.each([
    ["reference", REFERENCE],
    ["chip", CHIP],
  ])("conv (conv2d, dense, per-channel biases, leaks) at --state-bits 12, %s engine", async (_, engine) => {
    const want = e("conv");
    const got = await spikegridSpikes(want, engine, ["--weight-bits", "16", "--state-bits", "12"]);
    expect(diff(expectedKeys(want), got)).toEqual({ missing: [], extra: [] });
  });

  // The cases not exact today run once; a plain test checks that they ran and nearly agree, so that the
  // it.fails below can fail only on the spikes (and passes, turning red, once they are exact).
  const runs = new Map<string, Promise<string[]>>();
  const runOnce = (name: string, engine: string[], flags: string[] = []) => {
    const k = [name, ...engine, ...flags].join(" ");
    if (!runs.has(k)) runs.set(k, spikegridSpikes(e(name), engine, flags));
    return runs.get(k)!;
  };
  const WIDE = ["--weight-bits", "16", "--state-bits", "32"];

  // Not exact today: the default compile gives c1 a potential LSB of 2^-10 (2^-26 at --state-bits 32) and
  // truncates the leak there, where SANA-FE truncates to 1/64 — c1.15 fires at timestep 10, c1.22 at 17 instead
  // of 20, … (5 of SANA-FE's 1649 fires missing, 8 extra). Exact once a leaking population's LSB is 2^-6.
  it("conv with the default compile runs and agrees on all but a few fires", async () => {
    const want = expectedKeys(e("conv"));
    const { missing, extra } = diff(want, await runOnce("conv", REFERENCE));
    expect(missing.length + extra.length).toBeLessThan(want.length / 50);
  });
  it.fails("conv with the default compile, reference engine: exact", async () => {
    expect(diff(expectedKeys(e("conv")), await runOnce("conv", REFERENCE))).toEqual({
      missing: [],
      extra: [],
    });
  });

  // Not exact today at any width: h (soft reset, input above its threshold) reaches v = 33.75 while the compile's
  // static range for h is 20 (stored as ±32), so v saturates once and h.1 fires at timestep 49 instead of 48.
  // Exact once the range comes from an exact bound of the network (with soft reset the potential can climb to
  // (max input + bias − threshold) / (1 − leak_decay)).
  it.each([
    ["reference", REFERENCE],
    ["chip", CHIP],
  ])("dense-sparse runs and agrees on all but a few fires, %s engine", async (_, engine) => {
    const want = expectedKeys(e("dense-sparse"));
    const { missing, extra } = diff(want, await runOnce("dense-sparse", engine, WIDE));
    expect(missing.length + extra.length).toBeLessThan(want.length / 50);
  });
  it.fails.each([
    ["reference", REFERENCE],
    ["chip", CHIP],
  ])(
    "dense-sparse (dense, sparse, biases, leak, soft and hard reset), %s engine: exact",
    async (_, engine) => {
      const got = await runOnce("dense-sparse", engine, WIDE);
      expect(diff(expectedKeys(e("dense-sparse")), got)).toEqual({ missing: [], extra: [] });
    },
  );
});
