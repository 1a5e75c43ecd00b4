// `explore --convention sanafe`: every point counts, costs and times its run by SANA-FE's rules on the file's own
// mappings, so a point equals `simulate --convention sanafe --json` of the same setup on SANA-FE's Loihi profile
// and on a small arch file; refused without a SANA-FE file or with a core budget axis; the convention is part of
// the grid (resume and merge never mix conventions).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeNpyFile } from "../../compiler/importers/tensors/index.js";
import { tempDir } from "../../explore/test-helpers.js";
import { cli } from "../../test/cli-run.js";
import { smallArch } from "../../test/sanafe/small-files.js";

// two input trains (tile 0) → three LIFs (core 0.1) → two biased LIFs on tile 1: messages cross tiles, zero
// weights are SANA-FE look-ups, and 0.25 / 0.75 round away at 2 weight bits (the bits change the spikes)
const net = (o: { bCore?: string; oneLayer?: boolean } = {}) => `network:
  groups:
    - name: i
      neurons:
        - 0: {spikes: [1, 0, 1, 1, 0, 1, 0, 1]}
        - 1: {spikes: [0, 1, 1, 0, 0, 1, 1, 1]}
    - name: a
      attributes: {threshold: 0.5}
      neurons: [0..2]
${
  o.oneLayer
    ? ""
    : `    - name: b
      attributes: {threshold: 1.0, bias: 0.25}
      neurons: [0..1]
`
}  edges:
    - i -> a: {type: dense, weight: [1, 0.25, 0, 0.5, 0.5, 1]}
${o.oneLayer ? "" : "    - a -> b: {type: dense, weight: [0.5, 0, 0.75, 0.25, 1, 0.5]}\n"}mappings:
  - i: {core: 0.0, soma: loihi_inputs}
  - a: {core: 0.1}
${o.oneLayer ? "" : `  - b: {core: ${o.bCore ?? "1.0"}}\n`}`;

/** A 1 × 2 mesh of tiles with two cores each, in SANA-FE's arch format; its units take the file's names. */
const ARCH = smallArch({ name: "Tiny Chip", width: 1, height: 2 });

function setup() {
  const dir = tempDir();
  const file = join(dir, "net.yaml");
  const arch = join(dir, "arch.yaml");
  writeFileSync(file, net());
  writeFileSync(arch, ARCH);
  return { dir, file, arch };
}

const SWEEP = ["--weight-bits", "2,8", "--timesteps", "4,8", "--convention", "sanafe"];

describe("explore --convention sanafe", () => {
  it("every point's ops, chip energy and latency equal simulate --convention sanafe --json", async () => {
    const { dir, file, arch } = setup();
    const out = join(dir, "r.jsonl");
    const html = join(dir, "r.html");
    const r = await cli(
      "explore",
      file,
      "--profiles",
      `loihi-sanafe,${arch}`,
      ...SWEEP,
      "-o",
      out,
      "--html",
      html,
    );
    expect(r.code, r.err).toBe(0);
    const points = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(points).toHaveLength(8);
    const spikes = new Set<number>();
    for (const p of points) {
      expect(p.fits, p.key).toBe(true);
      expect(p.convention).toBe("sanafe");
      const json = join(dir, "run.json");
      const s = await cli(
        "simulate",
        file,
        "--engine",
        "chip",
        "--profile",
        p.profile,
        "--convention",
        "sanafe",
        "--weight-bits",
        String(p.weightBits),
        "--timesteps",
        String(p.timesteps),
        "--json",
        json,
      );
      expect(s.code, s.err).toBe(0);
      const run = JSON.parse(readFileSync(json, "utf8"));
      expect(run.run.convention).toBe("sanafe");
      // one sample (the file's recorded inputs): per sample = the run's totals
      expect(p.samples).toBe(1);
      expect(p.ops.ac, p.key).toBe(run.counts.ac);
      expect(p.ops.mac).toBe(0);
      expect(run.counts.mac).toBe(0);
      expect(p.ops.spikes, p.key).toBe(run.counts.spikes);
      expect(p.energy.chipJ, p.key).toBe(run.energy.chip.totalJ);
      expect(p.energy.theoreticalJ, p.key).toBe(run.energy.theoretical.totalJ);
      expect(p.latency.perSampleS, p.key).toBe(run.latency.perSampleS);
      expect(p.latency.perTimestepS, p.key).toBe(run.latency.perTimestepS.mean);
      expect(p.cores.used).toBe(run.cores.length);
      spikes.add(p.ops.spikes);
    }
    // SANA-FE counts the file's look-ups whatever the weights: 8 steps see more than 4, and the profiles'
    // unit costs differ
    const at = (k: string) => points.find((p) => p.key === k)!;
    expect(at(`loihi-sanafe|cores=auto|w=8|s=auto|T=8`).ops.ac).toBeGreaterThan(
      at(`loihi-sanafe|cores=auto|w=8|s=auto|T=4`).ops.ac,
    );
    expect(at(`${arch}|cores=auto|w=8|s=auto|T=8`).energy.chipJ).not.toBe(
      at(`loihi-sanafe|cores=auto|w=8|s=auto|T=8`).energy.chipJ,
    );
    expect(spikes.size).toBeGreaterThan(2); // weight bits and steps change what fires
    expect(r.out).toMatch(
      /Pareto front \(energy \(chip, convention sanafe\) × latency \(convention sanafe\)\)/,
    );
    expect(r.out).toMatch(/note: convention sanafe: ops, chip energy and latency by SANA-FE's rules/);
    const page = readFileSync(html, "utf8");
    expect(page).toContain("energy per sample (chip simulator, convention sanafe)");
    expect(page).toContain("convention sanafe: ops, chip energy and latency by SANA-FE's rules");
  }, 120_000);

  it("a chip the file's mapping does not fit is a point that does not fit, the others run", async () => {
    const { dir, arch } = setup();
    const file = join(dir, "far.yaml");
    writeFileSync(file, net({ bCore: "3.0" })); // tile 3: loihi-sanafe has it, the 2-tile arch does not
    const out = join(dir, "far.jsonl");
    const r = await cli(
      "explore",
      file,
      "--profiles",
      `loihi-sanafe,${arch}`,
      "--convention",
      "sanafe",
      "-o",
      out,
    );
    expect(r.code, r.err).toBe(0);
    const [loihi, tiny] = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(loihi.fits).toBe(true);
    expect(tiny).toMatchObject({ fits: false, stage: "map", convention: "sanafe" });
    expect(tiny.reason).toMatch(/far\.yaml:\d+: core 3\.0 of b\.0\.\.1: .* has no tile 3/);
  }, 60_000);

  it("refuses a model that is no SANA-FE file and a core budget axis, before any point runs", async () => {
    const { dir, file } = setup();
    const out = join(dir, "x.jsonl");
    const cores = await cli(
      "explore",
      file,
      "--profiles",
      "loihi-sanafe",
      "--max-cores",
      "2,auto",
      "--convention",
      "sanafe",
      "-o",
      out,
    );
    expect(cores.code).toBe(2);
    expect(cores.err).toMatch(
      /--max-cores: --convention sanafe runs every point on the SANA-FE file's own mappings:/,
    );
    const grid = join(dir, "grid.yaml");
    writeFileSync(grid, `model: ${file}\nprofiles: [loihi-sanafe]\nmaxCores: [4]\nconvention: sanafe\n`);
    const fromFile = await cli("explore", "--grid", grid, "-o", out);
    expect(fromFile.code).toBe(2);
    expect(fromFile.err).toMatch(/grid\.yaml:3:\d+ \(maxCores\): --convention sanafe runs every point/);
    const nir = await cli(
      "explore",
      "examples/cnn_sinabs.nir",
      "--input",
      "examples/events.npy",
      "--profiles",
      "loihi-sanafe",
      "--convention",
      "sanafe",
      "-o",
      out,
    );
    expect(nir.code).toBe(2);
    expect(nir.err).toMatch(
      /--convention sanafe counts by a SANA-FE network file's own connections and mappings; examples\/cnn_sinabs\.nir is not one/,
    );
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("resumes its own results; the same grid under the default convention is another grid", async () => {
    const { dir } = setup();
    // one input group and no bias, so the file's trains can also come as --input (one input)
    const file = join(dir, "one-input.yaml");
    writeFileSync(file, net({ oneLayer: true }));
    const trains = join(dir, "trains.npy");
    const spikes = [1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1];
    writeNpyFile(trains, { dtype: "float32", shape: [1, 8, 2], data: Float32Array.from(spikes) });
    const out = join(dir, "r.jsonl");
    const args = [file, "--profiles", "loihi-sanafe", "--weight-bits", "2,8", "--input", trains, "-o", out];
    const first = await cli("explore", ...args, "--convention", "sanafe");
    expect(first.code, first.err).toBe(0);
    const written = readFileSync(out, "utf8");
    expect(written).toContain('"convention":"sanafe"');
    const again = await cli("explore", ...args, "--convention", "sanafe");
    expect(again.out).toMatch(/0 point\(s\) run, 2 resumed from the file/);
    const plain = await cli("explore", ...args);
    expect(plain.code).toBe(2);
    expect(plain.err).toMatch(/r\.jsonl holds results of another grid/);
    expect(readFileSync(out, "utf8")).toBe(written);
  }, 60_000);
});
