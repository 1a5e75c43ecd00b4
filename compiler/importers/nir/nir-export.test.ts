// NIR export: import → export → import is identical (typed-array classes included) for every fixture and
// both compressions; the layout equals what the reference nir.write produced; what NIR cannot say is refused.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SpikegridError } from "../../../common/errors.js";
import { sharedFixture } from "../../../test/shared-fixtures.js";
import {
  addNode,
  chain,
  connect,
  createActivation,
  createBatchNorm,
  createConv2d,
  createFlatten,
  createGraph,
  createInput,
  createLIF,
  createLinear,
  createMaxPool2d,
  createOutput,
  createThreshold,
  filled,
  ndarray,
} from "../../graph/index.js";
import { readH5Tree } from "./h5.js";
import { exportNir, exportNirFile, importNir } from "./index.js";
import { fixture, fixturePaths } from "./testing.js";
import { lookup } from "./tree.js";

const tmp = mkdtempSync(join(tmpdir(), "spikegrid-nir-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("round trip: import → export → import", () => {
  it("toStrictEqual tells float32 from float64 data (so the checks below cover dtypes)", () => {
    expect({ d: Float32Array.of(1) }).not.toStrictEqual({ d: Float64Array.of(1) });
  });
  for (const path of fixturePaths()) {
    for (const compression of ["gzip", "none"] as const) {
      it(`${path.split("/nir/")[1]} with compression ${compression}`, async () => {
        const first = await importNir(new Uint8Array(readFileSync(path)), path);
        const bytes = await exportNir(first.graph, { compression });
        const second = await importNir(bytes, "exported.nir");
        expect(second.graph).toStrictEqual(first.graph);
        expect(second.formatVersion).toBe("1.0.0");
        expect(second.warnings).toEqual([]); // nothing left to default or repair
      });
    }
  }

  it("keeps metadata (nested objects, arrays, per-node) and dt; exportNirFile writes the same bytes' content", async () => {
    const g = createGraph({
      metadata: {
        producer: "test",
        epochs: 3,
        lr: 0.5,
        tags: ["a", "b"],
        grid: [
          [1, 2],
          [3, 4.5],
        ],
        opt: { beta: [0.9, 0.999] },
      },
      dt: 1e-3,
    });
    chain(g, [
      ["in", createInput([2])],
      ["fc", createLinear(ndarray([2, 2], Float32Array.of(1, 0, 0, 1)))],
      ["out", createOutput([2])],
    ]);
    g.metadata.nodes = { fc: { note: "identity", bits: 8 } };
    const path = join(tmp, "meta.nir");
    await exportNirFile(g, path, { compression: "none" });
    const back = await importNir(new Uint8Array(readFileSync(path)), path);
    expect(back.graph.metadata).toEqual({ ...g.metadata, dt: 1e-3 });
    expect(back.graph.dt).toBe(1e-3);
    const again = await importNir(await exportNir(back.graph), "again.nir");
    expect(again.graph).toStrictEqual(back.graph);
  });

  it("writes an even kernel's asymmetric PyTorch 'same' pads as padding \"same\"", async () => {
    const g = createGraph();
    const weight = filled([1, 1, 2, 2], 1);
    chain(g, [
      ["in", createInput([1, 4, 4])],
      ["c", createConv2d({ weight, pads: [0, 0, 1, 1], bias: filled([1], 0) })],
      ["out", createOutput()],
    ]);
    const bytes = await exportNir(g, { compression: "none" });
    const tree = await readH5Tree(
      bytes,
      "x.nir",
      { maxElements: 1e6, maxBytes: 1e8, maxTotalBytes: 1e8, maxEntries: 1e4, maxDepth: 16 },
      20_000,
    );
    expect(lookup(tree, "node/nodes/c/padding")).toMatchObject({ kind: "dataset", value: "same" });
    const back = await importNir(bytes, "x.nir");
    expect(back.graph.nodes.get("c")).toMatchObject({ pads: [0, 0, 1, 1], inputSize: [4, 4] });
  });
});

describe("export refuses what NIR cannot express, naming each node", () => {
  it("lists every unsupported node and option in one UNSUPPORTED error", async () => {
    const g = createGraph();
    const conv = createConv2d({ weight: filled([2, 1, 3, 3], 0.1), pads: [1, 0, 0, 1] });
    const bn = createBatchNorm({
      mean: filled([2], 0),
      variance: filled([2], 1),
      gamma: filled([2], 1),
      beta: filled([2], 0),
    });
    const p = {
      tau: filled([8], 0.01),
      r: filled([8], 1),
      vLeak: filled([8], 0),
      vThreshold: filled([8], 1),
      vReset: filled([8], 0),
    };
    chain(g, [
      ["in", createInput([1, 5, 5])],
      ["conv", conv],
      ["bn", bn],
      ["pool", createMaxPool2d({ kernel: [2, 2] })],
      ["flat", createFlatten(0, -1)],
      ["lif", createLIF({ ...p, resetMode: "subtract", fire: "ge", vMin: filled([8], -1) })],
      ["relu", createActivation("relu")],
      ["thr", createThreshold({ threshold: filled([8], 0.5), fire: "ge" })],
      ["out", createOutput()],
    ]);
    let err: unknown;
    await exportNir(g).catch((e: unknown) => {
      err = e;
    });
    expect(err).toBeInstanceOf(SpikegridError);
    const e = err as SpikegridError;
    expect(e.code).toBe("UNSUPPORTED");
    const where = e.details.map((d) => d.where);
    for (const w of [
      'node "conv" (Conv2d)',
      'node "bn" (BatchNorm)',
      'node "pool" (MaxPool2d)',
      'node "lif" (LIF)',
      'node "relu" (Activation)',
      'node "thr" (Threshold)',
    ]) {
      expect(where, w).toContain(w);
    }
    const lifReasons = e.details.filter((d) => d.where === 'node "lif" (LIF)').map((d) => d.message);
    expect(lifReasons.join("\n")).toMatch(/subtract[\s\S]*v ≥ θ[\s\S]*vMin/);
    expect(e.details.find((d) => d.where?.includes("conv"))?.message).toMatch(/asymmetric/);
  });

  it("refuses a graph with a NaN weight (GRAPH_INVALID naming the node)", async () => {
    const g = createGraph();
    addNode(g, "in", createInput([1]));
    addNode(g, "fc", createLinear(ndarray([1, 1], [Number.NaN])));
    addNode(g, "out", createOutput());
    connect(g, "in", "fc");
    connect(g, "fc", "out");
    await expect(exportNir(g)).rejects.toMatchObject({
      code: "GRAPH_INVALID",
      details: [{ where: 'node "fc" (Linear)' }],
    });
  });
});

const h5py = spawnSync("/usr/bin/python3", ["-c", "import h5py, numpy"]).status === 0;

/** Lists every difference in structure, dtype, shape and value between two HDF5 files (version excepted). */
const COMPARE = `
import h5py, sys, json, numpy as np
def walk(path):
    out = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            kind = "str" if h5py.check_string_dtype(obj.dtype) else obj.dtype.str
            out[name] = (kind, obj.shape, obj[()])
        else:
            out[name] = ("group", (), None)
    with h5py.File(path, "r") as f:
        f.visititems(visit)
        out["version"] = ("str" if h5py.check_string_dtype(f["version"].dtype) else "?", f["version"].shape, None)
    return out
a, b = walk(sys.argv[1]), walk(sys.argv[2])
diffs = []
for k in sorted(set(a) | set(b)):
    if k not in a or k not in b:
        diffs.append(k + ": only in " + ("export" if k in b else "reference")); continue
    if a[k][:2] != b[k][:2]:
        diffs.append(k + ": " + str(a[k][:2]) + " vs " + str(b[k][:2])); continue
    if a[k][2] is not None and not np.array_equal(np.asarray(a[k][2]), np.asarray(b[k][2])):
        diffs.append(k + ": values differ")
print(json.dumps(diffs))
`;

describe.runIf(h5py)("layout checked with h5py against the reference writer", () => {
  it("an exported all_primitives file equals nir.write's file dataset by dataset", async () => {
    const ref = "synthetic/all_primitives_nocomp.nir";
    const { graph } = await importNir(fixture(ref), ref);
    const ours = join(tmp, "all.nir");
    writeFileSync(ours, await exportNir(graph, { compression: "none" }));
    const r = spawnSync("/usr/bin/python3", ["-c", COMPARE, join(sharedFixture("nir"), ref), ours], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
