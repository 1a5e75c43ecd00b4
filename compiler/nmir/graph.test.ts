// Tests of the graph views: layer-sync update order and delay-0 cycle reporting.

import { describe, expect, it } from "vitest";
import { SpikegridError } from "../../common/errors.js";
import { createOneToOne } from "./connectivity.js";
import { exampleNmir } from "./example.js";
import { createDynamicMatmul, createProjection } from "./factories.js";
import { findDelayZeroCycles, layerSyncOrder, sourceTable } from "./graph.js";

describe("graph", () => {
  it("orders populations after their same-step sources", () => {
    const m = exampleNmir();
    expect(layerSyncOrder(m)).toEqual(["l1", "readout"]);
    m.populations.reverse(); // declaration order must not matter
    expect(layerSyncOrder(m)).toEqual(["l1", "readout"]);
  });

  it("places dynamic matmuls after their operands and before their readers", () => {
    const m = exampleNmir();
    m.dynamicMatmuls.push(
      createDynamicMatmul({ id: "att", a: "l1", b: "l1", m: 4, k: 8, n: 4, transposeB: true, outBits: 8 }),
    );
    m.projections.push(
      createProjection({
        id: "p",
        src: "att",
        dst: "readout",
        connectivity: createOneToOne({ size: 10, weights: Int32Array.of(1) }),
        weightBits: 2,
      }),
    );
    m.populations.reverse();
    expect(layerSyncOrder(m)).toEqual(["l1", "att", "readout"]);
    expect(sourceTable(m).get("att")).toMatchObject({ kind: "dynamicMatmul", shape: [4, 4], size: 16 });
  });

  it("throws NMIR_INVALID naming the cycle when no order exists", () => {
    const m = exampleNmir();
    m.projections[1]!.delay = 0;
    expect(findDelayZeroCycles(m)).toEqual([{ nodes: ["l1"], via: ['projection "rec1"'] }]);
    expect(() => layerSyncOrder(m)).toThrow(SpikegridError);
    try {
      layerSyncOrder(m);
    } catch (e) {
      expect((e as SpikegridError).describe()).toContain('l1 → l1 (via projection "rec1")');
    }
  });
});
