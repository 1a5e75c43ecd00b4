// The NetGraph container: named nodes, edges between typed ports, free-form metadata.
// Cycles are allowed (a back edge reads the previous timestep); several edges into one port sum.

import { assertNever, SpikegridError } from "../../common/errors.js";
import type { GraphNode } from "./nodes.js";

/** An identity connection from an output port to an input port; ports default to the node's only port. */
export interface Edge {
  src: string;
  dst: string;
  srcPort?: string;
  dstPort?: string;
}

export interface NetGraph {
  nodes: Map<string, GraphNode>;
  edges: Edge[];
  /** Free-form producer metadata (NIR `metadata`, importer notes); never interpreted for semantics. */
  metadata: Record<string, unknown>;
  /** Suggested integration step in seconds for continuous-time neurons (1 for discrete-time models). */
  dt?: number;
}

export function createGraph(init: { metadata?: Record<string, unknown>; dt?: number } = {}): NetGraph {
  const g: NetGraph = { nodes: new Map(), edges: [], metadata: init.metadata ?? {} };
  if (init.dt !== undefined) g.dt = init.dt;
  return g;
}

export function addNode<N extends GraphNode>(g: NetGraph, id: string, node: N): N {
  if (id === "") throw new SpikegridError("GRAPH_INVALID", "a node id must not be empty");
  if (g.nodes.has(id)) throw new SpikegridError("GRAPH_INVALID", `node "${id}" is defined twice`);
  g.nodes.set(id, node);
  return node;
}

export function connect(
  g: NetGraph,
  src: string,
  dst: string,
  ports: { srcPort?: string; dstPort?: string } = {},
): void {
  const e: Edge = { src, dst };
  if (ports.srcPort !== undefined) e.srcPort = ports.srcPort;
  if (ports.dstPort !== undefined) e.dstPort = ports.dstPort;
  g.edges.push(e);
}

/** Adds nodes in order and chains each to the next: the common feed-forward case. */
export function chain(g: NetGraph, nodes: [string, GraphNode][]): void {
  let prev: string | undefined;
  for (const [id, node] of nodes) {
    addNode(g, id, node);
    if (prev !== undefined) connect(g, prev, id);
    prev = id;
  }
}

/** Names of a node's input ports, in order. */
export function inputPorts(node: GraphNode): string[] {
  switch (node.kind) {
    case "Input":
      return [];
    case "Product":
    case "DynamicMatmul":
      return ["a", "b"];
    case "Concat":
      return Array.from({ length: node.inputs }, (_, i) => `in${i}`);
    case "Subgraph":
      return [...node.graph.nodes.entries()].filter(([, n]) => n.kind === "Input").map(([id]) => id);
    case "Output":
    case "Affine":
    case "Linear":
    case "Scale":
    case "Conv1d":
    case "Conv2d":
    case "BatchNorm":
    case "TemporalConv":
    case "SumPool2d":
    case "AvgPool2d":
    case "MaxPool2d":
    case "Flatten":
    case "Reshape":
    case "Transpose":
    case "Reduce":
    case "Delay":
    case "I":
    case "IF":
    case "LI":
    case "LIF":
    case "CubaLI":
    case "CubaLIF":
    case "Threshold":
    case "LmuMemory":
    case "DiagonalSsm":
    case "LayerNorm":
    case "TernaryGatedMix":
    case "FixedTransform":
    case "Activation":
      return ["in"];
    default:
      return assertNever(node, "node kind");
  }
}

/** Names of a node's output ports ("out" for all but Output (none) and Subgraph (its Output ids)). */
export function outputPorts(node: GraphNode): string[] {
  if (node.kind === "Output") return [];
  if (node.kind === "Subgraph") {
    return [...node.graph.nodes.entries()].filter(([, n]) => n.kind === "Output").map(([id]) => id);
  }
  return ["out"];
}

/** The port an edge enters, resolving the default; undefined when the node has no single default. */
export function resolvedDstPort(node: GraphNode, e: Edge): string | undefined {
  if (e.dstPort !== undefined) return e.dstPort;
  const ports = inputPorts(node);
  return ports.length === 1 ? ports[0] : undefined;
}

export function resolvedSrcPort(node: GraphNode, e: Edge): string | undefined {
  if (e.srcPort !== undefined) return e.srcPort;
  const ports = outputPorts(node);
  return ports.length === 1 ? ports[0] : undefined;
}

export function edgesInto(g: NetGraph, id: string): Edge[] {
  return g.edges.filter((e) => e.dst === id);
}

export function edgesFrom(g: NetGraph, id: string): Edge[] {
  return g.edges.filter((e) => e.src === id);
}
