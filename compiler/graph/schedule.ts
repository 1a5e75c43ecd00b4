// The per-timestep evaluation order of a NetGraph (layer-sync): subgraphs flattened, back edges found by a
// deterministic DFS become recurrent edges (they deliver the previous step's value), the rest a topological order.

import { SpikegridError } from "../../common/errors.js";
import { type Edge, inputPorts, type NetGraph, resolvedDstPort, resolvedSrcPort } from "./graph.js";
import { inferShapes } from "./infer.js";
import type { GraphNode } from "./nodes.js";
import { createActivation } from "./nodes-extra.js";
import { validateGraph } from "./validate.js";

/** One edge into a port of a scheduled node: the index (in `Schedule.nodes`) of its source. */
export interface ScheduledSource {
  src: number;
  /** Reads the source's output of the previous step (zero at t = 0). */
  recurrent: boolean;
}

export interface ScheduledNode {
  /** Flat id: nodes inside a subgraph are `subgraphId.innerId`. */
  id: string;
  node: GraphNode;
  /** Input port names, in `inputPorts(node)` order. */
  ports: string[];
  /** Shape arriving at each port (a neuron without input edges gets its own shape). */
  inShapes: number[][];
  outShape: number[];
  /** For each port, the sources whose outputs are summed into it. */
  sources: ScheduledSource[][];
}

export interface Schedule {
  /** The flattened graph the schedule refers to (no Subgraph nodes). */
  graph: NetGraph;
  /** Nodes in evaluation order: every non-recurrent edge goes from an earlier node to a later one. */
  nodes: ScheduledNode[];
  /** Edges of `graph` that close a cycle and therefore read the previous timestep. */
  recurrent: Edge[];
  /** Top-level Input and Output node ids, in insertion order. */
  inputs: string[];
  outputs: string[];
}

/**
 * Replaces every Subgraph node S by its (recursively flattened) nodes, renamed `S.inner`. The subgraph's own
 * Input and Output nodes become identity Activations, so edges into port p of S enter `S.p` and edges from
 * port q leave `S.q`; several edges into one port still sum there.
 */
export function flattenGraph(g: NetGraph): NetGraph {
  const out: NetGraph = { nodes: new Map(), edges: [], metadata: g.metadata };
  if (g.dt !== undefined) out.dt = g.dt;
  const add = (id: string, node: GraphNode) => {
    if (out.nodes.has(id)) {
      throw new SpikegridError("GRAPH_INVALID", `flattening subgraphs produces the node id "${id}" twice`, {
        hint: "rename the top-level node whose id contains a dot so it does not collide with a subgraph member",
      });
    }
    out.nodes.set(id, node);
  };
  for (const [id, node] of g.nodes) {
    if (node.kind !== "Subgraph") {
      add(id, node);
      continue;
    }
    const inner = flattenGraph(node.graph);
    for (const [iid, inode] of inner.nodes) {
      add(
        `${id}.${iid}`,
        inode.kind === "Input" || inode.kind === "Output" ? createActivation("identity") : inode,
      );
    }
    for (const e of inner.edges) out.edges.push({ ...e, src: `${id}.${e.src}`, dst: `${id}.${e.dst}` });
  }
  for (const e of g.edges) {
    const src = g.nodes.get(e.src)!;
    const dst = g.nodes.get(e.dst)!;
    const f: Edge = { src: e.src, dst: e.dst };
    if (src.kind === "Subgraph") f.src = `${e.src}.${resolvedSrcPort(src, e)}`;
    else if (e.srcPort !== undefined) f.srcPort = e.srcPort;
    if (dst.kind === "Subgraph") f.dst = `${e.dst}.${resolvedDstPort(dst, e)}`;
    else if (e.dstPort !== undefined) f.dstPort = e.dstPort;
    out.edges.push(f);
  }
  return out;
}

/**
 * Validates `g`, flattens it and orders it for one timestep. Recurrent edges: a DFS that starts from the
 * Input nodes (in insertion order), then from any node not yet reached (in insertion order), and follows
 * out-edges in edge insertion order; an edge into a node still on the DFS stack (a back edge, self-loops
 * included) is recurrent. The order is the reverse DFS post-order, a topological order of the other edges.
 */
export function scheduleGraph(g: NetGraph): Schedule {
  validateGraph(g);
  const flat = flattenGraph(g);
  const shapes = inferShapes(flat);
  const ids = [...flat.nodes.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;
  const adj: number[][] = Array.from({ length: n }, () => []);
  flat.edges.forEach((e, ei) => {
    adj[index.get(e.src)!]!.push(ei);
  });

  const color = new Uint8Array(n); // 0 unvisited, 1 on the stack, 2 finished
  const post: number[] = [];
  const back = new Set<number>();
  const inputs = ids.filter((id) => flat.nodes.get(id)!.kind === "Input").map((id) => index.get(id)!);
  for (const root of [...inputs, ...ids.keys()]) {
    if (color[root] !== 0) continue;
    color[root] = 1;
    const stack: [number, number][] = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [v, k] = top;
      const out = adj[v]!;
      if (k < out.length) {
        top[1]++;
        const ei = out[k]!;
        const w = index.get(flat.edges[ei]!.dst)!;
        if (color[w] === 0) {
          color[w] = 1;
          stack.push([w, 0]);
        } else if (color[w] === 1) back.add(ei);
      } else {
        color[v] = 2;
        post.push(v);
        stack.pop();
      }
    }
  }
  const order = post.reverse();
  const position = new Int32Array(n);
  order.forEach((v, p) => {
    position[v] = p;
  });

  const nodes: ScheduledNode[] = order.map((v) => {
    const id = ids[v]!;
    const node = flat.nodes.get(id)!;
    const ports = inputPorts(node);
    const s = shapes.get(id)!;
    const outShape = s.outputs.out!;
    return {
      id,
      node,
      ports,
      inShapes: ports.map((p) => s.inputs[p] ?? outShape),
      outShape,
      sources: ports.map(() => []),
    };
  });
  flat.edges.forEach((e, ei) => {
    const dst = nodes[position[index.get(e.dst)!]!]!;
    const port = dst.ports.indexOf(resolvedDstPort(dst.node, e)!);
    const src = position[index.get(e.src)!]!;
    const recurrent = back.has(ei);
    // The runner relies on this: a recurrent source is evaluated at or after its destination, so its output
    // buffer still holds the previous step when the destination reads it.
    if (recurrent !== src >= position[index.get(e.dst)!]!)
      throw new Error("internal: schedule order violates an edge");
    dst.sources[port]!.push({ src, recurrent });
  });

  const topIds = [...g.nodes.keys()];
  return {
    graph: flat,
    nodes,
    recurrent: [...back].sort((a, b) => a - b).map((ei) => flat.edges[ei]!),
    inputs: topIds.filter((id) => g.nodes.get(id)!.kind === "Input"),
    outputs: topIds.filter((id) => g.nodes.get(id)!.kind === "Output"),
  };
}
