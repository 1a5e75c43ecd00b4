// Graph pass `insertRelays`: after a Linear/Affine whose output reaches, through linear nodes only, something a
// structured projection cannot absorb (another matrix, a transpose, a per-element Scale), an identity Activation
// (a graded relay population) holds its output, so each side lowers to a projection that grows with the model.

import {
  createActivation,
  type GraphNode,
  inferShapes,
  type NetGraph,
  type ShapeTable,
} from "../graph/index.js";
import { cloneGraph, edgeKey, freshId, recurrentKeys, replaceNode } from "./graph-edit.js";
import { roleOf } from "./lower/roles.js";
import { diagnose, type PassContext } from "./pass.js";

const PASS = "insertRelays";

/** Default of `relayAbove`: composites of at most this many (source × destination) pairs stay one projection. */
export const RELAY_ABOVE = 2 ** 24;

/** A Reduce over more inputs than this, followed by a matrix, is held by a relay (fan-in of one core's axons). */
export const REDUCE_FAN_IN = 1024;

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const isMatrix = (n: GraphNode) =>
  n.kind === "Linear" ||
  n.kind === "Affine" ||
  n.kind === "Conv1d" ||
  n.kind === "Conv2d" ||
  n.kind === "Reduce";

/**
 * What after a matrix keeps the composite from being one shared per-row matrix: another matrix (a dense
 * product of both), data movement (Transpose, Concat, pooling), or factors that differ between rows (a Scale
 * of rank ≥ 2, a BatchNorm over an axis other than the last).
 */
function breaksRowwise(n: GraphNode, rank: number): boolean {
  switch (n.kind) {
    case "Flatten":
    case "Reshape":
    case "Delay":
      return false;
    case "Scale":
      return n.scale.shape.length >= 2;
    case "BatchNorm":
      return n.axis !== rank - 1 && n.axis !== -1;
    default:
      return true;
  }
}

/** Ids of linear nodes reachable from `id` through linear nodes (not through recurrent edges). */
function linearRegion(
  g: NetGraph,
  id: string,
  outEdges: Map<string, string[]>,
  isLinear: (id: string) => boolean,
): { inside: string[]; boundaryInputs: string[] } {
  const inside: string[] = [];
  const boundaryInputs: string[] = [];
  const seen = new Set<string>([id]);
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    for (const dst of outEdges.get(cur) ?? []) {
      if (seen.has(dst)) continue;
      seen.add(dst);
      if (isLinear(dst) && g.nodes.has(dst)) {
        inside.push(dst);
        stack.push(dst);
      } else boundaryInputs.push(dst);
    }
  }
  return { inside, boundaryInputs };
}

export function insertRelays(g: NetGraph, ctx: PassContext): NetGraph {
  const limit = ctx.options.relayAbove ?? RELAY_ABOVE;
  const matrices = [...g.nodes].filter(([, n]) => isMatrix(n));
  if (!matrices.length) return g;
  const shapes: ShapeTable = inferShapes(g);
  const outShape = (id: string) => shapes.get(id)!.outputs.out!;
  const inSize = (id: string) =>
    Object.values(shapes.get(id)!.inputs).reduce((m, s) => Math.max(m, size(s)), 0);
  const recurrent = recurrentKeys(g);
  const outEdges = new Map<string, string[]>();
  for (const e of g.edges) {
    if (recurrent.has(edgeKey(e))) continue;
    const list = outEdges.get(e.src) ?? [];
    list.push(e.dst);
    outEdges.set(e.src, list);
  }
  const isLinear = (id: string) => roleOf(id, g.nodes.get(id)!) === "linear";
  const relayAfter: string[] = [];
  for (const [id] of matrices) {
    const { inside, boundaryInputs } = linearRegion(g, id, outEdges, isLinear);
    const broken = inside.some((x) => breaksRowwise(g.nodes.get(x)!, outShape(x).length));
    const widest = boundaryInputs.reduce((m, b) => Math.max(m, inSize(b)), 0);
    // a Reduce composed with what follows gives every destination the whole unreduced input as fan-in
    const reduce = g.nodes.get(id)!.kind === "Reduce" && inSize(id) > REDUCE_FAN_IN;
    if (broken && (reduce || size(outShape(id)) * widest > limit)) relayAfter.push(id);
  }
  if (!relayAfter.length) return g;
  const out = cloneGraph(g);
  for (const id of relayAfter) {
    const relay = freshId(out, `${id}.relay`);
    replaceNode(out, id, [
      [id, g.nodes.get(id)!],
      [relay, createActivation("identity")],
    ]);
    for (const e of out.edges)
      if (e.src === id && (e.srcPort === undefined || e.srcPort === "out")) e.src = relay;
    out.edges.push({ src: id, dst: relay });
    diagnose(
      ctx,
      PASS,
      "note",
      `a graded relay population "${relay}" holds the output of "${id}" (${JSON.stringify(outShape(id))}): composing it with what follows would need ${size(outShape(id))} × up to ${Math.max(...linearRegion(g, id, outEdges, isLinear).boundaryInputs.map(inSize))} weights`,
      relay,
    );
  }
  return out;
}
