// NIR import of real files: every shared fixture, the paper files' exact contents, the synthetic files'
// nested graph, metadata and "same" padding. Hand-made and malformed files are in nir-crafted.test.ts.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type NetGraph, validateGraph } from "../../graph/index.js";
import { importNir, nirImporter } from "./index.js";
import { fixture, fixturePaths } from "./testing.js";

const node = (g: NetGraph, id: string) => g.nodes.get(id) as Record<string, unknown> & { kind: string };

describe("shared fixtures", () => {
  const paths = fixturePaths();
  it("finds the fixture files", () => expect(paths.length).toBeGreaterThanOrEqual(7));
  for (const path of paths) {
    it(`imports and validates ${path.split("/nir/")[1]}`, async () => {
      const bytes = new Uint8Array(readFileSync(path));
      expect(nirImporter.sniff(bytes.subarray(0, 64))).toBe(true);
      const r = await nirImporter.load(bytes, path, {});
      expect(r.format).toBe("nir");
      expect(r.formatVersion).toMatch(/^[01]\./);
      expect(() => validateGraph(r.graph)).not.toThrow();
    });
  }
  it("serves concurrent imports one at a time without mixing them up", async () => {
    const names = ["01_lif/lif_norse.nir", "02_cnn/cnn_sinabs.nir", "synthetic/conv1d_same.nir"];
    const results = await Promise.all(names.map((n) => importNir(fixture(n), n)));
    expect(results.map((r) => r.graph.nodes.size)).toEqual([4, 15, 3]);
  });
});

describe("paper files", () => {
  it("cnn_sinabs: [2,34,34] → [16,16,16] → … → [10], layer by layer", async () => {
    const { graph } = await importNir(fixture("02_cnn/cnn_sinabs.nir"), "cnn_sinabs.nir");
    const shapes = validateGraph(graph);
    const expected: [string, string, number[]][] = [
      ["input", "Input", [2, 34, 34]],
      ["0", "Conv2d", [16, 16, 16]],
      ["1", "IF", [16, 16, 16]],
      ["2", "Conv2d", [16, 16, 16]],
      ["3", "IF", [16, 16, 16]],
      ["4", "SumPool2d", [16, 8, 8]],
      ["5", "Conv2d", [8, 8, 8]],
      ["6", "IF", [8, 8, 8]],
      ["7", "SumPool2d", [8, 4, 4]],
      ["8", "Flatten", [128]],
      ["9", "Affine", [256]],
      ["10", "IF", [256]],
      ["11", "Affine", [10]],
      ["12", "IF", [10]],
      ["output", "Output", [10]],
    ];
    expect([...graph.nodes.keys()]).toEqual(expected.map(([id]) => id)); // dependency order, not HDF5's "0","1","10"
    for (const [id, kind, out] of expected) {
      expect(node(graph, id).kind).toBe(kind);
      expect(shapes.get(id)?.outputs.out, id).toEqual(out);
    }
    expect(node(graph, "0")).toMatchObject({
      stride: [2, 2],
      pads: [1, 1, 1, 1],
      dilation: [1, 1],
      groups: 1,
      inputSize: [34, 34],
    });
    expect(node(graph, "8")).toMatchObject({ startDim: 0, endDim: -1, inputShape: [8, 4, 4] });
  });

  it("cnn_sinabs: IF without v_reset reset to 0 by value, or by subtraction on request, with a warning", async () => {
    const byValue = await importNir(fixture("02_cnn/cnn_sinabs.nir"), "cnn.nir");
    expect(node(byValue.graph, "1")).toMatchObject({ resetMode: "value", fire: "gt" });
    expect(byValue.warnings[0]).toMatch(
      /cnn\.nir: no v_reset in "1", "10", "12", "3", "6".*resetMode "subtract"/,
    );
    const sub = await importNir(fixture("02_cnn/cnn_sinabs.nir"), "cnn.nir", { resetMode: "subtract" });
    for (const id of ["1", "3", "6", "10", "12"]) expect(node(sub.graph, id).resetMode).toBe("subtract");
    expect(sub.warnings[0]).toMatch(/subtracting the threshold/);
  });

  it("lif_norse: Affine(w=[[1]], b=[0]) → LIF(tau=0.0025, r=1, v_leak=0, v_th=0.1)", async () => {
    const r = await importNir(fixture("01_lif/lif_norse.nir"), "lif_norse.nir");
    expect(r.formatVersion).toBe("0.1.1");
    expect([...r.graph.nodes.keys()]).toEqual(["input", "0", "1", "output"]);
    expect(r.graph.edges).toEqual([
      { src: "input", dst: "0" },
      { src: "0", dst: "1" },
      { src: "1", dst: "output" },
    ]);
    const aff = node(r.graph, "0");
    expect(aff).toMatchObject({
      kind: "Affine",
      weight: { shape: [1, 1], data: Float32Array.of(1) },
      bias: { shape: [1], data: Float32Array.of(0) },
    });
    const l = r.graph.nodes.get("1");
    if (l?.kind !== "LIF") throw new Error("node 1 is not a LIF");
    expect(l.tau.data[0]).toBeCloseTo(0.0025, 9);
    expect([l.r.data[0], l.vLeak.data[0], l.vReset.data[0]]).toEqual([1, 0, 0]);
    expect(l.vThreshold.data[0]).toBeCloseTo(0.1, 7);
    expect(l.tau.data).toBeInstanceOf(Float32Array);
    expect(l.vReset.data).toBeInstanceOf(Float32Array); // the default takes v_threshold's dtype
  });

  it("lif_rockpool: Linear 0.04 → LIF r≈24.02; its [1,1,1] Output shape is reconciled to [1]", async () => {
    const r = await importNir(fixture("01_lif/lif_rockpool.nir"), "lif_rockpool.nir");
    expect(node(r.graph, "0_LinearTorch").kind).toBe("Linear");
    const l = r.graph.nodes.get("1_LIFNeuronTorch");
    expect(l?.kind === "LIF" && l.r.data[0]).toBeCloseTo(24.0197, 3);
    expect(node(r.graph, "output").shape).toEqual([1]);
    expect(r.warnings.some((w) => w.includes('Output "output" declared [1,1,1]'))).toBe(true);
  });
});

describe("synthetic files", () => {
  it("all_primitives gzip and plain import to the same NetGraph, with every primitive", async () => {
    const gz = await importNir(fixture("synthetic/all_primitives_gzip.nir"), "gz.nir");
    const plain = await importNir(fixture("synthetic/all_primitives_nocomp.nir"), "plain.nir");
    expect(gz.graph).toStrictEqual(plain.graph);
    expect(gz.warnings).toEqual([]);
    const kinds = new Set([...plain.graph.nodes.values()].map((n) => n.kind));
    for (const k of [
      "Conv2d",
      "IF",
      "SumPool2d",
      "AvgPool2d",
      "Flatten",
      "Affine",
      "LIF",
      "Linear",
      "CubaLIF",
      "CubaLI",
      "LI",
      "I",
      "Scale",
      "Delay",
      "Threshold",
      "Subgraph",
    ]) {
      expect(kinds.has(k as never), k).toBe(true);
    }
    expect(plain.graph.metadata).toEqual({ dt: 0.0001, producer: "research-probe" });
    expect(plain.graph.dt).toBe(0.0001);
  });

  it("maps edges into a nested NIRGraph to the subgraph's Input/Output ports", async () => {
    const { graph } = await importNir(fixture("synthetic/all_primitives_nocomp.nir"), "p.nir");
    expect(graph.edges).toContainEqual({ src: "thr", dst: "sub", dstPort: "i" });
    expect(graph.edges).toContainEqual({ src: "sub", dst: "output", srcPort: "o" });
    const sub = graph.nodes.get("sub");
    if (sub?.kind !== "Subgraph") throw new Error("sub is not a Subgraph");
    expect([...sub.graph.nodes.keys()]).toEqual(["i", "l", "o"]);
    expect(sub.graph.metadata).toEqual({ note: "nested" });
  });

  it("conv1d_same: padding 'same' with k=3 gives pads [1,1] and keeps the length", async () => {
    const { graph } = await importNir(fixture("synthetic/conv1d_same.nir"), "c.nir");
    expect(node(graph, "conv1d")).toMatchObject({ kind: "Conv1d", pads: [1, 1], stride: 1, inputLength: 8 });
    expect(validateGraph(graph).get("conv1d")?.outputs.out).toEqual([2, 8]);
  });
});
