// Golden check against PyTorch: the seeded recurrent LIF network of
// test/fixtures/golden/make_recurrent_lif_fixture.py, rebuilt as a NetGraph from its .pth state_dict.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  addNode,
  connect,
  createAffine,
  createGraph,
  createInput,
  createLI,
  createLIF,
  createLinear,
  createOutput,
  type NdArray,
  scalar,
} from "../../compiler/graph/index.js";
import {
  readNpyFile,
  readTorchFile,
  type Tensor,
  toFloat32,
} from "../../compiler/importers/tensors/index.js";
import { runFloatBatch, scheduleGraph } from "./index.js";

const DIR = fileURLToPath(new URL("../../test/fixtures/golden/lif/", import.meta.url));

interface Meta {
  T: number;
  batch: number;
  dt: number;
  sizes: { in: number; hidden: number; out: number };
  lif: { tau: number; r: number; v_leak: number; v_threshold: number; v_reset: number };
  li: { tau: number; r: number; v_leak: number };
}

const nd = (t: Tensor): NdArray => ({ shape: [...t.shape], data: toFloat32(t) });

describe("golden: PyTorch recurrent LIF (Linear + recurrent Linear → LIF → Linear → LI)", () => {
  const meta = JSON.parse(readFileSync(`${DIR}recurrent_lif.json`, "utf8")) as Meta;
  const sd = readTorchFile(`${DIR}recurrent_lif.pth`).stateDict;
  const p = (k: string) => nd(sd.get(k)!);

  const g = createGraph({ dt: meta.dt });
  addNode(g, "x", createInput([meta.sizes.in]));
  addNode(g, "fc1", createAffine(p("fc1.weight"), p("fc1.bias")));
  addNode(
    g,
    "lif",
    createLIF({
      tau: scalar(meta.lif.tau),
      r: scalar(meta.lif.r),
      vLeak: scalar(meta.lif.v_leak),
      vThreshold: scalar(meta.lif.v_threshold),
      vReset: scalar(meta.lif.v_reset),
      resetMode: "subtract",
      fire: "gt",
    }),
  );
  addNode(g, "rec", createLinear(p("rec.weight")));
  addNode(g, "fc2", createAffine(p("fc2.weight"), p("fc2.bias")));
  addNode(
    g,
    "li",
    createLI({ tau: scalar(meta.li.tau), r: scalar(meta.li.r), vLeak: scalar(meta.li.v_leak) }),
  );
  addNode(g, "y", createOutput([meta.sizes.out]));
  for (const [a, b] of [
    ["x", "fc1"],
    ["fc1", "lif"],
    ["lif", "rec"],
    ["rec", "lif"],
    ["lif", "fc2"],
    ["fc2", "li"],
    ["li", "y"],
  ] as const) {
    connect(g, a, b);
  }

  const x = readNpyFile(`${DIR}recurrent_lif_in.npy`);
  const want = readNpyFile(`${DIR}recurrent_lif_out.npy`);
  const wantSpikes = readNpyFile(`${DIR}recurrent_lif_spikes.npy`);
  const results = runFloatBatch(g, { x: { shape: x.shape, data: toFloat32(x) } }, { record: ["lif"] });

  it("reads the fixture: float32 weights, [4, 20, 8] input, float64 [4, 20, 4] output", () => {
    expect(sd.get("fc1.weight")!.dtype).toBe("float32");
    expect(x.shape).toEqual([meta.batch, meta.T, meta.sizes.in]);
    expect(want.dtype).toBe("float64");
    expect(want.shape).toEqual([meta.batch, meta.T, meta.sizes.out]);
    expect(results).toHaveLength(meta.batch);
    expect(results[0]!.warnings).toEqual([]);
  });

  it("the cycle lif → rec → lif is cut at rec → lif: lif reads rec's output of the previous step", () => {
    expect(scheduleGraph(g).recurrent).toEqual([{ src: "rec", dst: "lif" }]);
  });

  it("spike trains agree exactly", () => {
    const h = meta.sizes.hidden;
    let count = 0;
    results.forEach((r, b) => {
      r.records.get("lif")!.forEach((s, t) => {
        for (let i = 0; i < h; i++) {
          const expected = Number(wantSpikes.data[(b * meta.T + t) * h + i]);
          expect(s[i], `sample ${b} step ${t} neuron ${i}`).toBe(expected);
          count += expected;
        }
      });
    });
    expect(count).toBeGreaterThan(100); // the fixture spikes (19% of neuron-steps)
  });

  it("LI readout equals PyTorch's within 1e-5 relative", () => {
    const o = meta.sizes.out;
    const data = want.data as Float64Array;
    let worst = 0;
    results.forEach((r, b) => {
      r.outputs.get("y")!.forEach((y, t) => {
        for (let k = 0; k < o; k++) {
          const w = data[(b * meta.T + t) * o + k]!;
          const rel = Math.abs(y[k]! - w) / Math.max(1, Math.abs(w));
          worst = Math.max(worst, rel);
        }
      });
    });
    expect(worst).toBeLessThan(1e-5);
    expect(worst).toBeLessThan(1e-12); // both sides compute in float64 from the same float32 weights
  });
});
