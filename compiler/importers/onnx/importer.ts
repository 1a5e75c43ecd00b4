// ONNX ModelProto → NetGraph: decode, fuse patterns, walk the nodes in file order folding constants and
// converting the rest through the op registry, then attach Inputs/Outputs (batch stripped) and validate.

import { SpikegridError } from "../../../common/errors.js";
import {
  addNode,
  connect,
  createGraph,
  createInput,
  createOutput,
  validateGraph,
} from "../../graph/index.js";
import { Budget, checkLimit } from "../budget.js";
import type { ImportResult } from "../registry.js";
import { type Ctx, NodeCtx, sanitize, uniqueId, type Value } from "./context.js";
import { FOLDERS } from "./fold.js";
import { CONVERTERS, suggestionFor } from "./ops.js";
import { fuseGelu, type IndexedNode } from "./patterns.js";
import {
  decodeModel,
  defaultOpset,
  type GraphProto,
  type ModelProto,
  num,
  type TensorProto,
  type ValueInfoProto,
} from "./proto.js";
import { type Const, DT, decodeTensor, isFloatType, sizeOfShape } from "./tensors.js";

/** How many node inputs and graph outputs read each value. */
function countUses(graph: GraphProto): Map<string, number> {
  const uses = new Map<string, number>();
  const bump = (name: string) => name && uses.set(name, (uses.get(name) ?? 0) + 1);
  for (const n of graph.node) for (const i of n.input) bump(i);
  for (const o of graph.output) bump(o.name ?? "");
  return uses;
}

/** Rejects operators no table knows before converting anything, listing all of them at once. */
function checkOperators(ctx: Ctx, nodes: IndexedNode[]): void {
  const bad = nodes.filter(({ node }) => {
    const custom = node.domain && node.domain !== "ai.onnx";
    const op = node.opType ?? "";
    return custom || !(op in CONVERTERS || op in FOLDERS);
  });
  const first = bad[0];
  if (!first) return;
  const n = new NodeCtx(ctx, first.node, first.index);
  const domain =
    first.node.domain && first.node.domain !== "ai.onnx"
      ? ` from the custom domain "${first.node.domain}"`
      : "";
  const others =
    bad.length > 1 ? ` (and ${bad.length - 1} more unsupported node${bad.length > 2 ? "s" : ""})` : "";
  const err = n.fail(`operator ${n.op}${domain} is not supported${others}`, suggestionFor(n.op));
  const details = bad.map(({ node, index }) => {
    const d = new NodeCtx(ctx, node, index);
    return { where: d.label, message: `${d.op} has no NetGraph conversion` };
  });
  throw new SpikegridError("UNSUPPORTED", err.message, { hint: err.hint ?? "", details });
}

/** The NetGraph shape of a graph input: its ONNX dims without the batch dim (1 or symbolic). */
function inputShape(ctx: Ctx, info: ValueInfoProto): number[] {
  const name = info.name ?? "";
  const tt = info.type?.tensorType;
  const fail = (msg: string, hint: string) =>
    new SpikegridError("UNSUPPORTED", `${ctx.file}: graph input "${name}" ${msg}`, {
      hint,
      details: [{ where: `input "${name}"`, message: msg }],
    });
  if (!tt) throw fail("is not a tensor", "only tensor inputs can be imported");
  if (!isFloatType(tt.elemType ?? DT.FLOAT)) {
    throw fail(
      `has element type ${tt.elemType}`,
      "spikegrid inputs are real-valued; feed embeddings rather than token ids",
    );
  }
  const dims = tt.shape?.dim;
  if (!dims || dims.length === 0)
    throw fail("has no declared shape with a batch dimension", "export with a [batch, …] example input");
  const [batch, ...rest] = dims;
  const b = num(batch?.dimValue, 0);
  if (b > 1) {
    throw fail(
      `has a fixed batch size of ${b}`,
      "export with dynamic_axes={'input': {0: 'batch'}} or with a batch of 1; NetGraph shapes exclude the batch",
    );
  }
  const shape = rest.map((d, i) => {
    const v = num(d.dimValue, 0);
    if (v >= 1) return v;
    throw fail(
      `dimension ${i + 1} is ${d.dimParam ? `symbolic ("${d.dimParam}")` : "unknown"}`,
      "export with static sizes for every dimension but the batch",
    );
  });
  checkLimit("tensorElements", sizeOfShape(shape), ctx.file, `graph input "${info.name}" [batch, ${shape}]`);
  return shape;
}

/** Scalar constants the GELU matcher can see before conversion: initializers and Constant nodes. */
function scalarLookup(file: string, graph: GraphProto, inits: Map<string, TensorProto>) {
  const constants = new Map<string, TensorProto>();
  for (const n of graph.node) {
    const t = n.attribute.find((a) => a.name === "value")?.t;
    if (n.opType === "Constant" && t && n.output[0]) constants.set(n.output[0], t);
  }
  return (name: string): number | undefined => {
    const t = inits.get(name) ?? constants.get(name);
    if (!t || t.dims.some((d) => num(d) !== 1)) return undefined;
    try {
      const c = decodeTensor(t, file, `constant "${name}"`);
      return c.data.length === 1 ? c.data[0] : undefined;
    } catch {
      return undefined; // not a usable scalar: conversion reports the tensor if a node really reads it
    }
  };
}

function convertNode(ctx: Ctx, { node, index }: IndexedNode): void {
  const n = new NodeCtx(ctx, node, index);
  const ins = node.input.map((_, i) => (n.has(i) ? n.input(i) : undefined));
  const constant = ins.every((v) => v === undefined || v.kind === "const");
  const fold = FOLDERS[n.op];
  const convert = CONVERTERS[n.op];
  let outs: Value[];
  if (constant && fold) {
    outs = fold(
      ins.map((v) => (v?.kind === "const" ? v.c : undefined)),
      n,
    ).map((c): Value => ({ kind: "const", c }));
  } else if (convert) {
    outs = convert(n);
  } else {
    throw n.fail(
      `${n.op} is only supported on constants (shape arithmetic), but here it reads a network activation`,
      suggestionFor(n.op),
    );
  }
  node.output.forEach((name, k) => {
    const v = outs[k];
    if (!name) return;
    if (v) ctx.values.set(name, v);
    else if ((ctx.uses.get(name) ?? 0) > 0) {
      throw n.fail(
        `output #${k} ("${name}") is used, but only the first output is supported`,
        "use only the main output of the operator",
      );
    }
  });
  const first = outs[0];
  if (
    first?.kind === "act" &&
    first.srcs.length === 1 &&
    n.created.includes(first.srcs[0]!) &&
    node.output[0]
  ) {
    ctx.origin.set(first.srcs[0]!, node.output[0]);
  }
}

function metadataOf(model: ModelProto, opset: number): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    source: "onnx",
    irVersion: num(model.irVersion),
    opset,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(" "),
  };
  if (model.graph?.name) meta.graphName = model.graph.name;
  if (model.domain) meta.domain = model.domain;
  if (model.modelVersion !== undefined && num(model.modelVersion))
    meta.modelVersion = num(model.modelVersion);
  if (model.docString) meta.docString = model.docString;
  const others = model.opsetImport.filter((o) => o.domain && o.domain !== "ai.onnx");
  if (others.length) meta.otherOpsets = Object.fromEntries(others.map((o) => [o.domain, num(o.version)]));
  return meta;
}

function convert(bytes: Uint8Array, file: string): ImportResult {
  const model = decodeModel(bytes, file);
  const graph = model.graph!;
  const opset = defaultOpset(model);
  if (graph.output.length === 0) {
    throw new SpikegridError("IMPORT_FAILED", `${file}: the ONNX graph declares no outputs`, {
      hint: "check the model with onnx.checker; a network needs at least one output",
    });
  }
  if (graph.sparseInitializer.length) {
    throw new SpikegridError("UNSUPPORTED", `${file}: the model has sparse initializers`, {
      hint: "store the weights densely (onnx.save with dense initializers)",
    });
  }
  const inits = new Map<string, TensorProto>();
  for (const t of graph.initializer) if (t.name) inits.set(t.name, t);
  const decoded = new Map<string, Const>();
  const uses = countUses(graph);
  const g = createGraph({ metadata: metadataOf(model, opset) });
  const ctx: Ctx = {
    file,
    budget: new Budget("decodedBytes", file),
    g,
    opset,
    warnings: [],
    values: new Map(),
    uses,
    origin: new Map(),
    reserved: new Set(),
    resolve(name) {
      const t = inits.get(name);
      if (!t) return undefined;
      const c = decoded.get(name) ?? decodeTensor(t, file, `initializer "${name}"`);
      decoded.set(name, c);
      return { kind: "const", c };
    },
  };
  const graphInputs = graph.input.filter((i) => i.name && !inits.has(i.name)); // IR < 4 lists weights as inputs
  const inputIds = graphInputs.map((i) => uniqueId(ctx, sanitize(i.name!)));
  for (const id of inputIds) ctx.reserved.add(id);
  const outputIds = graph.output.map((o) => {
    const id = uniqueId(ctx, sanitize(o.name ?? "") || "output");
    ctx.reserved.add(id);
    return id;
  });
  graphInputs.forEach((info, i) => {
    const shape = inputShape(ctx, info);
    const id = inputIds[i]!;
    ctx.reserved.delete(id);
    addNode(g, id, createInput(shape));
    ctx.values.set(info.name!, { kind: "act", srcs: [id], shape });
  });

  const indexed = graph.node.map((node, index) => ({ node, index }));
  const nodes = fuseGelu(indexed, scalarLookup(file, graph, inits), uses);
  checkOperators(ctx, nodes);
  for (const n of nodes) convertNode(ctx, n);

  graph.output.forEach((o, i) => {
    const name = o.name ?? "";
    const v = ctx.values.get(name) ?? ctx.resolve(name);
    if (!v)
      throw new SpikegridError("IMPORT_FAILED", `${file}: graph output "${name}" is never computed`, {
        hint: "check the model with onnx.checker",
      });
    if (v.kind === "const") {
      throw new SpikegridError(
        "UNSUPPORTED",
        `${file}: graph output "${name}" is a constant that does not depend on the input`,
        { hint: "remove constant outputs before export" },
      );
    }
    const id = outputIds[i]!;
    ctx.reserved.delete(id);
    addNode(g, id, createOutput(v.shape));
    for (const src of v.srcs) connect(g, src, id);
    const declared = o.type?.tensorType?.shape?.dim.slice(1).map((d) => num(d.dimValue, 0));
    if (declared?.some((d, k) => d > 0 && d !== v.shape[k])) {
      ctx.warnings.push(
        `output "${name}" is declared [batch, ${declared}] but the imported network computes [batch, ${v.shape}]`,
      );
    }
  });
  validateGraph(g, file);
  return {
    graph: g,
    format: "onnx",
    formatVersion: `IR ${num(model.irVersion)}, opset ${opset}`,
    warnings: ctx.warnings,
  };
}

/** Imports an ONNX model; every failure is a SpikegridError (corrupt input never escapes as a raw exception). */
export function importOnnx(bytes: Uint8Array, file: string): ImportResult {
  try {
    return convert(bytes, file);
  } catch (e) {
    if (e instanceof SpikegridError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new SpikegridError("IMPORT_FAILED", `${file}: cannot import the ONNX model: ${msg}`, {
      hint: "the model looks corrupt or uses a construct spikegrid does not expect; check it with onnx.checker and re-export",
      details: [{ where: file, message: msg }],
      cause: e,
    });
  }
}
