// payloadGrains over a projection of millions of weights: the smallest factor of two is found in a loop (a
// spread of that many arguments overflowed the call stack when an ImageNet Spikformer with seeded weights was
// lowered for loihi2), and equals the grain computed by hand.

import { describe, expect, it } from "vitest";
import {
  createDense,
  createInput,
  createLinear,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
} from "../../nmir/index.js";
import { payloadBounds, payloadGrains } from "./payload-bounds.js";

describe("payloadGrains", () => {
  it("takes a projection of 2 M weights: the grain is the weights' smallest factor of two", () => {
    const inSize = 2048;
    const outSize = 1024;
    // every weight a multiple of 8, one of them exactly 8 · odd: grain 3 (spike inputs have grain 0)
    const weights = new Int32Array(inSize * outSize).fill(16);
    weights[12345] = 24;
    const ir = createModule({ name: "big", stage: "quantized", inputs: [createInput("x", [inSize])] });
    ir.populations.push(
      createPopulation({ id: "y", shape: [outSize], model: createLinear({ outBits: 16 }) }),
    );
    ir.projections.push(
      createProjection({
        id: "xy",
        src: "x",
        dst: "y",
        connectivity: createDense({ inSize, outSize, weights }),
        weightBits: 8,
      }),
    );
    ir.outputs.push(createOutput("out", "y"));
    const g = payloadGrains(ir, new Map([...payloadBounds(ir)].map(([k]) => [k, 1])));
    expect(g.get("y")).toBe(3);
  });
});
