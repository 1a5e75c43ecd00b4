// --compare-float on a phased module (bidirectional S4D layers run as buffered passes): the float reference runs
// the clip whole, only the user's input and output are matched (the buffers' replay inputs have no float
// counterpart), and the output agreement is what the quantization costs — small at 16-bit payloads.

import { describe, expect, it } from "vitest";
import { sequenceBuffers } from "../../compiler/nmir/phases.js";
import { mulberry, randomBidirectionalGraph } from "../../compiler/passes/bidirectional-testing.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import type { TimestepMode } from "../../simulator/reference/index.js";
import { runReferencePhased } from "../../simulator/reference/phased.js";
import { compareWithFloat, floatComparisonOf } from "./agreement.js";

describe("float agreement of a phased module", () => {
  const T = 12;
  const h = 3;
  const rnd = mulberry(7);
  const g = randomBidirectionalGraph(h, 2, rnd, 2);
  const x = Float64Array.from({ length: T * h }, () => rnd() * 2 - 1);
  const input = { u: { shape: [T, h], data: x } };
  const opts = { weightBits: 8, stateBits: 24, payloadBits: 16, calibration: input };
  const ir = compile(g, opts as QuantCompileOptions).ir;
  const q = quantizeInputs(ir, input).get("u")!;
  const run = (mode: TimestepMode) =>
    runReferencePhased(ir, { u: { shape: q.shape, data: Float64Array.from(q.data) } }, { mode });

  it("matches only the user's input and output, never a buffer's replay", () => {
    expect(sequenceBuffers(ir).length).toBeGreaterThan(0);
    const cmp = floatComparisonOf("random", g, ir, []);
    expect(cmp.phased).toBe(true);
    expect([...cmp.inputIds]).toEqual([["u", "u"]]);
  });

  it("compares the whole-clip float run with the phased integer run, step for step", () => {
    const cmp = floatComparisonOf("random", g, ir, []);
    const o = { steps: T, mode: "layer-sync" as const, inputs: "float" as const };
    const a = compareWithFloat(cmp, ir, [run("layer-sync")], [input], o);
    expect(a.outputs.map((y) => y.id)).toEqual(["y"]);
    const y = a.outputs[0]!;
    // 8-bit weights, 16-bit payloads: about 1 % of the output's scale; one step off is ~ 90 %
    expect(y.relative).toBeLessThan(0.05);
    expect(y.lag).toBe(0);
  });

  it("refuses pipelined mode, where the phased output is no single shift of the float run", () => {
    const cmp = floatComparisonOf("random", g, ir, []);
    const o = { steps: T, mode: "pipelined" as const, inputs: "float" as const };
    expect(() => compareWithFloat(cmp, ir, [run("pipelined")], [input], o)).toThrow(/layer-sync mode only/);
  });
});
