import { describe, expect, it } from "vitest";
import { synapseCount, verify } from "../compiler/nmir/index.js";
import { lmuFormerSized } from "./lmu-net.js";

describe("lmuFormerSized (the mapping benchmark's network)", () => {
  it("is valid NMIR of the size its comment gives", () => {
    const ir = lmuFormerSized();
    // an input narrower than the first layer reads (8 channels where it reads 16) was refused by the mapper
    expect(() => verify(ir)).not.toThrow();
    expect(ir.projections.reduce((a, p) => a + synapseCount(p.connectivity), 0)).toBe(1_671_168);
    expect(ir.populations.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0)).toBe(99_840);
  });
});
