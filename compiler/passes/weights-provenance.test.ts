// Untrained zoo weights never pass silently: the zoo records where the weights came from, the compiler carries
// it into the module's metadata (so a .nmir read back still knows) and warns while it is not "trained".

import { describe, expect, it } from "vitest";
import { loadZooModel } from "../../models/zoo.js";
import { decodeNmir, encodeNmir } from "../nmir/index.js";
import { compile } from "./pipeline.js";
import { moduleWeights, WEIGHTS_KEY } from "./weights-provenance.js";

const lowered = (name: string) =>
  compile(loadZooModel(name).graph, { stopAfter: "lowerToNmir", dump: () => {} });

describe("weight provenance", () => {
  it("a zoo model without a checkpoint is default-zeros, warned about and recorded in the .nmir", () => {
    const { ir, diagnostics } = lowered("zoo:spiking-lmuformer");
    expect(ir.metadata[WEIGHTS_KEY]).toBe("default-zeros");
    const warnings = diagnostics.filter((d) => d.level === "warning").map((d) => d.message);
    expect(warnings).toContainEqual(expect.stringMatching(/no trained weights .*--weights CHECKPOINT/));
    expect(moduleWeights(decodeNmir(encodeNmir(ir)))).toBe("default-zeros");
  });

  it("the trained demo is trained and compiles without that warning", () => {
    const { ir, diagnostics } = lowered("zoo:spiking-lmuformer-smnist");
    expect(moduleWeights(ir)).toBe("trained");
    expect(diagnostics.some((d) => /no trained weights/.test(d.message))).toBe(false);
  });

  it("the trained demo at other settings is not trained: its weights were not applied", () => {
    const g = loadZooModel("zoo:spiking-lmuformer-smnist", { dim: 16 }).graph;
    expect(g.metadata.weights).toBe("default-zeros");
  });
});
