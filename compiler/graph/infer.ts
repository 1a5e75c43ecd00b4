// Shape inference over a whole NetGraph, cycles included: a node resolves once every input port has at least
// one incoming edge of known shape (recurrent edges then must agree). Reports every problem, naming nodes.

import { type ErrorDetail, SpikegridError } from "../../common/errors.js";
import { IMPORT_LIMITS, importLimit } from "../importers/budget.js";
import { type Edge, inputPorts, type NetGraph, resolvedDstPort, resolvedSrcPort } from "./graph.js";
import { formatShape, sameShape, sizeOf } from "./ndarray.js";
import type { NodeKind } from "./nodes.js";
import { outputShape, ShapeError } from "./shapes.js";

/** Neurons may stand without inputs (a self-driven neuron); their shape then comes from their parameters. */
const NEURON_KINDS: ReadonlySet<NodeKind> = new Set<NodeKind>(["I", "IF", "LI", "LIF", "CubaLI", "CubaLIF"]);

export interface NodeShapes {
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
}

export type ShapeTable = Map<string, NodeShapes>;

/** Where-string for a node in messages: `node "conv1" (Conv2d)`, with the subgraph path when nested. */
export function nodeWhere(g: NetGraph, id: string, prefix = ""): string {
  return `node "${prefix}${id}" (${g.nodes.get(id)?.kind ?? "missing"})`;
}

/** Edges by destination and successors by source, so each node looks only at its own edges. */
interface EdgeIndex {
  incoming: Map<string, Edge[]>;
  successors: Map<string, string[]>;
}

function indexEdges(g: NetGraph): EdgeIndex {
  const incoming = new Map<string, Edge[]>();
  const successors = new Map<string, string[]>();
  for (const e of g.edges) {
    const into = incoming.get(e.dst);
    if (into) into.push(e);
    else incoming.set(e.dst, [e]);
    const next = successors.get(e.src);
    if (next) next.push(e.dst);
    else successors.set(e.src, [e.dst]);
  }
  return { incoming, successors };
}

/** Tries to resolve one node from the shapes known so far; true when it was (successfully or as failed). */
function resolveNode(
  g: NetGraph,
  id: string,
  incoming: readonly Edge[],
  table: ShapeTable,
  problems: ErrorDetail[],
  prefix: string,
): boolean {
  const node = g.nodes.get(id);
  if (!node) return false;
  const ports = inputPorts(node);
  const inputs: Record<string, number[]> = Object.create(null);
  for (const e of incoming) {
    const p = resolvedDstPort(node, e);
    const srcNode = g.nodes.get(e.src);
    if (p === undefined || srcNode === undefined || inputs[p]) continue;
    const sp = resolvedSrcPort(srcNode, e);
    const s = sp === undefined ? undefined : table.get(e.src)?.outputs[sp];
    if (s) inputs[p] = s;
  }
  const intrinsic = node.kind === "Input" || (incoming.length === 0 && NEURON_KINDS.has(node.kind));
  if (!intrinsic && !ports.every((p) => inputs[p])) return false;
  try {
    let outputs: Record<string, number[]>;
    if (node.kind === "Subgraph") {
      const inner = inferShapesInto(node.graph, problems, `${prefix}${id}.`, inputs);
      outputs = Object.create(null);
      for (const [oid, o] of node.graph.nodes)
        if (o.kind === "Output") outputs[oid] = inner.get(oid)?.outputs.out ?? [];
    } else {
      outputs = { out: outputShape(node, inputs) };
    }
    // shapes are only numbers here, but every later stage allocates them: a declared 1e6-channel layer
    // must stop now, not when the compiler or simulator tries to hold its output
    const limit = importLimit("tensorElements");
    for (const s of Object.values(outputs)) {
      const n = sizeOf(s);
      if (n > limit) {
        const l = IMPORT_LIMITS.tensorElements;
        throw new ShapeError(
          `its output ${formatShape(s)} has ${n.toLocaleString("en-US")} elements, above the limit of ${limit.toLocaleString("en-US")} ${l.what} (set ${l.env} to allow more)`,
        );
      }
    }
    table.set(id, { inputs, outputs });
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    problems.push({ where: nodeWhere(g, id, prefix), message: e.message });
    table.set(id, { inputs, outputs: {} }); // resolved as failed: dependants report "no known input" once
  }
  return true;
}

/**
 * Resolves nodes to a fixed point with a work queue: every node is tried once in graph order, then again
 * only when one of its sources resolves. Linear in nodes + edges (a pass-until-stable loop over all nodes
 * would be quadratic on a long chain listed backwards).
 */
function resolveAll(
  g: NetGraph,
  index: EdgeIndex,
  table: ShapeTable,
  problems: ErrorDetail[],
  prefix: string,
) {
  const queue = [...g.nodes.keys()];
  const queued = new Set(queue);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    queued.delete(id);
    if (table.has(id) || !resolveNode(g, id, index.incoming.get(id) ?? [], table, problems, prefix)) continue;
    for (const next of index.successors.get(id) ?? []) {
      if (table.has(next) || queued.has(next)) continue;
      queued.add(next);
      queue.push(next);
    }
  }
}

function inferShapesInto(
  g: NetGraph,
  problems: ErrorDetail[],
  prefix: string,
  inputOverrides?: Record<string, number[]>,
): ShapeTable {
  const table: ShapeTable = new Map();
  if (inputOverrides) {
    for (const [id, s] of Object.entries(inputOverrides)) {
      const n = g.nodes.get(id);
      if (n?.kind === "Input" && !sameShape(n.shape, s)) {
        problems.push({
          where: nodeWhere(g, id, prefix),
          message: `declared ${formatShape(n.shape)} but receives ${formatShape(s)}`,
        });
      }
    }
  }
  const index = indexEdges(g);
  resolveAll(g, index, table, problems, prefix);
  const hadProblems = problems.length > 0;
  for (const [id, node] of g.nodes) {
    if (table.has(id)) continue;
    const into = index.incoming.get(id) ?? [];
    const missing = inputPorts(node).filter((p) => !into.some((e) => resolvedDstPort(node, e) === p));
    if (!missing.length && hadProblems) continue; // downstream of a failed node: already explained there
    problems.push({
      where: nodeWhere(g, id, prefix),
      message: missing.length
        ? `input port${missing.length > 1 ? "s" : ""} ${missing.map((p) => `"${p}"`).join(", ")} not connected`
        : "no input of known shape reaches it (it depends only on a cycle)",
    });
  }
  for (const e of g.edges) {
    const dst = g.nodes.get(e.dst);
    const src = g.nodes.get(e.src);
    if (!dst || !src) continue;
    const dp = resolvedDstPort(dst, e);
    const sp = resolvedSrcPort(src, e);
    const got = sp === undefined ? undefined : table.get(e.src)?.outputs[sp];
    const want = dp === undefined ? undefined : table.get(e.dst)?.inputs[dp];
    if (got && want && !sameShape(got, want)) {
      problems.push({
        where: `edge ${prefix}${e.src} → ${prefix}${e.dst}${dp && dp !== "in" ? `.${dp}` : ""}`,
        message: `carries ${formatShape(got)} but the port receives ${formatShape(want)} from its other edges`,
      });
    }
  }
  const outNode = [...g.nodes].filter(([, n]) => n.kind === "Output");
  for (const [id, n] of outNode) {
    const s = table.get(id)?.outputs.out;
    if (n.kind === "Output" && n.shape && s && !sameShape(n.shape, s)) {
      problems.push({
        where: nodeWhere(g, id, prefix),
        message: `declared ${formatShape(n.shape)} but receives ${formatShape(s)}`,
      });
    }
  }
  return table;
}

/** Infers every node's input and output shapes; collects problems instead of throwing. */
export function inferShapesChecked(g: NetGraph): { shapes: ShapeTable; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const shapes = inferShapesInto(g, problems, "");
  return { shapes, problems };
}

/** Infers every node's shapes or throws GRAPH_INVALID listing each problem. */
export function inferShapes(g: NetGraph): ShapeTable {
  const { shapes, problems } = inferShapesChecked(g);
  if (problems.length) {
    throw new SpikegridError(
      "GRAPH_INVALID",
      `shape inference failed (${problems.length} problem${problems.length > 1 ? "s" : ""})`,
      {
        details: problems,
        hint: "check the named nodes' parameter shapes and the edges into them",
      },
    );
  }
  return shapes;
}
