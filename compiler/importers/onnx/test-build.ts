// Test-only: builds small ONNX ModelProto files in TypeScript (encoded with the importer's own onnx.proto), so
// operator tests need no Python; PyTorch-made fixtures in test/fixtures/golden/onnx cover real exporters.

import { SpikegridError } from "../../../common/errors.js";
import { importOnnx } from "./importer.js";
import { modelProtoType } from "./proto.js";
import { DT } from "./tensors.js";

type AttrValue = number | number[] | string | { f: number } | { fs: number[] } | { t: object };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrValue>;
}

export interface ModelSpec {
  /** name → dims (strings are symbolic, e.g. "batch"). */
  inputs: Record<string, (number | string)[]>;
  outputs: string[];
  nodes: NodeSpec[];
  inits?: Record<string, object>;
  opset?: number;
}

/** A float attribute (plain numbers are INT attributes). */
export const f = (v: number) => ({ f: v });

/** A float32 TensorProto in float_data, or in raw_data with `raw`. */
export function tensor(
  dims: number[],
  values: number[],
  opts: { raw?: boolean; dtype?: number; name?: string } = {},
): object {
  const dtype = opts.dtype ?? DT.FLOAT;
  const base = { dims, dataType: dtype, ...(opts.name ? { name: opts.name } : {}) };
  if (opts.raw) {
    const size = dtype === DT.FLOAT ? 4 : dtype === DT.DOUBLE || dtype === DT.INT64 ? 8 : 2;
    const v = new DataView(new ArrayBuffer(values.length * size));
    values.forEach((x, i) => {
      if (dtype === DT.FLOAT) v.setFloat32(4 * i, x, true);
      else if (dtype === DT.DOUBLE) v.setFloat64(8 * i, x, true);
      else if (dtype === DT.INT64) v.setBigInt64(8 * i, BigInt(x), true);
      else v.setUint16(2 * i, x, true); // float16/bfloat16: caller gives the bit patterns
    });
    return { ...base, rawData: new Uint8Array(v.buffer) };
  }
  if (dtype === DT.FLOAT) return { ...base, floatData: values };
  if (dtype === DT.DOUBLE) return { ...base, doubleData: values };
  if (dtype === DT.INT64) return { ...base, int64Data: values };
  return { ...base, int32Data: values };
}

export const ints64 = (values: number[]) => tensor([values.length], values, { dtype: DT.INT64 });

function attribute(name: string, v: AttrValue): object {
  if (typeof v === "number") return { name, type: 2, i: v };
  if (typeof v === "string") return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  if ("f" in v) return { name, type: 1, f: v.f };
  if ("fs" in v) return { name, type: 6, floats: v.fs };
  return { name, type: 4, t: v.t };
}

function valueInfo(name: string, dims: (number | string)[] | undefined) {
  const dim = (dims ?? []).map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DT.FLOAT, ...(dims ? { shape: { dim } } : {}) } } };
}

/** Encodes a model from a compact description. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const type = modelProtoType();
  const graph = {
    name: "test",
    node: spec.nodes.map((n, i) => ({
      input: n.inputs,
      output: n.outputs,
      name: n.name ?? `${n.op}_${i}`,
      opType: n.op,
      ...(n.domain ? { domain: n.domain } : {}),
      attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
    })),
    initializer: Object.entries(spec.inits ?? {}).map(([name, t]) => ({ ...t, name })),
    input: Object.entries(spec.inputs).map(([name, dims]) => valueInfo(name, dims)),
    output: spec.outputs.map((o) => valueInfo(o, undefined)),
  };
  const model = {
    irVersion: 8,
    producerName: "spikegrid-test",
    producerVersion: "1",
    opsetImport: [{ domain: "", version: spec.opset ?? 13 }],
    graph,
  };
  return type.encode(type.fromObject(model)).finish();
}

/** Builds and imports a model. */
export function importSpec(spec: ModelSpec) {
  return importOnnx(buildModel(spec), "test.onnx");
}

/** The error thrown by importing a model (fails the test when none is thrown). */
export function importError(spec: ModelSpec): SpikegridError {
  try {
    importSpec(spec);
  } catch (e) {
    if (e instanceof SpikegridError) return e;
    throw e;
  }
  throw new Error("expected the import to fail");
}

/** Deterministic pseudo-random values in [−1, 1) (a small LCG, so tests need no seed plumbing). */
export function rand(n: number, seed = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround((s / 2 ** 32) * 2 - 1);
  });
}
