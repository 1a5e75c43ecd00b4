// spikegrid against SANA-FE's own runs of our reference networks (*.expected.json, made by SANA-FE 8951ab0 with
// bench/sanafe/make-references.ts): the same spikes — same step, same neuron — on the reference interpreter and
// on the chip engine with the networks' arch file as the profile and their own mappings. No SANA-FE needed.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sanafeSpikes } from "../../compiler/importers/sanafe/sanafe-model.js";
import { readNpyFile, toFloat32 } from "../../compiler/importers/tensors/index.js";
import { runSanafeConvention } from "../../simulator/chip/sanafe/run-sanafe.js";
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
  // the default compile of these networks is integer-exact (every value a multiple of 2^-6, decays k/4096)
  it.each(
    REFERENCE_NETWORKS.flatMap((ref) => [
      [ref.name, "reference", REFERENCE],
      [ref.name, "chip", CHIP],
    ]) as [string, string, string[]][],
  )("%s, default compile, %s engine: every fire at SANA-FE's step and neuron", async (name, _, engine) => {
    const want = loadExpected(DIR, name);
    expect(diff(expectedKeys(want), await spikegridSpikes(want, engine))).toEqual({ missing: [], extra: [] });
  });
});

describe("--convention sanafe counts, costs and times the reference networks as SANA-FE did", () => {
  // the direct run (SANA-FE's model on the file's mappings) and the compiled chip (--no-direct)
  const cases = REFERENCE_NETWORKS.flatMap((ref) =>
    (["direct", "compiled chip"] as const).map((path) => ({ ...ref, path })),
  );
  it.each(cases)("$name, $path", async (ref) => {
    const e = loadExpected(DIR, ref.name);
    const text = readFileSync(join(DIR, ref.network), "utf8");
    const extra = ref.path === "direct" ? [] : ["--no-direct"];
    const r = await runSanafeConvention(text, join(process.cwd(), DIR, ref.arch), ref.timesteps, extra);
    expect((r.run.run as { path?: string }).path).toBe(ref.path === "direct" ? "direct" : undefined);
    const t = e.totals;
    expect({
      fired: r.fired,
      synapticEvents: r.synapticEvents,
      messages: r.messages,
      hops: r.hops,
      neuronsUpdated: r.neuronsUpdated,
    }).toEqual({
      fired: t.fired,
      synapticEvents: t.synapticEvents,
      messages: t.messages,
      hops: t.hops,
      neuronsUpdated: t.neuronsUpdated,
    });
    // SANA-FE prints 7 significant digits
    const close = (got: number, want: number) =>
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * Math.abs(want) + 1e-18);
    close(r.energy.totalJ, t.energyJ.total);
    close(r.energy.synapseJ, t.energyJ.synapse);
    close(r.energy.dendriteJ, t.energyJ.dendrite);
    close(r.energy.somaJ, t.energyJ.soma);
    close(r.energy.networkJ, t.energyJ.network);
    close(r.simulatedS, t.simTimeS);
  });
});
