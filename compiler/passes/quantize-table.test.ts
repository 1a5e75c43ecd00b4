// quantizeTable at the edge of int32: breakpoints that all clamp to the top of the range still give a valid,
// strictly increasing table (found by the quantize property test: the added point used to wrap to −2^31).
import { describe, expect, it } from "vitest";
import type { FunctionModel } from "../nmir/index.js";
import { quantizeTable } from "./quantize-table.js";

describe("quantizeTable", () => {
  it("keeps breakpoints increasing when every one clamps to the top of int32", () => {
    const m = {
      kind: "function",
      fn: "sigmoid",
      bias: new Float64Array(1),
      xs: Int32Array.from([33554432, 67108864]),
      ys: Int32Array.from([-1000, -1000]),
      slopes: Int32Array.from([-1000, -1000, -1000]),
      slopeShift: 0,
      outBits: 1,
    } as FunctionModel;
    const q = quantizeTable(m, -8, 0);
    expect(q.xs.length).toBe(2);
    expect(q.xs[1]! > q.xs[0]!).toBe(true);
    expect(q.xs[1]).toBe(2 ** 31 - 1);
    expect(q.slopes.length).toBe(3);
  });
});
