// lowerToNmir records the sum/avg pooling a composed projection absorbed (`metadata["pool.<projectionId>"]`):
// pools → conv keeps the original kernel, pools → flatten → Affine is a conv over the pooled map; anything
// else (conv → pool, padded pools, pools alone) gets no record.

import { describe, expect, it } from "vitest";
import {
  chain,
  createAffine,
  createAvgPool2d,
  createConv2d,
  createFlatten,
  createGraph,
  createInput,
  createOutput,
  createSumPool2d,
} from "../graph/index.js";
import { poolRecords } from "./lower/pool-record.js";
import { dyadic, lower, rng, testLif } from "./testing.js";

describe("pool records", () => {
  it("records pools → conv and pools → flatten → affine, with consecutive pools composed", () => {
    const r = rng(21);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2, 16, 16])],
      ["c", createConv2d({ weight: dyadic(r, [2, 2, 3, 3]), pads: [1, 1, 1, 1] })],
      ["p", createAvgPool2d({ kernel: [2, 2] })], // conv → pool: pooling at the destination, no record
      ["l1", testLif()],
      ["q", createSumPool2d({ kernel: [2, 2] })],
      ["c2", createConv2d({ weight: dyadic(r, [3, 2, 3, 3]), pads: [1, 1, 1, 1] })],
      ["l2", testLif()],
      ["q1", createSumPool2d({ kernel: [2, 2] })],
      ["q2", createAvgPool2d({ kernel: [2, 2] })],
      ["f", createFlatten()],
      ["fc", createAffine(dyadic(r, [5, 3]), dyadic(r, [5]))],
      ["l3", testLif()],
      ["y", createOutput()],
    ]);
    const { ir } = lower(g, { dt: 1 });
    const rec = poolRecords(ir.metadata);
    expect([...rec.keys()]).toEqual(["l1->l2", "l2->l3"]);
    expect(rec.get("l1->l2")).toEqual({
      kind: "sum",
      kernel: [2, 2],
      stride: [2, 2],
      inShape: [2, 8, 8],
      pooledShape: [2, 4, 4],
      unpooled: { as: "conv", kernel: [3, 2, 3, 3], outShape: [3, 4, 4] },
    });
    // sum 2×2 then avg 2×2 on [3, 4, 4]: kernel (2 − 1)·2 + 2 = 4, stride 2·2 = 4; the affine 3 → 5 reads the
    // pooled [3, 1, 1] map, so it is a conv with kernel 1×1
    expect(rec.get("l2->l3")).toEqual({
      kind: "avg",
      kernel: [4, 4],
      stride: [4, 4],
      inShape: [3, 4, 4],
      pooledShape: [3, 1, 1],
      unpooled: { as: "dense", kernel: [5, 3, 1, 1], outShape: [5, 1, 1] },
    });
  });

  it("leaves padded pools and pools alone unrecorded", () => {
    const r = rng(22);
    const g = createGraph();
    chain(g, [
      ["x", createInput([2, 4, 4])],
      ["p", createSumPool2d({ kernel: [2, 2], pads: [1, 1, 1, 1] })],
      ["c", createConv2d({ weight: dyadic(r, [2, 2, 1, 1]) })],
      ["l1", testLif()],
      ["q", createSumPool2d({ kernel: [2, 2] })],
      ["l2", testLif()],
      ["y", createOutput()],
    ]);
    const { ir } = lower(g, { dt: 1 });
    expect(poolRecords(ir.metadata).size).toBe(0);
  });
});
