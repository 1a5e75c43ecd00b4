// The state of one ONNX→NetGraph conversion: every ONNX value is a folded constant or an activation (the
// NetGraph nodes whose outputs sum to it, and its shape without batch); `NodeCtx` is what a converter sees.

import { SpikegridError } from "../../../common/errors.js";
import { addNode, connect, type GraphNode, type NdArray, type NetGraph } from "../../graph/index.js";
import { outputShape, ShapeError } from "../../graph/shapes.js";
import { type Budget, checkLimit } from "../budget.js";
import type { NodeProto } from "./proto.js";
import { type Const, DT, sizeOfShape } from "./tensors.js";

/** An activation: the sum of the outputs of `srcs` (several edges into one port sum), shape without batch. */
export interface Act {
  kind: "act";
  srcs: string[];
  shape: number[];
}

export interface ConstValue {
  kind: "const";
  c: Const;
}

export type Value = Act | ConstValue;

export interface Ctx {
  file: string;
  /** Bytes of folded constants made so far (they all live until the import ends). */
  budget: Budget;
  g: NetGraph;
  opset: number;
  warnings: string[];
  values: Map<string, Value>;
  /** How many node inputs and graph outputs read each ONNX value. */
  uses: Map<string, number>;
  /** NetGraph node id → the ONNX value it was created to produce (for folding a bias into its producer). */
  origin: Map<string, string>;
  /** Ids held for graph inputs/outputs so node names cannot take them. */
  reserved: Set<string>;
  /** Decodes an initializer on first use (unused ones, e.g. of an unsupported dtype, never fail the import). */
  resolve(name: string): Value | undefined;
}

/** A NetGraph id from an ONNX name: PyTorch's "/conv1/Conv" becomes "conv1.Conv"; odd characters become "_". */
export function sanitize(name: string): string {
  return name
    .replace(/^\/+/, "")
    .replace(/\//g, ".")
    .replace(/[^\w.-]/g, "_");
}

/** A fresh id based on `base`, made unique with _2, _3… */
export function uniqueId(ctx: Ctx, base: string): string {
  const b = base || "node";
  let id = b;
  for (let k = 2; ctx.g.nodes.has(id) || ctx.reserved.has(id); k++) id = `${b}_${k}`;
  return id;
}

/** What a converter sees of the node it converts. */
export class NodeCtx {
  readonly op: string;
  readonly label: string;
  readonly base: string;
  /** Ids of the NetGraph nodes this ONNX node produced. */
  readonly created: string[] = [];

  constructor(
    readonly ctx: Ctx,
    readonly node: NodeProto,
    readonly index: number,
  ) {
    this.op = node.opType ?? "";
    const name = node.name || node.output[0] || "";
    this.label = `node #${index} "${name}" (${this.op})`;
    this.base = sanitize(name) || `${this.op}_${index}`;
  }

  get opset(): number {
    return this.ctx.opset;
  }

  /** UNSUPPORTED naming this node, with a suggestion of what to do instead. */
  fail(message: string, hint: string): SpikegridError {
    return new SpikegridError("UNSUPPORTED", `${this.ctx.file}: ${this.label}: ${message}`, {
      hint,
      details: [{ where: this.label, message }],
    });
  }

  /** Whether optional input `i` is given (ONNX marks a skipped optional input with an empty name). */
  has(i: number): boolean {
    return (this.node.input[i] ?? "") !== "";
  }

  input(i: number): Value {
    const name = this.node.input[i] ?? "";
    const v = this.ctx.values.get(name) ?? this.ctx.resolve(name);
    if (!v) {
      throw new SpikegridError(
        "IMPORT_FAILED",
        `${this.ctx.file}: ${this.label}: input "${name}" is not defined before it`,
        {
          hint: "the graph is not in topological order or refers to a missing value; re-export or check it with onnx.checker",
        },
      );
    }
    return v;
  }

  act(i: number): Act {
    const v = this.input(i);
    if (v.kind !== "act") {
      throw this.fail(
        `input ${i} ("${this.node.input[i]}") is a constant where a network activation was expected`,
        "the operation does not depend on the network input; fold it before export (do_constant_folding=True)",
      );
    }
    return v;
  }

  constIn(i: number, what: string): Const {
    const v = this.input(i);
    if (v.kind !== "const") {
      throw this.fail(
        `${what} (input ${i}, "${this.node.input[i]}") must be a constant, but it is computed from the network input`,
        "spikegrid needs fixed weights and shapes; export with static shapes and constant folding",
      );
    }
    return v.c;
  }

  optConst(i: number, what: string): Const | undefined {
    return this.has(i) ? this.constIn(i, what) : undefined;
  }

  /** Adds a NetGraph node fed by `inputs` (port → activation) and returns its output as an activation. */
  emit(suffix: string, node: GraphNode, inputs: Record<string, Act>): Act {
    const id = uniqueId(this.ctx, suffix ? `${this.base}.${suffix}` : this.base);
    const shapes: Record<string, number[]> = {};
    for (const [port, a] of Object.entries(inputs)) shapes[port] = a.shape;
    let shape: number[];
    try {
      shape = outputShape(node, shapes);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      throw this.fail(
        `cannot become a ${node.kind}: ${e.message}`,
        "check the input shapes the model declares",
      );
    }
    checkLimit("tensorElements", sizeOfShape(shape), this.ctx.file, `${this.label}, output [${shape}]`);
    addNode(this.ctx.g, id, node);
    this.created.push(id);
    const single = Object.keys(inputs).length === 1 && node.kind !== "Concat";
    for (const [port, a] of Object.entries(inputs)) {
      for (const src of a.srcs) connect(this.ctx.g, src, id, single ? {} : { dstPort: port });
    }
    return { kind: "act", srcs: [id], shape };
  }
}

/** A NetGraph parameter array from a constant (float32 storage when the ONNX tensor was float32). */
export function toNd(shape: number[], data: Float64Array, dtype: number = DT.FLOAT): NdArray {
  return { shape: [...shape], data: dtype === DT.FLOAT ? Float32Array.from(data) : Float64Array.from(data) };
}

/** An ONNX axis (of a tensor with batch, rank `rank + 1`) as a NetGraph axis; the batch axis is refused. */
export function netAxis(n: NodeCtx, axis: number, rank: number, what = "axis"): number {
  const full = rank + 1;
  const a = axis < 0 ? axis + full : axis;
  if (!Number.isInteger(a) || a < 0 || a >= full)
    throw n.fail(`${what} ${axis} is out of range for a rank-${full} tensor`, "check the model");
  if (a === 0) {
    throw n.fail(
      `${what} ${axis} is the batch dimension`,
      "spikegrid processes one sample at a time; operations across the batch cannot be mapped",
    );
  }
  return a - 1;
}
