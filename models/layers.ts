// Shared helpers for the zoo builders: PyTorch-default parameter tensors, spikingjelly LIF nodes and a small
// writer that adds nodes under their PyTorch module paths and wires residual streams as edge sets.

import { addNode, connect, type NetGraph } from "../compiler/graph/graph.js";
import { type NdArray, scalar } from "../compiler/graph/ndarray.js";
import {
  type BatchNormNode,
  createBatchNorm,
  createLIF,
  type GraphNode,
  type LIFNode,
} from "../compiler/graph/nodes.js";

/** A zero-filled float32 tensor (weights before a checkpoint is applied). */
export function zeros(shape: number[]): NdArray {
  return { shape: [...shape], data: new Float32Array(shape.reduce((a, d) => a * d, 1)) };
}

function ones(n: number): NdArray {
  return { shape: [n], data: new Float32Array(n).fill(1) };
}

/** BatchNorm1d/2d(c) with PyTorch's initial state: γ = 1, β = 0, running mean 0, running var 1, ε = 1e-5. */
export function batchNorm(c: number, axis = 0): BatchNormNode {
  return createBatchNorm({ mean: zeros([c]), variance: ones(c), gamma: ones(c), beta: zeros([c]), axis });
}

/**
 * spikingjelly `MultiStepLIFNode(tau=2, v_reset=0, decay_input=True)` with threshold `vTh`: with dt = 1,
 * H = V + (X − V)/2, spike iff H ≥ v_th, hard reset to 0.
 */
export function lif(vTh = 1): LIFNode {
  return createLIF({
    tau: scalar(2),
    r: scalar(1),
    vLeak: scalar(0),
    vThreshold: scalar(vTh),
    vReset: scalar(0),
    fire: "ge",
    resetMode: "value",
  });
}

/** A value of the network that is the sum of several node outputs (a residual stream, summed at each consumer). */
export type Stream = string[];

/** Adds `node` as `id` fed by every source of `from` (edges into one port sum); returns the new one-node stream. */
export function feed(g: NetGraph, id: string, node: GraphNode, from: Stream, dstPort?: string): Stream {
  addNode(g, id, node);
  for (const src of from) connect(g, src, id, dstPort === undefined ? {} : { dstPort });
  return [id];
}

/** Feeds nodes one after another, the first from `from`; returns the stream of the last. */
export function seq(g: NetGraph, from: Stream, nodes: [string, GraphNode][]): Stream {
  let s = from;
  for (const [id, node] of nodes) s = feed(g, id, node, s);
  return s;
}
