// lowerAttention: random small spiking self-attention blocks (tokens 2–6, head dim 1–4, heads 1–2, spike or
// graded operands, shifts, narrow outputs that saturate, a residual join) lowered for loihi2 give the dynamic
// matmul form's outputs bit for bit on the reference interpreter and the chip engine, in both timestep modes.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { runCaseArb } from "../../simulator/reference/test-helpers.js";
import { verify } from "../nmir/index.js";
import { attentionCostLine } from "./lower/attention-cost.js";
import { lowerAttention } from "./lower-attention.js";
import { type Block, blockArb, blockModule, expectLoweredEqual } from "./lower-attention-testing.js";
import { markUnsupported } from "./mark-unsupported.js";
import { quantContext } from "./quant-plan.js";

const T = 6;

describe("lowerAttention", () => {
  it("equals the dynamic matmul form bit for bit on both engines, both modes (loihi2)", () => {
    const loihi2 = loadProfile("loihi2");
    const cases = blockArb.chain((b) => {
      const ir = blockModule(b);
      return runCaseArb(ir, T).map((c) => ({ ...c, b }));
    });
    fc.assert(
      fc.property(cases, ({ ir, inputs, mode }) => {
        verify(ir, "quantized");
        const ctx = quantContext({ profile: loihi2 });
        const low = lowerAttention(ir, ctx);
        expect(low.dynamicMatmuls).toEqual([]);
        verify(low, "quantized");
        expect(JSON.parse(low.metadata["attention.lowering"]!).pipelinedSteps).toBe(2);
        expectLoweredEqual(ir, low, inputs, T, mode);
      }),
      { numRuns: 60 },
    );
  });

  it("picks coincidence neurons for spike × spike and product neurons for graded operands, and counts them", () => {
    const b: Block = {
      tokens: 3,
      dim: 2,
      heads: 1,
      qkBits: 0,
      vBits: 0,
      shifts: [0, 1],
      outBits: [4, 8],
      residual: true,
      weights: new Array(2 * 36).fill(1),
    };
    const ctx = quantContext({ profile: "loihi2" });
    const low = lowerAttention(blockModule(b), ctx);
    const kinds = Object.fromEntries(low.populations.map((p) => [p.id, p.model.kind]));
    expect(kinds["attn0.terms"]).toBe("threshold");
    expect(kinds["out0.terms"]).toBe("product"); // attn0 is graded
    expect(kinds.attn0).toBe("linear");
    const s = JSON.parse(low.metadata["attention.lowering"]!);
    expect(s.termNeurons).toBe(3 * 2 * 3 + 3 * 3 * 2);
    expect(s.synapses).toBe(3 * s.termNeurons);
    // v0 reaches out0's terms one hop late and the residual two hops late: one shared chain of two relays
    expect(s.relayNeurons).toBe(2 * 6);
    expect(kinds["v0.hop2"]).toBe("threshold");
    expect(
      ctx.diagnostics.some((d) => d.pass === "lowerAttention" && /36 term neurons/.test(d.message)),
    ).toBe(true);
    // map's line: neurons and synapses added, and the cores holding any lowered population
    const cores = [["lif"], ["attn0.terms", "x"], ["v0.hop1"], ["out0"]];
    expect(attentionCostLine(low, cores)).toBe(
      "attention lowering (2 dynamic matmuls): +48 neurons (36 term, 12 relay), +120 synapses, on 3 of 4 cores; pipelined outputs 2 step(s) later",
    );
    expect(attentionCostLine(blockModule(b))).toBeUndefined();
  });

  it("keeps the matmuls where no form fits and markUnsupported names the capability and what would fit", () => {
    const b: Block = {
      tokens: 2,
      dim: 2,
      heads: 1,
      qkBits: 0,
      vBits: 0,
      shifts: [0, 0],
      outBits: [4, 8],
      residual: false,
      weights: new Array(16).fill(1),
    };
    const ir = blockModule(b);
    // loihi: joins but no product neurons: q·kᵀ lowers, the graded score × v stays
    const ctx = quantContext({ profile: "loihi" });
    const low = lowerAttention(ir, ctx);
    expect(low.dynamicMatmuls.map((d) => d.id)).toEqual(["out0"]);
    expect(ctx.diagnostics.find((d) => d.where === 'dynamic matmul "out0"')?.message).toMatch(
      /no product neurons/,
    );
    const tn = quantContext({ profile: "truenorth" });
    expect(lowerAttention(ir, tn)).toBe(ir);
    markUnsupported(ir, tn);
    const line = tn.diagnostics.find((d) => d.pass === "markUnsupported")!;
    expect(line.where).toBe('dynamic matmul "attn0"');
    expect(line.message).toMatch(/compartmentJoins/);
    expect(line.message).toMatch(/loihi2/);
    expect(line.message).toMatch(/spinnaker2/);
  });
});
