// A mapping file's text: indented up to MAPPING_INDENT_MAX_CORES cores, compact above (a system's ImageNet
// mapping indented is close to the longest JS string), and the same mapping either way.
import { describe, expect, it } from "vitest";
import { MAPPING_INDENT_MAX_CORES, mappingJson } from "./mapping-json.js";
import type { Mapping } from "./types.js";

function mappingOf(cores: number): Mapping {
  return {
    schemaVersion: 1,
    profile: "p",
    cores: Array.from({ length: cores }, (_, index) => ({
      index,
      x: index,
      y: 0,
      tile: index,
      slices: [{ population: "a", start: index, count: 1 }],
      usage: { neurons: 1 },
      limits: { neurons: 1 },
    })),
    routes: [{ fromCore: 0, toCores: [1], hops: 1 }],
    routingTables: {},
    placement: "sequential",
    cost: { trafficHops: 1, trafficSource: "fan-out" },
  };
}

describe("mappingJson", () => {
  it("indents a mapping of up to MAPPING_INDENT_MAX_CORES cores", () => {
    const text = mappingJson(mappingOf(3));
    expect(text).toContain('\n  "cores": [\n');
    expect(JSON.parse(text)).toEqual(mappingOf(3));
  });

  it("writes a larger one on one line, the same mapping", () => {
    const m = mappingOf(MAPPING_INDENT_MAX_CORES + 1);
    const text = mappingJson(m);
    expect(text.indexOf("\n")).toBe(text.length - 1);
    expect(JSON.parse(text)).toEqual(m);
  });
});
