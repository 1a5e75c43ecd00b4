// A per-node summary of a validated NetGraph: kind, shapes, parameter count, dense ops per timestep.
// Feeds `spikegrid inspect` for every network format.

import { denseOps } from "./dense-ops.js";
import type { NetGraph } from "./graph.js";
import type { ShapeTable } from "./infer.js";
import { type NdArray, sizeOf } from "./ndarray.js";
import type { GraphNode } from "./nodes.js";
import { validateGraph } from "./validate.js";

export interface NodeSummary {
  id: string;
  kind: string;
  inputShapes: Record<string, number[]>;
  outputShape: number[];
  params: number;
  denseMacs: number;
  denseMacsPadded: number;
  /** Nested subgraph summaries, for Subgraph nodes. */
  children?: NodeSummary[];
}

export interface GraphSummary {
  nodes: NodeSummary[];
  totals: { nodes: number; params: number; neurons: number; denseMacs: number; denseMacsPadded: number };
  inputs: { id: string; shape: number[] }[];
  outputs: { id: string; shape: number[] }[];
  conventions: { denseMacs: string; denseMacsPadded: string; params: string; neurons: string };
}

const NEURONS = new Set(["I", "IF", "LI", "LIF", "CubaLI", "CubaLIF"]);

/** Learnable parameters, as PyTorch's `numel` over nn.Parameters counts them (BatchNorm running stats are buffers). */
function paramCount(node: GraphNode): number {
  const n = (a: NdArray | undefined) => a?.data.length ?? 0;
  switch (node.kind) {
    case "Affine":
      return n(node.weight) + n(node.bias);
    case "Linear":
      return n(node.weight);
    case "Conv1d":
    case "Conv2d":
    case "TemporalConv":
      return n(node.weight) + n(node.bias);
    case "BatchNorm":
      return n(node.gamma) + n(node.beta);
    case "LayerNorm":
    case "TernaryGatedMix":
      // the ternary weights are derived from W on the fly: not parameters of their own
      return n(node.weight) + n(node.bias);
    case "Scale":
      return n(node.scale);
    case "DiagonalSsm":
      return [
        node.lambdaRe,
        node.lambdaIm,
        node.bRe,
        node.bIm,
        node.cRe,
        node.cIm,
        node.d,
        node.logStep,
        node.cBackRe,
        node.cBackIm,
      ].reduce((a, x) => a + n(x), 0);
    default:
      return 0;
  }
}

function summarizeNodes(g: NetGraph, shapes: ShapeTable): NodeSummary[] {
  const out: NodeSummary[] = [];
  for (const [id, node] of g.nodes) {
    const s = shapes.get(id);
    const inputShapes = s?.inputs ?? {};
    const outputShape = s?.outputs.out ?? Object.values(s?.outputs ?? {})[0] ?? [];
    if (node.kind === "Subgraph") {
      const children = summarizeNodes(node.graph, validateGraph(node.graph, `subgraph "${id}"`));
      out.push({
        id,
        kind: node.kind,
        inputShapes,
        outputShape,
        params: children.reduce((a, c) => a + c.params, 0),
        denseMacs: children.reduce((a, c) => a + c.denseMacs, 0),
        denseMacsPadded: children.reduce((a, c) => a + c.denseMacsPadded, 0),
        children,
      });
      continue;
    }
    const ops = denseOps(node, inputShapes, outputShape);
    const params = paramCount(node);
    out.push({
      id,
      kind: node.kind,
      inputShapes,
      outputShape,
      params,
      denseMacs: ops.macs,
      denseMacsPadded: ops.macsPadded,
    });
  }
  return out;
}

function countNeurons(nodes: NodeSummary[]): number {
  return nodes.reduce(
    (a, n) => a + (n.children ? countNeurons(n.children) : NEURONS.has(n.kind) ? sizeOf(n.outputShape) : 0),
    0,
  );
}

/** Validates the graph and summarises it. Parameters count every stored value (weights, biases, neuron constants). */
export function summarizeGraph(g: NetGraph, source = "graph"): GraphSummary {
  const shapes = validateGraph(g, source);
  const nodes = summarizeNodes(g, shapes);
  const sum = (f: (n: NodeSummary) => number) => nodes.reduce((a, n) => a + f(n), 0);
  return {
    nodes,
    totals: {
      nodes: g.nodes.size,
      params: sum((n) => n.params),
      neurons: countNeurons(nodes),
      denseMacs: sum((n) => n.denseMacs),
      denseMacsPadded: sum((n) => n.denseMacsPadded),
    },
    inputs: nodes.filter((n) => n.kind === "Input").map((n) => ({ id: n.id, shape: n.outputShape })),
    outputs: nodes.filter((n) => n.kind === "Output").map((n) => ({ id: n.id, shape: n.outputShape })),
    conventions: {
      denseMacs:
        "dense multiply-accumulates per timestep, every input × every weight, kernel taps on zero padding excluded (NeuroBench Dense)",
      denseMacsPadded:
        "as denseMacs but counting taps on padding (syops-counter / ANN FLOPs convention; FLOPs = 2 × MACs)",
      params:
        "learnable parameters as PyTorch counts them: weights, biases, BatchNorm γ/β, Scale, SSM arrays (not BatchNorm running statistics, not neuron constants)",
      neurons: "elements of stateful neuron nodes (I, IF, LI, LIF, CubaLI, CubaLIF)",
    },
  };
}
