// Small NetGraph editing helpers shared by the graph passes: copy, replace a node in place (keeping node order,
// which the layer-sync schedule's DFS depends on), fresh ids and recurrent-edge keys.

import type { Edge, GraphNode, NetGraph } from "../graph/index.js";
import { scheduleGraph } from "../graph/schedule.js";

/** A copy whose node map and edge list can be edited without touching `g` (nodes themselves are shared). */
export function cloneGraph(g: NetGraph): NetGraph {
  const out: NetGraph = {
    nodes: new Map(g.nodes),
    edges: g.edges.map((e) => ({ ...e })),
    metadata: g.metadata,
  };
  if (g.dt !== undefined) out.dt = g.dt;
  return out;
}

/** Replaces node `id` by `nodes`, inserted where `id` stood in the node order (ids may include `id` itself). */
export function replaceNode(g: NetGraph, id: string, nodes: [string, GraphNode][]): void {
  const entries: [string, GraphNode][] = [];
  for (const [k, n] of g.nodes) {
    if (k === id) entries.push(...nodes);
    else entries.push([k, n]);
  }
  g.nodes = new Map(entries);
}

/** `base` if no node uses it yet, else `base~2`, `base~3`, … (also avoiding `taken`). */
export function freshId(g: NetGraph, base: string, taken: ReadonlySet<string> = new Set()): string {
  const free = (id: string) => !g.nodes.has(id) && !taken.has(id);
  if (free(base)) return base;
  for (let i = 2; ; i++) if (free(`${base}~${i}`)) return `${base}~${i}`;
}

export function edgeKey(e: Edge): string {
  return `${e.src}\u0000${e.srcPort ?? ""}\u0000${e.dst}\u0000${e.dstPort ?? ""}`;
}

/** Keys of the edges the layer-sync schedule cuts (they read the previous step). */
export function recurrentKeys(g: NetGraph): Set<string> {
  return new Set(scheduleGraph(g).recurrent.map(edgeKey));
}
