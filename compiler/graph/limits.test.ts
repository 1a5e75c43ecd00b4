// Element limits in validation: all parameters of a graph together, and every inferred output shape.

import { afterEach, describe, expect, it } from "vitest";
import { errorOf } from "../../test/cli-run.js";
import { chain, createGraph } from "./graph.js";
import { createInput, createOutput } from "./nodes.js";
import { createAffine, createConv2d } from "./nodes-synaptic.js";
import { validateGraph } from "./validate.js";

afterEach(() => {
  delete process.env.SPIKEGRID_MAX_GRAPH_ELEMENTS;
  delete process.env.SPIKEGRID_MAX_TENSOR_ELEMENTS;
});

const arr = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

function twoLayers() {
  const g = createGraph();
  chain(g, [
    ["x", createInput([4])],
    ["a", createAffine(arr([4, 4]), arr([4]))],
    ["b", createAffine(arr([8, 4]), arr([8]))],
    ["y", createOutput()],
  ]);
  return g;
}

describe("graph element limits", () => {
  it("all parameters together against SPIKEGRID_MAX_GRAPH_ELEMENTS", () => {
    expect(() => validateGraph(twoLayers())).not.toThrow();
    process.env.SPIKEGRID_MAX_GRAPH_ELEMENTS = "50";
    const e = errorOf(() => validateGraph(twoLayers()));
    expect(e.code).toBe("GRAPH_INVALID");
    expect(e.details[0]?.message).toBe(
      "its parameters have 60 elements, above the limit of 50 elements per graph (all parameters and constants) (set SPIKEGRID_MAX_GRAPH_ELEMENTS to allow more)",
    );
  });

  it("every inferred output against SPIKEGRID_MAX_TENSOR_ELEMENTS, naming the node", () => {
    // a 1×1 conv with 8 output channels: 8 weights, but an output of 8 × 4 × 4 = 128 elements
    const g = createGraph();
    chain(g, [
      ["x", createInput([1, 4, 4])],
      ["conv", createConv2d({ weight: arr([8, 1, 1, 1]) })],
      ["y", createOutput()],
    ]);
    expect(() => validateGraph(g)).not.toThrow();
    process.env.SPIKEGRID_MAX_TENSOR_ELEMENTS = "100";
    const e = errorOf(() => validateGraph(g));
    expect(e.details.map((d) => d.where)).toEqual(['node "conv" (Conv2d)']);
    expect(e.details[0]?.message).toBe(
      "its output [8,4,4] has 128 elements, above the limit of 100 elements per tensor (set SPIKEGRID_MAX_TENSOR_ELEMENTS to allow more)",
    );
  });
});
