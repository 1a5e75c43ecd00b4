// The NetGraph pattern lowerLmuMemory and lowerDiagonalSsm rewrite into: per channel, a state x_t = A x_{t−1} + B u_t
// held by an identity accumulator with a recurrent A edge, optionally read out by y = C x. All maps are
// grouped 1×1 Conv1d (one group per channel), so block-diagonal matrices stay O(channels · state²).

import {
  createActivation,
  createConv1d,
  createReshape,
  type GraphNode,
  type NetGraph,
  ndarray,
} from "../graph/index.js";
import { freshId, replaceNode } from "./graph-edit.js";

export interface AccumulatorSpec {
  /** Independent channels (the groups of every map). */
  channels: number;
  /** State size per channel. */
  state: number;
  /** [channels·state, 1, 1]: x[c·state + i] += B[c·state + i]·u[c]. */
  b: Float64Array;
  /** [channels·state, state, 1]: x[c·state + i] ← Σ_j A[(c·state + i)·state + j]·x[c·state + j]. */
  a: Float64Array;
  /** Optional readout [channels, state, 1]: y[c] = Σ_j C[c·state + j]·x[c·state + j]; else y = x. */
  c?: Float64Array;
}

/**
 * Replaces node `id` (input [channels], output [channels·state] or [channels] with a readout) by
 * `id.in` (Reshape to [channels, 1]) → `id.B` → `id.x` (identity, the state) ⇄ `id.A` (recurrent), then
 * `id.x` (→ `id.C`) → `id` (Reshape back to 1-d). Edges into `id` enter `id.in`; readers keep reading `id`.
 * The state is the only cycle and is entered only through `id.B`, so the schedule cuts exactly `id.A → id.x`.
 * Returns the ids of the entry Reshape and of the state.
 */
export function insertAccumulator(g: NetGraph, id: string, spec: AccumulatorSpec): { in: string; x: string } {
  const { channels: ch, state: s } = spec;
  const taken = new Set<string>();
  const fresh = (suffix: string) => {
    const f = freshId(g, `${id}.${suffix}`, taken);
    taken.add(f);
    return f;
  };
  const ids = { in: fresh("in"), b: fresh("B"), x: fresh("x"), a: fresh("A"), c: spec.c ? fresh("C") : "" };
  const conv = (shape: number[], data: Float64Array): GraphNode =>
    createConv1d({ weight: ndarray(shape, data), groups: ch });
  const nodes: [string, GraphNode][] = [
    [ids.in, createReshape([ch, 1])],
    [ids.b, conv([ch * s, 1, 1], spec.b)],
    [ids.x, createActivation("identity")],
    [ids.a, conv([ch * s, s, 1], spec.a)],
  ];
  if (spec.c) nodes.push([ids.c, conv([ch, s, 1], spec.c)]);
  nodes.push([id, createReshape([spec.c ? ch : ch * s])]);
  replaceNode(g, id, nodes);
  for (const e of g.edges) if (e.dst === id) e.dst = ids.in;
  const link = (src: string, dst: string) => g.edges.push({ src, dst });
  link(ids.in, ids.b);
  link(ids.b, ids.x);
  link(ids.x, ids.a);
  link(ids.a, ids.x);
  if (spec.c) {
    link(ids.x, ids.c);
    link(ids.c, id);
  } else link(ids.x, id);
  return { in: ids.in, x: ids.x };
}
