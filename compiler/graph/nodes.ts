// The NetGraph node union (DESIGN §2): NIR's primitives plus the extras the seed models need.
// Every switch over `kind` ends in assertNever, so a new kind is a compile error wherever it must be handled.

import type { NetGraph } from "./graph.js";
import type { ExtraNode } from "./nodes-extra.js";
import type { NeuronNode } from "./nodes-neuron.js";
import type { NormNode } from "./nodes-norm.js";
import type { StructuralNode } from "./nodes-structural.js";
import type { SynapticNode } from "./nodes-synaptic.js";

/** A graph input: one tensor of `shape` per timestep. */
export interface InputNode {
  kind: "Input";
  shape: number[];
}

/** A graph output; `shape` is what the producer declared (checked against inference when present). */
export interface OutputNode {
  kind: "Output";
  shape?: number[];
}

/** A nested graph (NIR allows any node to be a NIRGraph); ports are its Input and Output node ids. */
export interface SubgraphNode {
  kind: "Subgraph";
  graph: NetGraph;
}

export type GraphNode =
  | InputNode
  | OutputNode
  | SubgraphNode
  | NeuronNode
  | SynapticNode
  | StructuralNode
  | ExtraNode
  | NormNode;
export type NodeKind = GraphNode["kind"];

export function createInput(shape: number[]): InputNode {
  return { kind: "Input", shape: [...shape] };
}
export function createOutput(shape?: number[]): OutputNode {
  return shape ? { kind: "Output", shape: [...shape] } : { kind: "Output" };
}
export function createSubgraph(graph: NetGraph): SubgraphNode {
  return { kind: "Subgraph", graph };
}

/** Node kinds that keep state across timesteps (their output depends on the past). */
export const STATEFUL_KINDS: ReadonlySet<NodeKind> = new Set<NodeKind>([
  "I",
  "IF",
  "LI",
  "LIF",
  "CubaLI",
  "CubaLIF",
  "LmuMemory",
  "DiagonalSsm",
  "TemporalConv",
  "Delay",
]);

/** Node kinds whose output is a binary spike. */
export const SPIKING_KINDS: ReadonlySet<NodeKind> = new Set<NodeKind>(["IF", "LIF", "CubaLIF", "Threshold"]);

export * from "./nodes-extra.js";
export * from "./nodes-neuron.js";
export * from "./nodes-norm.js";
export * from "./nodes-structural.js";
export * from "./nodes-synaptic.js";
