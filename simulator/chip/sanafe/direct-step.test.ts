// The step loop's packed connections (target position and weight in one Int32) against its two-array form, on a
// network whose spikes land past position 2^15 (where a packed target's sign bit is set): the same spikes, step by
// step and per group; and its connection forms (with the arrival count in WebAssembly and in JS, packed, two
// arrays) on networks with zero and cancelling weights: the same run.

import { describe, expect, it } from "vitest";
import { parseSanafeFile } from "../../../compiler/importers/sanafe/parsed.js";
import { rng } from "../../../compiler/mapping/math.js";
import { parseProfileText } from "../../../hw-profiles/index.js";
import { smallArch } from "../../../test/sanafe/small-files.js";
import { runSanafeDirect } from "./direct.js";
import { directPlan } from "./direct-domain.js";
import { type ConnectionForm, runDirect } from "./direct-run.js";
import { conventionNetOf } from "./from-file.js";
import { BatchScheduler } from "./schedule-batches.js";

const TARGETS = 33000;
const PER_CORE = 64;

/** s (4 biased neurons) → t (TARGETS neurons) through a few sparse pairs, most of them past position 2^15; with
 * `wide`, also an edge of weight 600 (× 64 needs 17 bits) from t.1, which nothing feeds and never fires, to u. */
function network(wide: boolean): string {
  const cores = Math.ceil(TARGETS / PER_CORE);
  const lines = [
    "network:",
    "  name: wide",
    "  groups:",
    "    - name: s",
    "      attributes: {threshold: 3, leak_decay: 1, reset_mode: hard, reset: 0}",
    "      neurons:",
    "        - 0..3: {bias: 1}",
    "    - name: t",
    "      attributes: {threshold: 5, leak_decay: 1, reset_mode: hard, reset: 0}",
    `      neurons: [0..${TARGETS - 1}]`,
    "    - name: u",
    "      attributes: {threshold: 5, leak_decay: 1}",
    "      neurons: [0..0]",
    "  edges:",
    "    - s -> t: {type: sparse, source_target_pairs: [[0, 32990], [1, 32995], [2, 40], [3, 32999], [0, 32800]], weight: [3, 4, 2, 6, -1]}",
    ...(wide ? ["    - t.1 -> u.0: {weight: 600}"] : []),
    "mappings:",
    "  - s: {core: 0.0}",
    "  - u: {core: 0.0}",
    ...Array.from({ length: cores }, (_, c) => {
      const slot = c + 1;
      const last = Math.min(TARGETS, (c + 1) * PER_CORE) - 1;
      return `  - t.${c * PER_CORE}..${last}: {core: ${slot >> 1}.${slot & 1}}`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}

describe("the step loop's packed connections", () => {
  it("deliver to targets past position 2^15 as the two-array form does", () => {
    const arch = smallArch({ name: "wide", width: 16, height: 17 });
    const { profile } = parseProfileText(arch, "wide.yaml");
    expect(profile).toBeDefined();
    const run = (wide: boolean) => {
      const r = runSanafeDirect(network(wide), "wide.yaml", profile!, 24);
      if ("reason" in r) throw new Error(r.reason);
      const json = r.json as {
        perStep: { spikes: number[] };
        perLayer: { id: string; spikes: number }[];
      };
      return { perStep: json.perStep.spikes, perLayer: json.perLayer.map((l) => [l.id, l.spikes]) };
    };
    const packed = run(false);
    const twoArrays = run(true);
    expect(packed).toEqual(twoArrays);
    // t.32990, t.32995 and t.32999 (positions past 2^15) fire
    const t = packed.perLayer.find(([id]) => id === "t");
    expect(t?.[1]).toBeGreaterThan(6);
  }, 60_000);
});

/** Input trains → a (dense, zero weights and weights that cancel in a step: a neuron reached with no net input
 * still counts as updated) → b (sparse, a leak, a soft reset and the reverse floor). */
function cancelling(seed: number): string {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const train = () => `[${Array.from({ length: 30 }, () => (r() < 0.5 ? 1 : 0)).join(", ")}]`;
  const w = (n: number) =>
    `[${Array.from({ length: n }, (_, k) => (k % 5 === 0 ? 0 : k % 2 === 0 ? 3 : -3 + (r() < 0.2 ? int(-2, 2) / 4 : 0))).join(", ")}]`;
  return [
    "network:",
    `  name: cancel${seed}`,
    "  groups:",
    "    - name: i",
    "      neurons:",
    ...[0, 1, 2, 3].map((k) => `        - ${k}: {spikes: ${train()}}`),
    "    - name: a",
    `      attributes: {threshold: ${int(2, 9)}, leak_decay: ${int(3000, 4095) / 4096}, reset_mode: hard, reset: 0}`,
    "      neurons: [0..9]",
    "    - name: b",
    "      attributes: {threshold: 4, leak_decay: 1, reset_mode: soft, reverse_threshold: -6, reverse_reset_mode: saturate}",
    "      neurons: [0..2]",
    "  edges:",
    `    - i -> a: {type: dense, weight: ${w(40)}}`,
    `    - a -> b: {type: sparse, source_target_pairs: [[0, 0], [1, 0], [2, 1], [3, 2], [4, 2], [9, 1]], weight: ${w(6)}}`,
    "mappings:",
    "  - i: {core: 0.0}",
    "  - a.0..4: {core: 0.1}",
    "  - a.5..9: {core: 1.0}",
    "  - b: {core: 1.1}",
    "",
  ].join("\n");
}

describe("the step loop's connection forms", () => {
  it("packed with the arrival count, packed, and two arrays: the same run, queues and counts", () => {
    const { profile } = parseProfileText(smallArch({ name: "forms", width: 2, height: 1 }), "forms.yaml");
    expect(profile).toBeDefined();
    const outgrew: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const text = cancelling(seed);
      const parsed = parseSanafeFile(text, "cancel.yaml");
      const net = conventionNetOf(parsed, "cancel.yaml", profile!, true);
      const plan = directPlan(
        parsed,
        profile!,
        Float64Array.from(net.fanIn64, (x) => x / 64),
      );
      if (typeof plan === "string") throw new Error(plan);
      const run = (form: ConnectionForm, fanIn = true) => {
        const scheduler = new BatchScheduler(false);
        const on = fanIn ? net : { ...net, fanIn64: undefined };
        const r = runDirect(on, plan.somas, 30, plan.limit, scheduler, form);
        return { ...r, totals: { ...r.totals } };
      };
      const counted = run("auto");
      expect(counted.steppedInWasm).toBe(true);
      const same = { ...counted, steppedInWasm: false };
      expect(run("counted")).toEqual(same);
      expect(run("packed")).toEqual(same);
      expect(run("arrays")).toEqual(same);
      expect(run("auto", false)).toEqual(counted); // Σ|w| into each neuron summed by the stepper itself
      expect(counted.totals.neuronsUpdated).toBeGreaterThan(0);
      // a potential past ±limit stops the run at the same step in WebAssembly and in JS, whichever side it leaves
      const stops = [0.5, 1, 2, 3, 5].map((limit) => {
        const at = (form: ConnectionForm) =>
          runDirect(net, plan.somas, 30, limit, new BatchScheduler(false), form).outgrewAt;
        expect(at("auto")).toBe(at("arrays"));
        return at("auto");
      });
      outgrew.push(...stops);
    }
    // the limits were met, and not only at the first step
    expect(outgrew.filter((t) => t > 0).length).toBeGreaterThan(3);
  });
});
