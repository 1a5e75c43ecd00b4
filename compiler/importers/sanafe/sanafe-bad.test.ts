// Bad SANA-FE network files: each refused as a user error naming file:line and what to fix.

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { type ChipShape, importSanafe } from "./index.js";

const BASE = (edges: string, mappings = "  - i: {core: 0.0}\n  - o: {core: 0.1}\n") => `network:
  groups:
    - name: i
      neurons: [{0..3: {spikes: [1, 0]}}]
    - name: o
      attributes: {threshold: 1}
      neurons: [0..1]
  edges:
${edges}mappings:
${mappings}`;
const DENSE = "    - i -> o: {type: dense, weight: [1, 1, 1, 1, 1, 1, 1, 1]}\n";
const CHIP: ChipShape = {
  file: "chip.yaml",
  coresPerTile: [2, 2],
  units: { soma: new Set(["lif", "in"]), synapse: new Set(["syn"]), dendrite: new Set(["acc"]) },
};

function refusal(text: string, chip?: ChipShape): SpikegridError {
  try {
    importSanafe(text, "bad.yaml", chip);
  } catch (e) {
    if (e instanceof SpikegridError) return e;
    throw e;
  }
  throw new Error("the file was accepted");
}

describe("bad SANA-FE network files", () => {
  it("the base file is fine", () => {
    expect(importSanafe(BASE(DENSE), "ok.yaml", CHIP).graph.nodes.size).toBeGreaterThan(0);
  });
  it.each([
    [
      "an edge to an unknown group",
      BASE("    - i -> x: {type: dense, weight: [1]}\n"),
      /bad\.yaml:9: .*group "x", which is not defined/,
    ],
    [
      "a weight list of the wrong length",
      BASE("    - i -> o: {type: dense, weight: [1, 2, 3]}\n"),
      /bad\.yaml:9: .*3 weights where 8 are needed/,
    ],
    [
      "conv2d sizes that do not match the groups",
      BASE(
        "    - i -> o: {type: conv2d, input_width: 2, input_height: 2, input_channels: 1, kernel_width: 2, kernel_height: 2, kernel_count: 1, stride_width: 1, stride_height: 1, weight: [1, 1, 1, 1]}\n",
      ),
      /bad\.yaml:9: conv2d output 1x1x1 = 1 neurons .* group "o" has 2/,
    ],
    [
      "a neuron mapped twice",
      BASE(DENSE, "  - i: {core: 0.0}\n  - o: {core: 0.1}\n  - o.1: {core: 1.0}\n"),
      /bad\.yaml:13: neuron o\.1 is mapped twice \(first at line 12\)/,
    ],
    [
      "a neuron never mapped",
      BASE(DENSE, "  - i: {core: 0.0}\n  - o.0: {core: 0.1}\n"),
      /neuron o\.1 is not mapped/,
    ],
    [
      "a mapping to a core the chip lacks",
      BASE(DENSE, "  - i: {core: 0.0}\n  - o: {core: 1.2}\n"),
      /bad\.yaml:12: core 1\.2: tile 1 of chip\.yaml has cores 0\.\.1/,
    ],
    [
      "a mapping to a tile the chip lacks",
      BASE(DENSE, "  - i: {core: 0.0}\n  - o: {core: 5.0}\n"),
      /bad\.yaml:12: core 5\.0: the chip chip\.yaml has tiles 0\.\.1/,
    ],
    [
      "an unknown unit name",
      BASE(DENSE, "  - i: {core: 0.0, soma: in}\n  - o: {core: 0.1, soma: lfi}\n"),
      /bad\.yaml:12: unknown soma unit "lfi"/,
    ],
    [
      "a neuron outside its group",
      BASE("    - i.7 -> o.0: [weight: 1]\n"),
      /bad\.yaml:9: neuron i\.7 does not exist/,
    ],
  ])("%s", (_what, text, message) => {
    const e = refusal(text, CHIP);
    expect(e.code).not.toBe("UNSUPPORTED");
    expect(e.message).toMatch(message);
  });
  it("YAML syntax errors and alias bombs are positioned, not thrown from the parser", () => {
    expect(refusal("network:\n  groups: [\n").message).toMatch(/^bad\.yaml:\d+: YAML syntax error/);
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nnetwork: {}\n`;
    expect(refusal(bomb).message).toMatch(/aliases expand too far/);
  });
  it("semantics without an exact NetGraph form are refused by name", () => {
    const text = BASE(DENSE).replace(
      "attributes: {threshold: 1}",
      "attributes: {threshold: 1, refractory_delay: 2}",
    );
    const e = refusal(text);
    expect(e.code).toBe("UNSUPPORTED");
    expect(e.message).toMatch(/bad\.yaml:6: refractory_delay/);
  });
});
