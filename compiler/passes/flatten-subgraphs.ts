// Graph pass `flattenSubgraphs`: inlines every Subgraph node (as the float reference's flattenGraph does: inner
// nodes become `sub.inner`), then removes the identity nodes that stood for the subgraphs' Input/Output ports.

import type { Edge, NetGraph } from "../graph/index.js";
import { flattenGraph } from "../graph/schedule.js";
import { edgeKey, recurrentKeys } from "./graph-edit.js";
import { diagnose, type PassContext } from "./pass.js";

const PASS = "flattenSubgraphs";

/** Flat ids of the identity nodes flattenGraph makes for the Input/Output nodes of (nested) subgraphs. */
function portIds(g: NetGraph, prefix = ""): string[] {
  const out: string[] = [];
  for (const [id, node] of g.nodes) {
    if (node.kind !== "Subgraph") continue;
    for (const [inner, n] of node.graph.nodes) {
      if (n.kind === "Input" || n.kind === "Output") out.push(`${prefix}${id}.${inner}`);
    }
    out.push(...portIds(node.graph, `${prefix}${id}.`));
  }
  return out;
}

/** Whether `id` lies on a directed cycle. */
function onCycle(g: NetGraph, id: string): boolean {
  const seen = new Set<string>();
  const stack = g.edges.filter((e) => e.src === id).map((e) => e.dst);
  while (stack.length) {
    const v = stack.pop()!;
    if (v === id) return true;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const e of g.edges) if (e.src === v) stack.push(e.dst);
  }
  return false;
}

/**
 * Removes identity node `id`, wiring each of its sources straight to each of its readers. The new edges take
 * the place of the edge into `id` in the edge list, so the schedule's DFS visits nodes in the same order.
 * Returns false (and changes nothing) when that would duplicate an existing edge.
 */
function splice(g: NetGraph, id: string): boolean {
  const outs = g.edges.filter((e) => e.src === id);
  const edges: Edge[] = [];
  for (const e of g.edges) {
    if (e.src === id) continue;
    if (e.dst !== id) {
      edges.push(e);
      continue;
    }
    for (const o of outs) {
      const f: Edge = { src: e.src, dst: o.dst };
      if (e.srcPort !== undefined) f.srcPort = e.srcPort;
      if (o.dstPort !== undefined) f.dstPort = o.dstPort;
      edges.push(f);
    }
  }
  const keys = edges.map(edgeKey);
  if (new Set(keys).size !== keys.length) return false;
  g.edges = edges;
  g.nodes.delete(id);
  return true;
}

/**
 * Inlines subgraphs. A port identity is removed when it has inputs and readers and lies on no cycle; the
 * result must cut the same recurrent edges as the plain flattening, else the identities are all kept (they
 * are exact either way; they only cost a graded population each after lowering).
 */
export function flattenSubgraphs(g: NetGraph, ctx: PassContext): NetGraph {
  const ports = portIds(g);
  if (!ports.length && ![...g.nodes.values()].some((n) => n.kind === "Subgraph")) return g;
  const flat = flattenGraph(g);
  const before = recurrentKeys(flat);
  const spliced: NetGraph = { ...flat, nodes: new Map(flat.nodes), edges: [...flat.edges] };
  let removed = 0;
  for (const id of ports) {
    const hasIn = spliced.edges.some((e) => e.dst === id);
    const hasOut = spliced.edges.some((e) => e.src === id);
    if (hasIn && hasOut && !onCycle(spliced, id) && splice(spliced, id)) removed++;
  }
  const after = recurrentKeys(spliced);
  const same = before.size === after.size && [...before].every((k) => after.has(k));
  const result = same ? spliced : flat;
  const kept = ports.length - (same ? removed : 0);
  diagnose(
    ctx,
    PASS,
    "note",
    `inlined subgraphs into ${result.nodes.size} nodes; removed ${same ? removed : 0} port identities` +
      (kept ? `, kept ${kept} (on a cycle, unconnected, or needed to keep the recurrent cut)` : ""),
  );
  return result;
}
