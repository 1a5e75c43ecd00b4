// The direct run (SANA-FE's model on the file's mappings) against the compiled chip (--no-direct) on random SANA-FE
// networks of our own: every edge kind, input trains, biases (unfed and fed groups), leaks k/4096, soft / hard
// resets, the reverse floor, neurons over several tiles — the same counts, energy, timing, per-step series and
// per-layer rows, number for number. Outside the direct run's domain it hands over to the compiled chip.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bufferIo } from "../../../cli/io.js";
import { runCli } from "../../../cli/main.js";
import { rng } from "../../../compiler/mapping/math.js";
import { checkRunJson } from "../../../reports/run-json.js";
import { smallArch } from "../../../test/sanafe/small-files.js";

const STEPS = 40;

/** A random network: input trains → a (dense + a bias group's sparse edge) → c (conv2d 2×3×3 → 2×2×2, per-channel
 * biases) → d (dense + neuron edges, reverse floor); b unfed with biases. */
function randomNet(seed: number): string {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  // weights on a 1/4 grid and thresholds on a 1/64 grid, so SANA-FE's 1/64 truncation of a leaking v decides fires
  const w = (n: number, lo = -40, hi = 60) =>
    `[${Array.from({ length: n }, () => (r() < 0.15 ? 0 : int(lo * 4, hi * 4) / 4)).join(", ")}]`;
  const th = (lo: number, hi: number) => int(lo * 64, hi * 64) / 64;
  const leak = () => (r() < 0.2 ? 1 : int(3000, 4095) / 4096);
  const train = () => `[${Array.from({ length: STEPS }, () => (r() < 0.35 ? 1 : 0)).join(", ")}]`;
  const core = () => `${int(0, 3)}.${int(0, 1)}`;
  const nIn = int(2, 4);
  const lines = [
    "network:",
    `  name: rand${seed}`,
    "  groups:",
    "    - name: i",
    "      neurons:",
    ...Array.from({ length: nIn }, (_, k) => `        - ${k}: {spikes: ${train()}}`),
    "    - name: b",
    `      attributes: {threshold: ${th(20, 80)}, leak_decay: ${leak()}, reset_mode: soft}`,
    "      neurons:",
    ...Array.from({ length: 3 }, (_, k) => `        - ${k}: {bias: ${int(0, 30) / (r() < 0.3 ? 4 : 1)}}`),
    "    - name: a",
    `      attributes: {threshold: ${th(10, 90)}, leak_decay: ${leak()}, reset_mode: ${r() < 0.5 ? "soft" : "hard"}, reset: ${int(-5, 5)}}`,
    "      neurons: [0..17]",
    "    - name: c",
    `      attributes: {threshold: ${th(10, 90)}, leak_decay: ${leak()}}`,
    "      neurons:",
    ...[0, 1].flatMap((ch) =>
      Array.from({ length: 4 }, (_, k) => `        - ${ch * 4 + k}: {bias: ${ch + 1}}`),
    ),
    "    - name: d",
    `      attributes: {threshold: ${th(10, 90)}, leak_decay: ${leak()}, reverse_threshold: ${-int(5, 60)}, reverse_reset_mode: saturate}`,
    "      neurons: [0..2]",
    "  edges:",
    `    - i -> a: {type: dense, weight: ${w(nIn * 18)}}`,
    `    - b -> a: {type: sparse, source_target_pairs: [[0, 1], [1, 5], [2, 9], [2, 17]], weight: ${w(4)}}`,
    "    - a -> c:",
    "        type: conv2d",
    "        input_height: 3",
    "        input_width: 3",
    "        input_channels: 2",
    "        kernel_count: 2",
    "        kernel_height: 2",
    "        kernel_width: 2",
    "        stride_height: 1",
    "        stride_width: 1",
    `        weight: ${w(16)}`,
    `    - c -> d: {type: dense, weight: ${w(24)}}`,
    `    - a.${int(0, 17)} -> d.${int(0, 2)}: {weight: ${int(-30, 30)}}`,
    "mappings:",
    `  - i: {core: ${core()}, soma: loihi_inputs}`,
    `  - b: {core: ${core()}}`,
    ...Array.from({ length: 18 }, (_, k) => `  - a.${k}: {core: ${core()}}`),
    `  - c: {core: ${core()}}`,
    `  - d: {core: ${core()}}`,
  ];
  return `${lines.join("\n")}\n`;
}

async function run(dir: string, net: string, extra: string[]) {
  const json = join(dir, `run${extra.length}.json`);
  const io = bufferIo();
  const args = [
    "simulate",
    net,
    "--engine",
    "chip",
    "--profile",
    join(dir, "arch.yaml"),
    "--timesteps",
    String(STEPS),
  ];
  const code = await runCli([...args, "--convention", "sanafe", "--json", json, ...extra], io);
  if (code !== 0) throw new Error(io.stderr.join("\n"));
  return { run: JSON.parse(readFileSync(json, "utf8")), err: io.stderr.join("\n") };
}

/**
 * What both paths must give alike: SANA-FE's figures (its counts, energy, timing and per-step series) and the
 * model's shape. The default convention's reference-side figures (dense, active updates, per-layer AC/MAC, the
 * theoretical energy) follow each path's own stated convention (the compiled graph feeds spike trains as graded
 * events when a group takes its biases as an input) and are not compared.
 */
function comparable(run: Record<string, unknown>) {
  const m = run.model as Record<string, unknown>;
  const c = run.counts as Record<string, unknown>;
  const e = (run.energy as { chip: Record<string, unknown> }).chip;
  return {
    model: [m.inputs, m.populations, m.neurons],
    counts: [c.ac, c.mac, c.synapticOps, c.neuronUpdates, c.spikes, c.packets, c.hops, c.saturations],
    energy: [e.totalJ, e.sanafe, e.byEvent, e.events, e.costs],
    latency: run.latency,
    perStep: run.perStep,
    layers: (run.perLayer as Record<string, unknown>[]).map((l) => [
      l.id,
      l.neurons,
      l.spikes,
      l.neuronUpdates,
    ]),
  };
}

describe("the direct run fires, counts, costs and times as the compiled chip", () => {
  it("random networks over four tiles: the same run JSON sections, number for number", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sanafe-direct-"));
    writeFileSync(join(dir, "arch.yaml"), smallArch({ name: "grid2x2", width: 2, height: 2 }));
    let spikes = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 30 }), async (seed) => {
          const net = join(dir, "net.yaml");
          writeFileSync(net, randomNet(seed));
          const direct = await run(dir, net, []);
          const chip = await run(dir, net, ["--no-direct"]);
          expect(direct.run.run.path, direct.err).toBe("direct");
          expect(chip.run.run.path).toBeUndefined();
          checkRunJson(direct.run);
          expect(comparable(direct.run)).toEqual(comparable(chip.run));
          spikes += direct.run.counts.spikes;
        }),
        { numRuns: 12, seed: 16 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(spikes).toBeGreaterThan(200); // the networks fire: the comparison means something
  }, 120_000);

  it("weights beyond the packed connection's 16 bits (× 64): the same run JSON sections", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sanafe-direct-"));
    writeFileSync(join(dir, "arch.yaml"), smallArch({ name: "grid2x2", width: 2, height: 2 }));
    try {
      for (const seed of [3, 11]) {
        const net = join(dir, "net.yaml");
        // 600 × 64 needs 17 signed bits: the step loop reads targets and weights from separate arrays
        const text = randomNet(seed).replace(/(-> d\.\d+: \{weight: )-?\d+/, "$1-600");
        expect(text).toContain("{weight: -600}");
        writeFileSync(net, text);
        const direct = await run(dir, net, []);
        const chip = await run(dir, net, ["--no-direct"]);
        expect(direct.run.run.path, direct.err).toBe("direct");
        expect(comparable(direct.run)).toEqual(comparable(chip.run));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("hands a network outside its domain to the compiled chip, saying why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sanafe-direct-"));
    try {
      writeFileSync(join(dir, "arch.yaml"), smallArch({ name: "grid2x2", width: 2, height: 2 }));
      const net = join(dir, "net.yaml");
      // leak_decay 0.9 is no k/4096: the compiled chip rounds it, SANA-FE's model would not
      writeFileSync(
        net,
        randomNet(7).replace(/leak_decay: [0-9.]+, reset_mode: soft/, "leak_decay: 0.9, reset_mode: soft"),
      );
      const r = await run(dir, net, []);
      expect(r.run.run.path).toBeUndefined();
      expect(r.err).toMatch(
        /note: ran the compiled chip, not SANA-FE's model directly: group "b": a leak_decay is not k\/4096/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
