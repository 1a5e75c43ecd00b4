// Graph-level repairs after reading a NIR file: Input/Output nodes for graphs that lack them (as the NIR
// reference inserts them), a deterministic layer order, and the shape fields NIR leaves optional.

import {
  addNode,
  connect,
  createInput,
  createOutput,
  formatShape,
  type GraphNode,
  inferShapesChecked,
  type NetGraph,
  sameShape,
  sizeOf,
} from "../../graph/index.js";
import { importFailed, type ReadContext } from "./fields.js";

/** The input shape a node's own parameters imply (what NIR's `input_type` would be), if they do. */
function intrinsicInputShape(n: GraphNode): number[] | undefined {
  switch (n.kind) {
    case "Affine":
    case "Linear": {
      const w = n.weight.shape;
      return w.length >= 2 ? [...w.slice(0, -2), w[w.length - 1]!] : undefined;
    }
    case "Conv1d":
      return n.inputLength !== undefined && n.weight.shape.length === 3
        ? [n.weight.shape[1]! * n.groups, n.inputLength]
        : undefined;
    case "Conv2d":
      return n.inputSize && n.weight.shape.length === 4
        ? [n.weight.shape[1]! * n.groups, ...n.inputSize]
        : undefined;
    case "Flatten":
      return n.inputShape;
    case "Scale":
      return n.scale.shape;
    case "Delay":
      return n.delay.shape;
    case "Threshold":
      return n.threshold.shape;
    case "I":
    case "IF":
    case "LI":
    case "LIF":
    case "CubaLI":
    case "CubaLIF":
      return n.r.shape.length ? n.r.shape : [1];
    default:
      return undefined;
  }
}

function uniqueId(g: NetGraph, base: string): string {
  let id = base;
  for (let i = 1; g.nodes.has(id); i++) id = `${base}_${i}`;
  return id;
}

/** Ports of a node on one side: [undefined] for ordinary nodes, the inner Input/Output ids of a Subgraph. */
function sidePorts(n: GraphNode, kind: "Input" | "Output"): (string | undefined)[] {
  if (n.kind !== "Subgraph") return [undefined];
  return [...n.graph.nodes].filter(([, m]) => m.kind === kind).map(([id]) => id);
}

/**
 * A graph without any Input node gets one per root (node without incoming edges), shaped from the root's
 * parameters; a graph without any Output node gets one per leaf. Warns for each inserted node.
 */
export function insertInputsOutputs(g: NetGraph, prefix: string, ctx: ReadContext): void {
  const nodes = [...g.nodes];
  const graphName = prefix ? `subgraph "${prefix.slice(0, -1)}"` : "the graph";
  if (!nodes.some(([, n]) => n.kind === "Input")) {
    const roots = nodes.filter(([id, n]) => n.kind !== "Output" && !g.edges.some((e) => e.dst === id));
    for (const [id, n] of roots) {
      const ports = sidePorts(n, "Input");
      for (const port of ports) {
        const inner = port === undefined || n.kind !== "Subgraph" ? undefined : n.graph.nodes.get(port);
        const shape = inner?.kind === "Input" ? inner.shape : intrinsicInputShape(n);
        if (!shape) {
          throw importFailed(
            ctx,
            `node "${prefix}${id}" (${n.kind})`,
            `${graphName} has no Input node, and this root's input shape cannot be derived from its parameters`,
            "add an Input node with the input shape to the NIR graph",
          );
        }
        const name = uniqueId(
          g,
          roots.length === 1 && ports.length === 1 ? "input" : `input_${id}${port ? `_${port}` : ""}`,
        );
        addNode(g, name, createInput(shape));
        connect(g, name, id, port === undefined ? {} : { dstPort: port });
        ctx.warnings.push(
          `${graphName} has no Input node: inserted Input "${prefix}${name}" ${formatShape(shape)} → "${prefix}${id}"`,
        );
      }
    }
  }
  if (!nodes.some(([, n]) => n.kind === "Output")) {
    const leaves = nodes.filter(([id, n]) => n.kind !== "Input" && !g.edges.some((e) => e.src === id));
    for (const [id, n] of leaves) {
      const ports = sidePorts(n, "Output");
      for (const port of ports) {
        const name = uniqueId(
          g,
          leaves.length === 1 && ports.length === 1 ? "output" : `output_${id}${port ? `_${port}` : ""}`,
        );
        addNode(g, name, createOutput());
        connect(g, id, name, port === undefined ? {} : { srcPort: port });
        ctx.warnings.push(
          `${graphName} has no Output node: inserted Output "${prefix}${name}" after "${prefix}${id}"`,
        );
      }
    }
  }
}

/**
 * Reorders g.nodes into dependency order (HDF5 lists nodes alphabetically: "0", "1", "10", "2"…). Ties and
 * cycle entries follow the first mention in the edge list, so the order depends only on the graph itself.
 */
export function orderNodes(g: NetGraph): NetGraph {
  const firstMention = new Map<string, number>();
  g.edges.forEach((e, i) => {
    for (const id of [e.src, e.dst]) if (!firstMention.has(id)) firstMention.set(id, i);
  });
  const rank = (id: string): number => firstMention.get(id) ?? Number.MAX_SAFE_INTEGER;
  const byRank = (a: string, b: string): number => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
  const indeg = new Map<string, number>([...g.nodes.keys()].map((id) => [id, 0]));
  const succ = new Map<string, string[]>([...g.nodes.keys()].map((id) => [id, []]));
  for (const e of g.edges) {
    if (!indeg.has(e.dst) || !succ.has(e.src)) continue;
    indeg.set(e.dst, indeg.get(e.dst)! + 1);
    succ.get(e.src)!.push(e.dst);
  }
  const remaining = new Set(g.nodes.keys());
  const ready = [...remaining].filter((id) => indeg.get(id) === 0).sort(byRank);
  const order: string[] = [];
  while (remaining.size) {
    if (!ready.length) ready.push([...remaining].sort(byRank)[0]!); // only cycles left: enter at the first mentioned
    const id = ready.shift()!;
    if (!remaining.delete(id)) continue;
    order.push(id);
    for (const d of succ.get(id)!) {
      const left = indeg.get(d)! - 1;
      indeg.set(d, left);
      if (left === 0 && remaining.has(d)) ready.push(d);
    }
  }
  g.nodes = new Map(order.map((id) => [id, g.nodes.get(id)!]));
  return g;
}

/**
 * Fills the shape fields NIR leaves optional from shape inference: Output `shape`, Conv `input_shape`,
 * Flatten `input_type`. An Output whose declared shape has the right element count but other dims (Rockpool
 * writes [1,1,1] for [1]) takes the inferred shape, with a warning. Recurses into subgraphs.
 */
export function completeShapes(g: NetGraph, warnings: string[], prefix = ""): void {
  for (const [id, n] of g.nodes)
    if (n.kind === "Subgraph") completeShapes(n.graph, warnings, `${prefix}${id}.`);
  const { shapes } = inferShapesChecked(g);
  for (const [id, n] of g.nodes) {
    const x = shapes.get(id)?.inputs.in;
    if (!x) continue;
    if (n.kind === "Output") {
      if (n.shape && !sameShape(n.shape, x) && sizeOf(n.shape) === sizeOf(x)) {
        warnings.push(
          `Output "${prefix}${id}" declared ${formatShape(n.shape)} but receives ${formatShape(x)}; kept ${formatShape(x)}`,
        );
        n.shape = [...x];
      } else if (!n.shape) n.shape = [...x];
    } else if (n.kind === "Conv1d" && n.inputLength === undefined && x.length === 2) n.inputLength = x[1]!;
    else if (n.kind === "Conv2d" && !n.inputSize && x.length === 3) n.inputSize = [x[1]!, x[2]!];
    else if (n.kind === "Flatten" && !n.inputShape) n.inputShape = [...x];
  }
}
