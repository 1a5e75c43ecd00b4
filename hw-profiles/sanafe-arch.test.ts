// SANA-FE architecture files as chip profiles: `--profile arch.yaml` (loadProfile) and
// `profiles import-sanafe`, on small arch files written here in SANA-FE's format.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../cli/io.js";
import { runCli } from "../cli/main.js";
import { isSpikegridError } from "../common/errors.js";
import { barrierLatencyS, loadProfile, provenanceOf, validateProfileFile } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "sanafe-arch-"));

/** A 2 × 2 mesh with 3 tiles of 2 cores, per-direction hops, a sync table, two synapse units, an input soma. */
function archYaml(o: { somaSection?: boolean; syncModel?: string } = {}): string {
  const soma = `          soma:
            - name: in_soma[0..7]
              attributes: {model: input, energy_access_neuron: 0, latency_access_neuron: 0,
                energy_update_neuron: 0, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}
            - name: lif
              attributes:
                model: leaky_integrate_fire
                energy_access_neuron: 10.0e-12
                latency_access_neuron: 2.0e-9
                energy_update_neuron: 5.5e-12
                latency_update_neuron: 1.5e-9
                energy_spike_out: 30.0e-12
                latency_spike_out: 20.0e-9
`;
  return `# small test chip
architecture:
  name: Test Chip
  attributes:
    width: 2
    height: 2
    link_buffer_size: 8
    sync_model: ${o.syncModel ?? "table"}
    latency_sync: {1: 0.5e-6, 3: 0.9e-6, 4: 1.2e-6}
  tile:
    - name: t[0..2]
      attributes:
        energy_north_hop: 4.0e-12
        latency_north_hop: 6.0e-9
        energy_south_hop: 4.0e-12
        latency_south_hop: 6.0e-9
        energy_east_hop: 2.0e-12
        latency_east_hop: 3.0e-9
        energy_west_hop: 3.0e-12
        latency_west_hop: 3.0e-9
      core:
        - name: c[0..1]
          attributes:
            buffer_position: soma
            max_neurons_supported: 64
          axon_in:
            - name: ain
              attributes: {energy_message_in: 1.0e-12, latency_message_in: 8.0e-9}
          synapse:
            - name: dense_syn
              attributes: {model: current_based, energy_process_spike: 20.0e-12, latency_process_spike: 2.5e-9}
            - name: conv_syn
              attributes: {model: current_based, energy_process_spike: 12.0e-12, latency_process_spike: 2.0e-9}
          dendrite:
            - name: acc
              attributes: {model: accumulator, energy_update: 0.0, latency_update: 0.0}
${o.somaSection === false ? "" : soma}          axon_out:
            - name: aout
              attributes: {energy_message_out: 90.0e-12, latency_message_out: 4.0e-9}
`;
}

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("SANA-FE architecture files as profiles", () => {
  it("--profile arch.yaml: mesh, costs by direction and unit, provenance on every number", () => {
    const p = loadProfile(write("chip.yaml", archYaml()));
    expect(p.name).toBe("test-chip");
    expect(p.grid).toMatchObject({ width: 2, height: 2, coresPerTile: 2, coresPerChip: 6 });
    // 3 tiles column-major on a 2-high mesh: ids 0,1 at x=0, id 2 at (1,0); (1,1) holds no tile.
    expect(p.grid.unavailableTiles).toEqual([[1, 1]]);
    expect(p.core.neurons).toBe(64);
    const c = p.costs;
    expect(c.synopAC?.energyJ).toBeCloseTo(20e-12, 24);
    expect(c.neuronUpdateIdle?.energyJ).toBeCloseTo(10e-12, 24);
    expect(c.neuronUpdateActive?.energyJ).toBeCloseTo(15.5e-12, 24);
    expect(c.neuronUpdateActive?.latencyS).toBeCloseTo(3.5e-9, 20);
    expect(c.spikeOut?.energyJ).toBeCloseTo(30e-12, 24);
    expect(c.axonIn?.latencyS).toBeCloseTo(8e-9, 20);
    expect(c.axonOut?.energyJ).toBeCloseTo(90e-12, 24);
    expect(c.hopNS?.energyJ).toBeCloseTo(4e-12, 24);
    expect(c.hopEW?.energyJ).toBeCloseTo(2.5e-12, 24); // east 2 pJ and west 3 pJ: their mean, noted
    for (const e of new Set(p.provenance.values())) {
      expect(e.source).toMatch(/^SANA-FE arch file chip\.yaml|spikegrid's default/);
      expect(e.status === "estimate").toBe(e.sourceKey === "spikegridDefault");
    }
    expect(provenanceOf(p, "costs.synopAC.energy")?.status).toBe("derived");
    expect(provenanceOf(p, "core.weightBits")?.status).toBe("estimate");
    const notes = p.notes!.join("\n");
    expect(p.grid.linkBuffer).toBe(8);
    expect(p.units?.synapse.map((u) => u.name)).toContain("conv_syn");
    expect(notes).toMatch(/synapse unit conv_syn .*12 pJ|synapse unit conv_syn/);
    expect(notes).toMatch(/energy_east_hop 2e-12 and energy_west_hop 3e-12 differ/);
    expect(notes).toMatch(/no synapse memory/);
    expect(notes).toMatch(/buffer_position soma/);
  });

  it("the sync table's step function is exact at every whole number of tiles", () => {
    const p = loadProfile(write("sync.yaml", archYaml()));
    const sanafe = (tiles: number) => (tiles >= 4 ? 1.2e-6 : tiles >= 3 ? 0.9e-6 : 0.5e-6);
    for (let tiles = 1; tiles <= 6; tiles++) expect(barrierLatencyS(p, tiles)).toBeCloseTo(sanafe(tiles), 15);
  });

  it("fixed sync model: one constant barrier", () => {
    const text = archYaml({ syncModel: "fixed" }).replace(/latency_sync: .*/, "latency_sync: 0.25e-6");
    const p = loadProfile(write("fixed.yaml", text));
    expect(barrierLatencyS(p, 1)).toBeCloseTo(0.25e-6, 15);
    expect(barrierLatencyS(p, 4)).toBeCloseTo(0.25e-6, 15);
  });

  it("profiles import-sanafe writes a profile that validates and loads as the arch file does", async () => {
    const arch = write("imp.yaml", archYaml());
    const out = join(dir, "imp-profile.yaml");
    const r = await run("profiles", "import-sanafe", arch, "-o", out);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/link_buffer_size/);
    expect(validateProfileFile(out).problems).toEqual([]);
    const written = loadProfile(out);
    const direct = loadProfile(arch);
    expect(written.costs).toEqual(direct.costs);
    expect(written.barrier).toEqual(direct.barrier);
    expect(written.grid).toEqual(direct.grid);
    expect(written.notes).toEqual(direct.notes);
    expect(readFileSync(out, "utf8")).toMatch(/^notes:/m);
    expect((await run("profiles", "validate", out)).code).toBe(0);
  });

  it("a missing section exits 2 with file:line, nothing written", async () => {
    const arch = write("nosoma.yaml", archYaml({ somaSection: false }));
    const out = join(dir, "nosoma-profile.yaml");
    const r = await run("profiles", "import-sanafe", arch, "-o", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nosoma\.yaml:22:\d+ architecture\.tile\.0\.core\.0: no soma section defined/);
    expect(existsSync(out)).toBe(false);
    let err: unknown;
    try {
      loadProfile(arch);
    } catch (e) {
      err = e;
    }
    expect(isSpikegridError(err) && err.code).toBe("PROFILE_INVALID");
  });

  it("a value SANA-FE refuses (unknown sync_model) exits 2 with its line", async () => {
    const arch = write("badsync.yaml", archYaml({ syncModel: "tabel" }));
    const r = await run("profiles", "validate", arch);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /badsync\.yaml:8:\d+ architecture\.attributes\.sync_model: unknown sync_model "tabel"/,
    );
  });

  it("a soma with only some of its energy triple exits 2 (SANA-FE needs all three)", async () => {
    const arch = write("triple.yaml", archYaml().replace("                energy_spike_out: 30.0e-12\n", ""));
    const r = await run("profiles", "validate", arch);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/triple\.yaml:\d+:\d+ .*soma\.1\.attributes: `energy_spike_out` missing/);
  });
});
