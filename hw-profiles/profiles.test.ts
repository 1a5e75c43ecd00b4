// The shipped profiles (the seven of the design and loihi-sanafe): they load, carry provenance for every number, and hold the reference values.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  BUILTIN_PROFILES,
  barrierLatencyS,
  coreLimits,
  estimatesAmong,
  isEstimate,
  listProfiles,
  loadProfile,
  provenanceOf,
  STATUSES,
  validateProfileFile,
} from "./index.js";
import { profileRegistry } from "./registry.js";

/** Every numeric leaf of raw YAML data with its path; quantity objects are reported as one entry. */
function numericLeaves(data: unknown, path: string[] = []): { path: string; quantity: boolean }[] {
  if (typeof data === "number") return [{ path: path.join("."), quantity: false }];
  if (Array.isArray(data)) return data.flatMap((d, i) => numericLeaves(d, [...path, String(i)]));
  if (typeof data === "object" && data !== null) {
    if ("value" in data) return [{ path: path.join("."), quantity: true }];
    return Object.entries(data).flatMap(([k, v]) => numericLeaves(v, [...path, k]));
  }
  return [];
}

// Structural integers that index tables rather than measure anything (documented in README.md).
const STRUCTURAL = [/^barrier\.points\.\d+\.tiles$/, /\.cores\.\d+$/, /^grid\.unavailableTiles\./];

describe("shipped profiles", () => {
  it("are exactly the seven of the design, loihi-sanafe and four systems, each named like its file", () => {
    expect(profileRegistry.names().sort()).toEqual(
      [
        "generic-45nm",
        "loihi",
        "loihi-sanafe",
        "loihi2",
        "speck",
        "spinnaker2",
        "truenorth",
        "xylo",
        "loihi2-kapoho-point",
        "loihi2-hala-point",
        "loihi-pohoiki-springs",
        "spinnaker2-48",
        "spinnaker2-sandia",
      ].sort(),
    );
    for (const [name, file] of profileRegistry.entries()) expect(basename(file)).toBe(`${name}.yaml`);
  });

  it.each(BUILTIN_PROFILES)("%s loads and validates without problems", (name) => {
    expect(validateProfileFile(name).problems).toEqual([]);
    const p = loadProfile(name);
    expect(p.name).toBe(name);
    expect(p.grid.coresPerChip).toBeGreaterThan(0);
    expect(p.core.neurons).toBeGreaterThan(0);
  });

  it.each(BUILTIN_PROFILES)("%s: every number has a status and a source that resolves", (name) => {
    const raw = parse(readFileSync(profileRegistry.get(name), "utf8"));
    const p = loadProfile(name);
    for (const leaf of numericLeaves(raw)) {
      if (!leaf.quantity) {
        expect(
          STRUCTURAL.some((re) => re.test(leaf.path)),
          `${name}: bare number at ${leaf.path}`,
        ).toBe(true);
        continue;
      }
      const e = provenanceOf(p, leaf.path);
      expect(e, `${name}: ${leaf.path} has no provenance`).toBeDefined();
      expect(STATUSES).toContain(e!.status);
      expect(e!.source.length, `${name}: ${leaf.path} source "${e!.sourceKey}"`).toBeGreaterThan(10);
      expect(p.sources[e!.sourceKey]).toBe(e!.source);
    }
  });

  it("Loihi holds Davies 2018 Table 2 and nengo-loihi's limits exactly", () => {
    const p = loadProfile("loihi");
    expect(p.costs.synopAC).toEqual({ energyJ: 23.6e-12, latencyS: 3.5e-9 });
    expect(p.costs.neuronUpdateActive?.energyJ).toBe(81e-12);
    expect(p.costs.neuronUpdateIdle?.energyJ).toBe(52e-12);
    expect(p.costs.hopEW?.energyJ).toBe(3.0e-12);
    expect(p.costs.hopNS?.energyJ).toBe(4.0e-12);
    expect(p.costs.spikeOut?.energyJ).toBe(1.7e-12);
    expect(p.grid).toMatchObject({ width: 8, height: 4, coresPerTile: 4, coresPerChip: 128, routing: "xy" });
    expect(p.core).toMatchObject({
      neurons: 1024,
      synapseMemoryBits: 16384 * 64,
      inputAxons: 4096,
      outputRoutes: 4096,
    });
    expect(provenanceOf(p, "costs.synopAC.energy")).toMatchObject({
      status: "published",
      sourceKey: "davies2018",
      original: "23.6 pJ",
      value: 2.36e-11,
      unit: "J",
    });
    expect(provenanceOf(p, "costs.synopAC.energy")?.source).toMatch(/Davies.*IEEE Micro.*Table 2/);
    expect(barrierLatencyS(p, 1)).toBe(113e-9);
    expect(barrierLatencyS(p, 32)).toBe(465e-9);
  });

  it("absent costs stay absent, never zero", () => {
    const loihi = loadProfile("loihi");
    expect(loihi.costs.synopMAC).toBeUndefined();
    expect("synopMAC" in loihi.costs).toBe(false);
    expect(loihi.clockHz).toBeUndefined();
    const xylo = loadProfile("xylo");
    expect(xylo.costs.synopAC).toEqual({ latencyCycles: 7 });
    expect(xylo.core.synapseMemoryBits).toBeUndefined();
  });

  it("generic-45nm is the Horowitz convention, its limits marked as estimates", () => {
    const p = loadProfile("generic-45nm");
    expect(p.costs.synopAC?.energyJ).toBe(0.9e-12);
    expect(p.costs.synopMAC?.energyJ).toBe(4.6e-12);
    expect(provenanceOf(p, "costs.synopAC.energy")?.status).toBe("published");
    for (const key of ["grid.width", "grid.height", "core.neurons", "core.synapseMemory"]) {
      expect(isEstimate(p, key)).toBe(true);
      expect(provenanceOf(p, key)?.note).toMatch(/convention/);
    }
  });

  it("answers whether a result rests on estimates", () => {
    const loihi = loadProfile("loihi");
    expect(estimatesAmong(loihi, ["costs.synopAC.energy", "costs.hopEW.energy"])).toEqual([]);
    expect(estimatesAmong(loihi, "costs.")).toEqual([]);
    const loihi2 = loadProfile("loihi2");
    expect(estimatesAmong(loihi2, ["costs.synopAC.energy"]).map((e) => e.keyPath)).toEqual([
      "costs.synopAC.energy",
    ]);
  });

  it("models Speck's nine unequal cores", () => {
    const p = loadProfile("speck");
    expect(p.grid.coresPerChip).toBe(9);
    expect([0, 3, 5, 8].map((i) => coreLimits(p, i).neurons)).toEqual([65536, 32768, 16384, 16384]);
    expect([0, 3, 5, 8].map((i) => coreLimits(p, i).synapseMemoryBits)).toEqual([
      131072, 262144, 524288, 131072,
    ]);
    const mm = p.core.memoryModel;
    expect(mm.kind).toBe("speck");
    if (mm.kind === "speck") {
      expect(mm.cores).toHaveLength(9);
      expect(mm.cores[6]).toEqual({ kernelEntries: 65536, neuronEntries: 16384, biasEntries: 1024 });
      const total = mm.cores.reduce((s, c) => s + c.neuronEntries, 0);
      expect(total).toBe(327680); // "up to 0.32 M neurons"
    }
  });

  it("models TrueNorth's crossbar, SpiNNaker 2's quad-PE grid and clock", () => {
    const tn = loadProfile("truenorth");
    expect(tn.core.memoryModel).toEqual({
      kind: "truenorth-crossbar",
      axons: 256,
      neurons: 256,
      axonTypes: 4,
      typeWeightBits: 9,
      targetsPerNeuron: 1,
    });
    expect(tn.barrier).toEqual({ kind: "tick", periodS: 1e-3 });
    expect(tn.grid.coresPerChip).toBe(4096);
    const s2 = loadProfile("spinnaker2");
    expect(s2.grid).toMatchObject({
      width: 7,
      height: 6,
      coresPerTile: 4,
      coresPerChip: 152,
      multicast: true,
    });
    expect(s2.clockHz).toBe(3e8);
    expect(s2.costs.synopAC?.latencyCycles).toBe(2);
    expect(s2.costs.synopAC?.latencyS).toBeCloseTo(2 / 3e8, 20);
    // One `hop` cost fills both directions, with the hop's provenance.
    expect(s2.costs.hopEW).toEqual(s2.costs.hop);
    expect(provenanceOf(s2, "costs.hopNS.energy")?.keyPath).toBe("costs.hop.energy");
  });

  it("listProfiles returns the loaded (cached) profiles", () => {
    const all = listProfiles();
    expect(all.map((p) => p.name)).toEqual([...BUILTIN_PROFILES]);
    expect(all[0]).toBe(loadProfile("loihi"));
  });
});

describe("loihi-sanafe", () => {
  it("loads SANA-FE's Loihi preset with every unit, its link buffer and its provenance", () => {
    const p = loadProfile("loihi-sanafe");
    expect(p.units?.synapse.map((u) => [u.name, u.cost.energyJ])).toEqual([
      ["loihi_dense_synapse", 35.5e-12],
      ["loihi_sparse_synapse", 33.6e-12],
      ["loihi_conv_synapse", 24e-12],
    ]);
    expect(p.units?.soma[0]).toMatchObject({ name: "loihi_lif", model: "lif" });
    expect(p.units?.soma[0]?.spikeOut.energyJ).toBeCloseTo(69.3e-12, 18);
    expect(p.costs.axonOut?.energyJ).toBeCloseTo(111e-12, 18);
    expect(p.grid.linkBuffer).toBe(16);
    expect(p.staticPower).toEqual({});
    const prov = p.provenance.get("units.synapse.loihi_conv_synapse.energy");
    expect(prov).toMatchObject({ status: "published", sourceKey: "sanafeLoihi" });
    expect(prov?.source).toMatch(/8951ab0/);
  });
});
