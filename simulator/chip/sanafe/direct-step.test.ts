// The step loop's packed connections (target position and weight in one Int32) against its two-array form, on a
// network whose spikes land past position 2^15 (where a packed target's sign bit is set): the same spikes, step by
// step and per group.

import { describe, expect, it } from "vitest";
import { parseProfileText } from "../../../hw-profiles/index.js";
import { smallArch } from "../../../test/sanafe/small-files.js";
import { runSanafeDirect } from "./direct.js";

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
