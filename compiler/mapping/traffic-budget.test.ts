// The traffic graph's size budget: a mapping whose cores exchange events over more (source, destination) core
// pairs than the budget (TRAFFIC_PAIR_BUDGET, or a smaller one given) is refused with a one-line UNSUPPORTED
// error naming the budget and where it was reached, before the routes are built — instead of exhausting memory
// or a JS Map's 2^24 entries (an ImageNet Spikformer on the 1,152-chip SpiNNaker2 system did).

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import {
  createDense,
  createIf,
  createInput,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../nmir/index.js";
import type { Bin } from "./pack.js";
import { TRAFFIC_PAIR_BUDGET, trafficEdges } from "./traffic.js";

/** a (n neurons) → b (n neurons) densely, each neuron on its own core: n × n core pairs. */
function denseOnCores(n: number): { ir: NmirModule; bins: Bin[] } {
  const ir = createModule({ name: "dense-pairs", stage: "quantized", inputs: [createInput("x", [1])] });
  for (const id of ["a", "b"])
    ir.populations.push(createPopulation({ id, shape: [n], model: createIf({ vth: 1, vBits: 16 }) }));
  const weights = new Int32Array(n * n).fill(1);
  ir.projections.push(
    createProjection({
      id: "ab",
      src: "a",
      dst: "b",
      connectivity: createDense({ inSize: n, outSize: n, weights }),
      weightBits: 8,
    }),
  );
  ir.outputs.push(createOutput("y", "b"));
  const bins: Bin[] = [];
  for (const population of ["a", "b"])
    for (let i = 0; i < n; i++)
      bins.push({
        core: bins.length,
        slices: [{ population, start: i, count: 1, usage: {} }],
        usage: {},
        limits: {},
      });
  return { ir, bins };
}

describe("TRAFFIC_PAIR_BUDGET", () => {
  it("refuses more core pairs than the budget, naming it and the projection that reached it", () => {
    const budget = 2 ** 16;
    const n = Math.ceil(Math.sqrt(budget)) + 1; // 257² pairs, one more row than the budget holds
    const { ir, bins } = denseOnCores(n);
    let error: unknown;
    try {
      trafficEdges(ir, bins, undefined, budget);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpikegridError);
    const e = error as SpikegridError;
    expect(e.code).toBe("UNSUPPORTED");
    expect(e.message).toMatch(/more than 65,536 \(source, destination\) core pairs \(TRAFFIC_PAIR_BUDGET\)/);
    expect(e.message).toMatch(/projection "ab" \(a → b/);
  });

  it("holds the pairs of spikformer-8-512 at 224×224 on spinnaker2-sandia and stays below a Map's 2^24", () => {
    // 6,174,141 pairs measured after tiling (bench/README.md); a JS Map holds at most 2^24 entries
    expect(TRAFFIC_PAIR_BUDGET).toBeGreaterThan(6_174_141);
    expect(TRAFFIC_PAIR_BUDGET).toBeLessThan(2 ** 24);
  });

  it("counts every pair within the budget", () => {
    const { ir, bins } = denseOnCores(50);
    const edges = trafficEdges(ir, bins);
    expect(edges.length).toBe(50 * 50);
    expect(() => trafficEdges(ir, bins, undefined, 50 * 50 - 1)).toThrow(/TRAFFIC_PAIR_BUDGET/);
  });
});
