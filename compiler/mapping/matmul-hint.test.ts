// The mapper's misfit for a dynamic matmul left in a module, on profiles without dynamic matmul: it names what
// each profile can do — recompile for this profile when it lowers the matmul (saying the lowering may already
// have left it), or the profiles that run or lower it when this one cannot (graded operands need products).

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import {
  createDynamicMatmul,
  createInput,
  createModule,
  createOutput,
  gradedEvent,
  type NmirModule,
  spikeEvent,
} from "../nmir/index.js";
import { mapNodes } from "./nodes.js";
import { capabilityMisfits } from "./partition.js";

/** q [4, 2] · kᵀ as one matmul; spike or 4-bit graded operands. */
function attention(binary: boolean): NmirModule {
  const ev = binary ? spikeEvent() : gradedEvent(4);
  return createModule({
    name: "qk",
    stage: "quantized",
    inputs: [createInput("q", [4, 2], ev), createInput("k", [4, 2], ev)],
    populations: [],
    projections: [],
    dynamicMatmuls: [
      createDynamicMatmul({ id: "attn", a: "q", b: "k", m: 4, k: 2, n: 4, transposeB: true, outBits: 8 }),
    ],
    outputs: [createOutput("y", "attn")],
  });
}

function matmulSuggestion(binary: boolean, profile: string): string {
  const node = mapNodes(attention(binary)).find((n) => n.kind === "matmul")!;
  const misfits = capabilityMisfits(node, loadProfile(profile)).filter((m) => m.limit === "dynamicMatmul");
  expect(misfits).toHaveLength(1);
  return misfits[0]!.suggestion;
}

describe("dynamic matmul misfit suggestion", () => {
  it("on a profile that lowers it: recompile for it, or (if it was) the lowering left it: run it natively", () => {
    for (const [binary, profile] of [
      [true, "loihi2"],
      [false, "loihi2"],
      [true, "loihi"],
    ] as const) {
      const s = matmulSuggestion(binary, profile);
      expect(s).toContain(`recompile with --profile ${profile}`);
      expect(s).toContain("lowerAttention left it");
      expect(s).toMatch(/runs it natively \(.*spinnaker2.*\)/);
      expect(s).toContain(binary ? "coincidence (AND)" : "product");
    }
  });

  it("graded operands on loihi (joins, no product neurons): not loihi, but the product-neuron profiles", () => {
    const s = matmulSuggestion(false, "loihi");
    expect(s).not.toContain("recompile with --profile loihi");
    expect(s).toContain("no product neurons (an operand is graded)");
    const lowering = s.match(/lowers it to product neurons \(([^)]*)\)/)?.[1]?.split(", ");
    expect(lowering).toContain("loihi2");
    expect(lowering).not.toContain("loihi");
  });

  it("spikes on truenorth: the profiles that run it natively or lower it to AND neurons, loihi among them", () => {
    const s = matmulSuggestion(true, "truenorth");
    expect(s).toContain("neither compartment joins nor product neurons");
    const lowering = s.match(/lowers it to coincidence \(AND\) neurons \(([^)]*)\)/)?.[1]?.split(", ");
    expect(lowering).toEqual(expect.arrayContaining(["loihi", "loihi2"]));
    expect(lowering).not.toContain("spinnaker2");
  });
});
