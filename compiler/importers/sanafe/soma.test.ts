// SANA-FE soma reading where neurons share their attribute map (a range, network.ts): every neuron of a range
// gets the range's values, an entry between ranges its own, and a bad value or mixed mode is still refused.

import { describe, expect, it } from "vitest";
import { parseNetwork } from "./network.js";
import { readSomas } from "./soma.js";
import { YamlFile } from "./yaml-read.js";

function somas(groupYaml: string) {
  const text = ["network:", "  groups:", groupYaml, "  edges: []", ""].join("\n");
  const f = YamlFile.parse(text, "s.yaml", "IMPORT_FAILED");
  const warnings: string[] = [];
  return readSomas(f, parseNetwork(f).groups.values(), warnings).get("a")!;
}

describe("readSomas on ranges", () => {
  it("gives each neuron of a range the range's values and an entry between ranges its own", () => {
    const s = somas(
      [
        "  - name: a",
        "    attributes: {threshold: 3, leak_decay: 0.5, reset_mode: soft}",
        "    neurons: [0..2, {3: {bias: 2, threshold: 7}}, {4..5: {reset: -1}}, 6]",
      ].join("\n"),
    );
    if (s.kind !== "lif") throw new Error("expected a LIF group");
    expect([...s.threshold]).toEqual([3, 3, 3, 7, 3, 3, 3]);
    expect([...s.bias]).toEqual([0, 0, 0, 2, 0, 0, 0]);
    expect([...s.reset]).toEqual([0, 0, 0, 0, -1, -1, 0]);
    expect([...s.leakDecay]).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(s.resetMode).toBe("soft");
  });

  it("still refuses a bad value on a range and a reset mode that differs between ranges", () => {
    expect(() => somas(["  - name: a", "    neurons: [{0..4: {leak_decay: 2}}]"].join("\n"))).toThrow(
      /s\.yaml:4: leak_decay 2 is outside 0\.\.1/,
    );
    expect(() =>
      somas(
        ["  - name: a", "    neurons: [{0..2: {reset_mode: soft}}, {3..5: {reset_mode: hard}}]"].join("\n"),
      ),
    ).toThrow(/mixes reset_mode soft and hard/);
  });

  it("finds an input group by any neuron's spikes, after neurons that share one map", () => {
    const s = somas(["  - name: a", "    neurons: [0..3, {4: {spikes: [0, 1]}}]"].join("\n"));
    expect(s.kind).toBe("input");
  });
});
