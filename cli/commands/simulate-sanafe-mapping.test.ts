// `simulate --engine chip` on a SANA-FE file with `mappings:`: the file's placement is the default mapping
// (each group's neurons on exactly the cores it names), `--mapping auto` maps with spikegrid's mapper, and
// the outputs are the same either way; a placement the chip cannot hold exits 2 at the mapping entry's line.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../../test/cli-run.js";
import { smallArch } from "../../test/sanafe/small-files.js";

/** 2 tiles side by side (SANA-FE tile 0 at x 0, tile 1 at x 1), 2 cores each. */
const ARCH = smallArch({ name: "Two Tiles", width: 2, height: 1, sync: false });

/** Two layers split over three cores of both tiles; `bCore` is where neuron b.0 goes. */
function net(bCore = "1.0"): string {
  return `network:
  groups:
    - name: i
      neurons:
        - 0: {spikes: [1, 1, 0, 1, 0, 1, 1]}
        - 1: {spikes: [0, 1, 1, 1, 0, 0, 1, 1, 1]}
    - name: a
      attributes: {threshold: 1, reset_mode: hard}
      neurons: [0..3]
    - name: b
      attributes: {threshold: 1, reset_mode: hard}
      neurons: [0..2]
  edges:
    - i -> a: [type: dense, weight: [1, 2, -1, 1, 1, 1, 2, 1]]
    - a -> b: [type: dense, weight: [1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1]]
mappings:
  - i: {core: 0.0}
  - a.0..1: {core: 1.1}
  - a.2..3: {core: 0.1}
  - b.0: {core: ${bCore}}
  - b.1..2: {core: 0.1}
`;
}

const dir = mkdtempSync(join(tmpdir(), "sim-sanafe-map-"));
const arch = join(dir, "arch.yaml");
writeFileSync(arch, ARCH);

type Core = { core: number; tile: [number, number]; slices: string[] };
const coresOf = (json: string) =>
  (JSON.parse(readFileSync(json, "utf8")).cores as Core[]).map((c) => [c.core, c.tile, c.slices]);

describe("simulate a SANA-FE file on its own mappings:", () => {
  it("puts each group's neurons on the cores the file names; --mapping auto maps otherwise, same outputs", async () => {
    const file = join(dir, "net.yaml");
    writeFileSync(file, net());
    const own = await cli(
      "simulate",
      file,
      "--engine",
      "chip",
      "--profile",
      arch,
      "--json",
      join(dir, "own.json"),
    );
    expect(own.code).toBe(0);
    expect(own.err).toContain(`note: mapping from ${file}`);
    expect(own.out).toContain(`mapping ${file}`);
    // spikegrid core = tile × 2 + core; tile 0 at (0, 0), tile 1 at (1, 0); the input group takes no core
    expect(coresOf(join(dir, "own.json"))).toEqual([
      [1, [0, 0], ["a[2:4]", "b[1:3]"]],
      [2, [1, 0], ["b[0:1]"]],
      [3, [1, 0], ["a[0:2]"]],
    ]);
    const auto = await cli(
      "simulate",
      file,
      "--engine",
      "chip",
      "--profile",
      arch,
      "--mapping",
      "auto",
      "--json",
      join(dir, "auto.json"),
    );
    expect(auto.code).toBe(0);
    expect(auto.err).not.toContain("mapping from");
    expect(coresOf(join(dir, "auto.json"))).not.toEqual(coresOf(join(dir, "own.json")));
    // the mapping never changes the answer
    await cli(
      "simulate",
      file,
      "--engine",
      "chip",
      "--profile",
      arch,
      "--out",
      join(dir, "own.npy"),
      "--record",
      "a",
    );
    await cli(
      "simulate",
      file,
      "--engine",
      "chip",
      "--profile",
      arch,
      "--mapping",
      "auto",
      "--out",
      join(dir, "auto.npy"),
      "--record",
      "a",
    );
    for (const f of ["", ".a"]) {
      const a = readFileSync(join(dir, `own${f}.npy`));
      expect(readFileSync(join(dir, `auto${f}.npy`)).equals(a)).toBe(true);
    }
    const spikes = JSON.parse(readFileSync(join(dir, "own.json"), "utf8")).counts.spikes;
    expect(spikes).toBeGreaterThan(3); // the network fires: the comparison means something
    expect(JSON.parse(readFileSync(join(dir, "auto.json"), "utf8")).counts.spikes).toBe(spikes);
  });

  it("a core the chip lacks, or a mapper flag without --mapping auto: exit 2 naming the entry, nothing written", async () => {
    const file = join(dir, "far.yaml");
    writeFileSync(file, net("2.0"));
    const json = join(dir, "far.json");
    const r = await cli("simulate", file, "--engine", "chip", "--profile", arch, "--json", json);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(
        `${file.replace(/[.\\/]/g, "\\$&")}:20: core 2\\.0 of b\\.0\\.\\.0: two-tiles has no tile 2`,
      ),
    );
    expect(r.err).toContain("--mapping auto");
    expect(existsSync(json)).toBe(false);
    const flags = await cli(
      "simulate",
      join(dir, "net.yaml"),
      "--engine",
      "chip",
      "--profile",
      arch,
      "--max-cores",
      "2",
      "--json",
      json,
    );
    expect(flags.code).toBe(2);
    expect(flags.err).toMatch(/--max-cores maps with spikegrid's mapper.*\n.*--mapping auto/);
    expect(existsSync(json)).toBe(false);
  });

  it("a core over its limits: exit 2 at the entry of its neurons; the stock loihi profile takes the placement too", async () => {
    const small = join(dir, "small.yaml");
    writeFileSync(small, ARCH.replace("max_neurons_supported: 64", "max_neurons_supported: 3"));
    const file = join(dir, "net.yaml");
    const json = join(dir, "small.json");
    const r = await cli("simulate", file, "--engine", "chip", "--profile", small, "--json", json);
    expect(r.code).toBe(2);
    // core 0.1 holds a.2..3 (line 19) and b.1..2: 4 neurons where the chip allows 3
    expect(r.err).toMatch(
      /net\.yaml:19: the file's mapping does not fit two-tiles: .*core 1 uses 4 neurons, its limit is 3/,
    );
    expect(r.err).toContain("--mapping auto");
    expect(existsSync(json)).toBe(false);
    const loihi = await cli("simulate", file, "--engine", "chip", "--profile", "loihi", "--json", json);
    expect(loihi.code).toBe(0);
    const cores = coresOf(json).map(([c, , slices]) => [c, slices]);
    expect(cores).toHaveLength(3);
    expect(cores.map(([, s]) => s)).toEqual([["a[2:4]", "b[1:3]"], ["b[0:1]"], ["a[0:2]"]]);
  });
});
