// Graph pass `lowerFixedTransforms`: every FixedTransform (DFT real/imag, Haar) becomes a Linear holding its basis,
// Kronecker-expanded along the transformed axis, so the compiler sees ordinary weights.

import { fixedTransformMatrix } from "../graph/fixed-transforms.js";
import {
  createLinear,
  createReshape,
  createTranspose,
  type GraphNode,
  inferShapes,
  type NetGraph,
  ndarray,
} from "../graph/index.js";
import { cloneGraph, freshId, replaceNode } from "./graph-edit.js";
import { diagnose, type PassContext } from "./pass.js";

const PASS = "lowerFixedTransforms";

/** Largest Kronecker-expanded weight (elements) built; beyond it the axis is moved last by a Transpose. */
export const MAX_KRON_ELEMENTS = 2 ** 22;

/** M ⊗ I_inner: row j·inner + p, column k·inner + p holds M[j, k]. */
function kronIdentity(m: Float64Array, n: number, inner: number): Float64Array {
  const size = n * inner;
  const w = new Float64Array(size * size);
  for (let j = 0; j < n; j++)
    for (let k = 0; k < n; k++) {
      const v = m[j * n + k]!;
      if (v !== 0) for (let p = 0; p < inner; p++) w[(j * inner + p) * size + k * inner + p] = v;
    }
  return w;
}

/**
 * Input shape [outer…, n, inner…] with M [n, n] along the axis:
 * - last axis (inner = 1): one Linear(M), which already acts on the last axis of every row;
 * - (n·inner)² ≤ MAX_KRON_ELEMENTS: Reshape [outer, n·inner] → Linear(M ⊗ I_inner) → Reshape back;
 * - otherwise: Transpose the axis last → Linear(M) → Transpose back (same map, n² weights).
 */
export function lowerFixedTransforms(g: NetGraph, ctx: PassContext): NetGraph {
  const list = [...g.nodes].filter(([, n]) => n.kind === "FixedTransform");
  if (!list.length) return g;
  const shapes = inferShapes(g);
  const out = cloneGraph(g);
  for (const [id, node] of list) {
    if (node.kind !== "FixedTransform") continue;
    const shape = shapes.get(id)!.outputs.out!;
    const rank = shape.length;
    const axis = node.axis < 0 ? node.axis + rank : node.axis;
    const n = shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const m = fixedTransformMatrix(node, n);
    const taken = new Set<string>();
    const fresh = (s: string) => {
      const f = freshId(out, `${id}.${s}`, taken);
      taken.add(f);
      return f;
    };
    let nodes: [string, GraphNode][];
    let how: string;
    if (inner === 1) {
      nodes = [[id, createLinear(ndarray([n, n], m))]];
      how = `Linear [${n}×${n}] on the last axis`;
    } else if ((n * inner) ** 2 <= MAX_KRON_ELEMENTS) {
      const k = n * inner;
      nodes = [
        [fresh("in"), createReshape([outer, k])],
        [fresh("M"), createLinear(ndarray([k, k], kronIdentity(m, n, inner)))],
        [id, createReshape(shape)],
      ];
      how = `Linear [${k}×${k}] = M ⊗ I_${inner} between reshapes`;
    } else {
      const perm = [...shape.keys()].filter((d) => d !== axis).concat(axis);
      const inv = perm.map((_, d) => perm.indexOf(d));
      nodes = [
        [fresh("in"), createTranspose(perm)],
        [fresh("M"), createLinear(ndarray([n, n], m))],
        [id, createTranspose(inv)],
      ];
      how = `Transpose → Linear [${n}×${n}] → Transpose (the Kronecker form would hold ${(n * inner) ** 2} weights)`;
    }
    if (nodes.length > 1) {
      const entry = nodes[0]![0];
      replaceNode(out, id, nodes);
      for (const e of out.edges) if (e.dst === id) e.dst = entry;
      for (let i = 1; i < nodes.length; i++) out.edges.push({ src: nodes[i - 1]![0], dst: nodes[i]![0] });
    } else replaceNode(out, id, nodes);
    diagnose(ctx, PASS, "note", `${node.basis} along axis ${axis} of ${JSON.stringify(shape)} → ${how}`, id);
  }
  return out;
}
