// Decodes ONNX ModelProto bytes with protobufjs from the onnx.proto subset beside this file, and gives typed
// views of the decoded messages plus attribute accessors. Any decoding failure becomes IMPORT_FAILED.

import protobuf from "protobufjs";
import { SpikegridError } from "../../../common/errors.js";
import { packagePath } from "../../../common/package-root.js";

/** int64 fields decode as Long objects (protobufjs with the `long` package) or as plain numbers. */
export type Int64 = number | { toNumber(): number };

export interface TensorProto {
  dims: Int64[];
  dataType?: number;
  floatData: number[];
  int32Data: number[];
  int64Data: Int64[];
  doubleData: number[];
  uint64Data: Int64[];
  stringData: Uint8Array[];
  rawData?: Uint8Array;
  name?: string;
  dataLocation?: number;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  refAttrName?: string;
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: AttributeProto[];
}

export interface Dimension {
  dimValue?: Int64;
  dimParam?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim: Dimension[] } } };
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  sparseInitializer: Uint8Array[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface ModelProto {
  irVersion?: Int64;
  opsetImport: { domain?: string; version?: Int64 }[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64;
  docString?: string;
  graph?: GraphProto;
}

let modelType: protobuf.Type | undefined;

/** The ModelProto type, parsed once from onnx.proto (a data file found from the package root). */
export function modelProtoType(): protobuf.Type {
  if (!modelType) {
    const root = new protobuf.Root().loadSync(packagePath("compiler", "importers", "onnx", "onnx.proto"));
    modelType = root.lookupType("onnx.ModelProto");
  }
  return modelType;
}

/** A JS number from an int64 field (Long or number); absent → `fallback`. */
export function num(v: Int64 | undefined | null, fallback = 0): number {
  if (v === undefined || v === null) return fallback;
  return typeof v === "number" ? v : v.toNumber();
}

const HINT_CORRUPT = "the file is not a readable ONNX model (truncated or corrupt?); re-export it";

/** Decodes and sanity-checks a ModelProto; garbage, truncation and non-ONNX protobufs end in IMPORT_FAILED. */
export function decodeModel(bytes: Uint8Array, file: string): ModelProto {
  if (bytes.length === 0) {
    throw new SpikegridError("IMPORT_FAILED", `${file}: the file is empty`, { hint: HINT_CORRUPT });
  }
  let model: ModelProto;
  try {
    model = modelProtoType().decode(bytes) as unknown as ModelProto;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new SpikegridError("IMPORT_FAILED", `${file}: not a valid ONNX protobuf: ${msg}`, {
      hint: HINT_CORRUPT,
      details: [{ where: file, message: msg }],
      cause: e,
    });
  }
  // random bytes can decode as a "valid" message of unknown fields: insist on what every ONNX model has
  const ir = num(model.irVersion);
  if (!model.graph || !(ir >= 1 && ir < 1000)) {
    const why = model.graph ? `ir_version ${ir} is not a plausible ONNX IR version` : "it holds no graph";
    throw new SpikegridError("IMPORT_FAILED", `${file}: not an ONNX model (${why})`, { hint: HINT_CORRUPT });
  }
  return model;
}

/** The default-domain opset the model imports (0 when it declares none). */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
  return num(entry?.version);
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

export function hasAttr(node: NodeProto, name: string): boolean {
  return attr(node, name) !== undefined;
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a ? num(a.i) : fallback;
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a?.f ?? fallback;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  return a ? a.ints.map((v) => num(v)) : undefined;
}

export function attrFloats(node: NodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  return a ? [...a.floats] : undefined;
}

export function attrString(node: NodeProto, name: string, fallback: string): string {
  const s = attr(node, name)?.s;
  // an unset bytes field reads as protobufjs's default (an empty array), not a Uint8Array
  return s instanceof Uint8Array && s.length > 0 ? utf8.decode(s) : fallback;
}

export function attrTensor(node: NodeProto, name: string): TensorProto | undefined {
  return attr(node, name)?.t ?? undefined;
}

/** Names of a node's attributes, for messages about ones the importer does not handle. */
export function attrNames(node: NodeProto): string[] {
  return node.attribute.map((a) => a.name ?? "");
}
