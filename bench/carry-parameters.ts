// Carries every parameter tensor of one network onto another built with other options (the same model at
// another image size): BatchNorm statistics calibrated cheaply on a small image reused at the full size.

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import type { NdArray } from "../compiler/graph/ndarray.js";

const isNdArray = (v: unknown): v is NdArray =>
  typeof v === "object" &&
  v !== null &&
  Array.isArray((v as NdArray).shape) &&
  ((v as NdArray).data instanceof Float32Array || (v as NdArray).data instanceof Float64Array);

/** The node's parameter tensors by field name (weight, bias, mean, variance, gamma, beta, …). */
function tensorsOf(node: object): [string, NdArray][] {
  return Object.entries(node).filter((e): e is [string, NdArray] => isNdArray(e[1]));
}

/**
 * Copies, node by node (recursively through subgraphs), every parameter tensor of `from` into the tensor of the
 * same node and field of `to`, and returns the number of values copied. Both graphs must have the same nodes
 * (ids and kinds) and the same tensors of the same shapes: a model whose parameters depend on the size that
 * differs between them (a learned positional table, a classifier over all positions) is refused, naming the
 * first node, field and both shapes, before anything is copied.
 */
export function carryParameters(from: NetGraph, to: NetGraph): number {
  const pairs: [NdArray, NdArray][] = [];
  const match = (src: NetGraph, dst: NetGraph, prefix: string) => {
    const missing = [...src.nodes.keys()].filter((id) => !dst.nodes.has(id));
    const extra = [...dst.nodes.keys()].filter((id) => !src.nodes.has(id));
    if (missing.length || extra.length) {
      const id = missing[0] ?? extra[0]!;
      throw new SpikegridError(
        "UNSUPPORTED",
        `carrying parameters: node "${prefix}${id}" is in only one of the two networks (${missing.length} only in the source, ${extra.length} only in the target)`,
      );
    }
    for (const [id, d] of dst.nodes) {
      const s = src.nodes.get(id)!;
      const where = `${prefix}${id}`;
      if (s.kind !== d.kind)
        throw new SpikegridError(
          "UNSUPPORTED",
          `carrying parameters: node "${where}" is ${s.kind} in the source, ${d.kind} in the target`,
        );
      if (s.kind === "Subgraph" && d.kind === "Subgraph") {
        match(s.graph, d.graph, `${where}/`);
        continue;
      }
      const st = new Map(tensorsOf(s));
      const dt = tensorsOf(d);
      if (st.size !== dt.length || dt.some(([k]) => !st.has(k)))
        throw new SpikegridError(
          "UNSUPPORTED",
          `carrying parameters: node "${where}" (${d.kind}) has tensors [${[...st.keys()].join(", ")}] in the source, [${dt.map(([k]) => k).join(", ")}] in the target`,
        );
      for (const [key, t] of dt) {
        const f = st.get(key)!;
        if (f.shape.length !== t.shape.length || f.shape.some((n, i) => n !== t.shape[i]))
          throw new SpikegridError(
            "UNSUPPORTED",
            `carrying parameters: ${where}.${key} is [${f.shape.join(",")}] in the source, [${t.shape.join(",")}] in the target`,
            {
              hint: "the model's parameters depend on the option that differs; calibrate at the target size",
            },
          );
        pairs.push([f, t]);
      }
    }
  };
  match(from, to, "");
  let copied = 0;
  for (const [f, t] of pairs) {
    t.data.set(f.data);
    copied += f.data.length;
  }
  return copied;
}
