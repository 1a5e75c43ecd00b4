// Generators of hostile network files (.onnx, .nir): huge graphs, folding bombs, declared-but-absent data,
// ids that collide with JavaScript object keys. Used by the regression tests; a fuzz campaign can rerun them.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chain, createGraph, type NetGraph } from "../../compiler/graph/graph.js";
import { createInput, createOutput, type GraphNode } from "../../compiler/graph/nodes.js";
import { createScale } from "../../compiler/graph/nodes-synaptic.js";
import { f32, graphPlan, group, i64, str } from "../../compiler/importers/nir/testing.js";
import { planToBytes } from "../../compiler/importers/nir/write.js";
import type { Plan } from "../../compiler/importers/nir/write-plan.js";
import { buildModel, ints64, type NodeSpec, tensor } from "../../compiler/importers/onnx/test-build.js";

/** Cause 5: input [n] → `length` Relu nodes → output. */
export function onnxReluChain(length: number, n = 4): Uint8Array {
  const nodes: NodeSpec[] = Array.from({ length }, (_, i) => ({
    op: "Relu",
    inputs: [i === 0 ? "x" : `h${i - 1}`],
    outputs: [i === length - 1 ? "y" : `h${i}`],
    name: `relu${i}`,
  }));
  return buildModel({ inputs: { x: ["batch", n] }, outputs: ["y"], nodes });
}

/**
 * Cause 4: a few hundred bytes whose constant folding makes `2^log2Elements` elements: `Expand` of a scalar
 * to that shape, `Range` of that length, or `Add` of the two; then added to the input so folding is forced.
 */
export function onnxFoldBomb(kind: "expand" | "range" | "add", log2Elements = 28): Uint8Array {
  const n = 2 ** log2Elements;
  const nodes: NodeSpec[] = [];
  const expand = () => nodes.push({ op: "Expand", inputs: ["one", "shape"], outputs: ["big_e"] });
  const range = () => nodes.push({ op: "Range", inputs: ["zero", "limit", "step"], outputs: ["big_r"] });
  if (kind === "expand") expand();
  else if (kind === "range") range();
  else {
    expand();
    range();
    nodes.push({ op: "Add", inputs: ["big_e", "big_r"], outputs: ["big_a"] });
  }
  const big = kind === "expand" ? "big_e" : kind === "range" ? "big_r" : "big_a";
  nodes.push({ op: "ReduceSum", inputs: [big], outputs: ["s"], attrs: { keepdims: 0 } });
  nodes.push({ op: "Add", inputs: ["x", "s"], outputs: ["y"] });
  return buildModel({
    inputs: { x: ["batch", 1] },
    outputs: ["y"],
    nodes,
    inits: {
      one: tensor([], [1]),
      zero: tensor([], [0]),
      step: tensor([], [1]),
      limit: tensor([], [n]),
      shape: ints64([n]),
    },
  });
}

/** Cause 7 for ONNX: a node whose op_type is a JavaScript object key (`constructor`, `toString`, …). */
export function onnxPrototypeOp(opType: string): Uint8Array {
  return buildModel({
    inputs: { x: ["batch", 4] },
    outputs: ["y"],
    nodes: [{ op: opType, inputs: ["x"], outputs: ["y"] }],
  });
}

/** A NIR file around a graph of `nodes` (each with its `type`) and `edges`, optionally gzip-compressed. */
function nirFile(nodes: Record<string, Plan>, edges: [string, string][], gzip = false): Promise<Uint8Array> {
  return planToBytes({ version: str("1.0.0"), node: group(graphPlan(nodes, edges)) }, gzip);
}

/** Cause 6: input [n] → `length` Scale nodes → output. */
export function nirScaleChain(length: number, n = 2): Promise<Uint8Array> {
  const nodes: Record<string, Plan> = {
    input: { type: str("Input"), shape: i64([n]) },
    output: { type: str("Output"), shape: i64([n]) },
  };
  const edges: [string, string][] = [];
  for (let i = 0; i < length; i++) {
    nodes[`s${i}`] = { type: str("Scale"), scale: f32(new Array(n).fill(1)) };
    edges.push([i === 0 ? "input" : `s${i - 1}`, `s${i}`]);
  }
  edges.push([`s${length - 1}`, "output"]);
  return nirFile(nodes, edges);
}

/**
 * Cause 7: node ids that are JavaScript object keys. `chain`: input → ids… (Affine, then LIF) → output;
 * `single`: the id on one Affine node between input and output.
 */
export function nirPrototypeIds(ids: string[]): Promise<Uint8Array> {
  const nodes: Record<string, Plan> = {};
  // a Record would turn "__proto__" into a prototype change: define each key as own data
  const put = (id: string, p: Plan) =>
    Object.defineProperty(nodes, id, { value: p, enumerable: true, writable: true, configurable: true });
  put("input", { type: str("Input"), shape: i64([2]) });
  put("output", { type: str("Output"), shape: i64([2]) });
  const edges: [string, string][] = [];
  let prev = "input";
  ids.forEach((id, i) => {
    if (i % 2 === 0)
      put(id, { type: str("Affine"), weight: f32([0.5, 0.1, 0.2, 0.7], [2, 2]), bias: f32([0, 0]) });
    else {
      const lif = { tau: f32([0.02, 0.02]), r: f32([1, 1]), v_leak: f32([0, 0]) };
      put(id, { type: str("LIF"), ...lif, v_threshold: f32([1, 1]), v_reset: f32([0, 0]) });
    }
    edges.push([prev, id]);
    prev = id;
  });
  edges.push([prev, "output"]);
  return nirFile(nodes, edges);
}

/** A float32 dataset that declares `shape` but whose chunks were never written (HDF5 reads them as zeros). */
interface Unallocated {
  unallocated: number[];
}
/** A string dataset of a given shape (NIR's [n, 2] edge list). */
interface Strings {
  strs: string[];
  shape: number[];
}
type H5Spec = { [name: string]: string | number[] | Float32Array | Unallocated | Strings | H5Spec };

/**
 * Writes a NIR-shaped HDF5 file directly with h5wasm (the exporter cannot leave datasets unallocated):
 * strings, int64 lists, float32 arrays, unallocated float32 datasets (resized after a one-row write).
 */
async function h5File(spec: H5Spec): Promise<Uint8Array> {
  const h5 = (await import("h5wasm/node")).default;
  await h5.ready;
  const path = join(mkdtempSync(join(tmpdir(), "hostile-nir-")), "f.nir");
  const file = new h5.File(path, "w");
  const write = (g: InstanceType<typeof h5.Group>, s: H5Spec) => {
    for (const [name, v] of Object.entries(s)) {
      if (typeof v === "string") g.create_dataset({ name, data: v });
      else if (Array.isArray(v))
        g.create_dataset({ name, data: BigInt64Array.from(v, BigInt), shape: [v.length], dtype: "<q" });
      else if (v instanceof Float32Array) g.create_dataset({ name, data: v, shape: [v.length], dtype: "<f" });
      else if ("strs" in v && Array.isArray(v.strs))
        g.create_dataset({ name, data: v.strs, shape: v.shape as number[], dtype: "S" });
      else if ("unallocated" in v && Array.isArray(v.unallocated)) {
        const [rows, ...rest] = v.unallocated as number[];
        const row = rest.reduce((a, b) => a * b, 1);
        const ds = g.create_dataset({
          name,
          data: new Float32Array(row),
          shape: [1, ...rest],
          dtype: "<f",
          maxshape: [null, ...rest],
          // ~1 MiB chunks, as h5py picks them: tiny chunks would make HDF5 itself slow and large
          chunks: [Math.max(1, Math.min(rows!, Math.floor(2 ** 18 / row))), ...rest],
          compression: 4,
        });
        ds.resize([rows!, ...rest]);
      } else write(g.create_group(name), v as H5Spec);
    }
  };
  try {
    write(file, spec);
  } finally {
    file.close();
  }
  const bytes = new Uint8Array(readFileSync(path));
  rmSync(dirname(path), { recursive: true, force: true });
  return bytes;
}

/** The h5File spec of a NIR file around one graph. */
function nirSpec(nodes: H5Spec, edges: [string, string][]): H5Spec {
  const edgeList: Strings = { strs: edges.flat(), shape: [edges.length, 2] };
  return { version: "1.0.0", node: { type: "NIRGraph", nodes, edges: edgeList } };
}

/**
 * Cause 8: a 1×1 Conv2d with `channels` output channels on a [2, 34, 34] input, its weight and bias declared
 * but never allocated (a few KB of file): an inferred output of channels × 34 × 34 elements (1.16e9 for 1e6).
 */
export function nirWideConv(channels = 1_000_000): Promise<Uint8Array> {
  return h5File(
    nirSpec(
      {
        input: { type: "Input", shape: [2, 34, 34] },
        conv: {
          type: "Conv2d",
          weight: { unallocated: [channels, 2, 1, 1] },
          bias: { unallocated: [channels] },
          input_shape: [34, 34],
          stride: [1, 1],
          padding: [0, 0],
          dilation: [1, 1],
          groups: [1],
        },
        output: { type: "Output", shape: [channels, 34, 34] },
      },
      [
        ["input", "conv"],
        ["conv", "output"],
      ],
    ),
  );
}

/** Cause 9: a Linear layer of zeros, `size` × `size` float32 (16000² = 1 GB decoded), in a few KB. */
export function nirZeroLayer(size = 16_000): Promise<Uint8Array> {
  return h5File(
    nirSpec(
      {
        input: { type: "Input", shape: [size] },
        lin: { type: "Linear", weight: { unallocated: [size, size] } },
        output: { type: "Output", shape: [size] },
      },
      [
        ["input", "lin"],
        ["lin", "output"],
      ],
    ),
  );
}

/** Cause 6 without a file: a NetGraph input [n] → `length` Scale nodes → output. */
export function scaleChainGraph(length: number, n = 2): NetGraph {
  const g = createGraph({ dt: 1e-3 });
  const nodes: [string, GraphNode][] = [["input", createInput([n])]];
  for (let i = 0; i < length; i++)
    nodes.push([`s${i}`, createScale({ shape: [n], data: new Float32Array(n).fill(1) })]);
  nodes.push(["output", createOutput([n])]);
  chain(g, nodes);
  return g;
}

/** The file-wide decode budget for NIR: `layers` unallocated `rows` × `cols` Linear layers in a chain. */
export function nirManyLayers(layers: number, rows: number, cols = rows): Promise<Uint8Array> {
  const nodes: H5Spec = {
    input: { type: "Input", shape: [cols] },
    output: { type: "Output", shape: [rows] },
  };
  const edges: [string, string][] = [];
  let prev = "input";
  for (let i = 0; i < layers; i++) {
    nodes[`lin${i}`] = { type: "Linear", weight: { unallocated: [rows, i === 0 ? cols : rows] } };
    edges.push([prev, `lin${i}`]);
    prev = `lin${i}`;
  }
  edges.push([prev, "output"]);
  return h5File(nirSpec(nodes, edges));
}

/** Cause 9 as exporters write it: `layers` gzip'd all-zero `size` × `size` Linear layers (8000² ×4: 1 MB → 1 GB). */
export function nirZeroLayersGzip(layers: number, size: number): Promise<Uint8Array> {
  const nodes: Record<string, Plan> = {
    input: { type: str("Input"), shape: i64([size]) },
    output: { type: str("Output"), shape: i64([size]) },
  };
  const edges: [string, string][] = [];
  let prev = "input";
  for (let i = 0; i < layers; i++) {
    const weight = {
      t: "float" as const,
      array: { shape: [size, size], data: new Float32Array(size * size) },
    };
    nodes[`lin${i}`] = { type: str("Linear"), weight };
    edges.push([prev, `lin${i}`]);
    prev = `lin${i}`;
  }
  edges.push([prev, "output"]);
  return nirFile(nodes, edges, true);
}
