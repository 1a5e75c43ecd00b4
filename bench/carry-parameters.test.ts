// carryParameters: every tensor of every node (through subgraphs) copied exactly; any mismatch refused before
// anything is written.

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../common/errors.js";
import { addNode, chain, createGraph, type NetGraph } from "../compiler/graph/graph.js";
import { ndarray } from "../compiler/graph/ndarray.js";
import { createSubgraph } from "../compiler/graph/nodes.js";
import { createAffine, createBatchNorm, createConv2d } from "../compiler/graph/nodes-synaptic.js";
import { carryParameters } from "./carry-parameters.js";

/** A conv → BN → subgraph(affine) network whose every value is `base` + its index (kernel side `k`). */
function net(base: number, k = 3): NetGraph {
  const v = (n: number) => Float64Array.from({ length: n }, (_, i) => base + i);
  const inner = createGraph();
  addNode(inner, "fc", createAffine(ndarray([2, 2], v(4)), ndarray([2], v(2))));
  const g = createGraph();
  chain(g, [
    ["conv", createConv2d({ weight: ndarray([2, 1, k, k], v(2 * k * k)), pads: [1, 1, 1, 1] })],
    [
      "bn",
      createBatchNorm({
        mean: ndarray([2], v(2)),
        variance: ndarray([2], v(2)),
        gamma: ndarray([2], v(2)),
        beta: ndarray([2], v(2)),
      }),
    ],
    ["block", createSubgraph(inner)],
  ]);
  return g;
}

const values = (g: NetGraph): number[] => {
  const conv = g.nodes.get("conv") as { weight: { data: Float64Array } };
  const bn = g.nodes.get("bn") as unknown as Record<string, { data: Float64Array }>;
  const fc = (g.nodes.get("block") as { graph: NetGraph }).graph.nodes.get("fc") as unknown as Record<
    string,
    { data: Float64Array }
  >;
  return [conv.weight, bn.mean!, bn.variance!, bn.gamma!, bn.beta!, fc.weight!, fc.bias!].flatMap((t) => [
    ...t.data,
  ]);
};

describe("carryParameters", () => {
  it("copies every tensor of every node, subgraphs included, and counts the values", () => {
    const from = net(100);
    const to = net(0);
    const n = carryParameters(from, to);
    expect(n).toBe(18 + 4 * 2 + 4 + 2);
    expect(values(to)).toEqual(values(from));
    expect(values(to)[0]).toBe(100);
    // copies, not shared arrays: the source stays independent
    (from.nodes.get("conv") as { weight: { data: Float64Array } }).weight.data[0] = -1;
    expect(values(to)[0]).toBe(100);
  });

  it("refuses a shape mismatch, naming node, field and shapes, and writes nothing", () => {
    const to = net(0);
    const before = values(to);
    expect(() => carryParameters(net(100, 5), to)).toThrow(SpikegridError);
    expect(() => carryParameters(net(100, 5), to)).toThrow(
      "conv.weight is [2,1,5,5] in the source, [2,1,3,3] in the target",
    );
    expect(values(to)).toEqual(before);
  });

  it("refuses a mismatch inside a subgraph after earlier nodes matched, and writes nothing", () => {
    const from = net(100);
    const inner = (from.nodes.get("block") as { graph: NetGraph }).graph;
    inner.nodes.set(
      "fc",
      createAffine(ndarray([3, 2], new Float64Array(6)), ndarray([3], new Float64Array(3))),
    );
    const to = net(0);
    const before = values(to);
    expect(() => carryParameters(from, to)).toThrow(
      "block/fc.weight is [3,2] in the source, [2,2] in the target",
    );
    expect(values(to)).toEqual(before);
  });

  it("refuses networks with other nodes or kinds", () => {
    const extra = net(100);
    addNode(
      extra,
      "bn2",
      createBatchNorm({
        mean: ndarray([1], [0]),
        variance: ndarray([1], [1]),
        gamma: ndarray([1], [1]),
        beta: ndarray([1], [0]),
      }),
    );
    expect(() => carryParameters(extra, net(0))).toThrow('node "bn2" is in only one of the two networks');
    const kind = net(100);
    kind.nodes.set(
      "bn",
      createAffine(ndarray([2, 2], new Float64Array(4)), ndarray([2], new Float64Array(2))),
    );
    expect(() => carryParameters(kind, net(0))).toThrow(
      'node "bn" is Affine in the source, BatchNorm in the target',
    );
  });
});
