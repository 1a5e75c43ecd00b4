// Acceptance: spikingjelly's LIFNode(tau=2, v_threshold=1, v_reset=0) as a NetGraph (LIF τ 2, R 1, v_leak 0,
// fire "ge", hard reset), compiled to quantized NMIR with the default widths and run on the reference
// interpreter under constant input; with fire "gt" the same neuron follows NIR's `v > θ`.

import { describe, expect, it } from "vitest";
import {
  addNode,
  connect,
  createGraph,
  createInput,
  createLIF,
  createLinear,
  createOutput,
  type NetGraph,
  ndarray,
  scalar,
} from "../../compiler/graph/index.js";
import type { FireMode } from "../../compiler/graph/nodes-neuron.js";
import { checkNmir, type NmirModule } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { runFloat } from "../../simulator/float/index.js";
import { runReference, type TimestepMode } from "../../simulator/reference/index.js";

const T = 1000;
const LEVELS = [1, 1.5, 2];

/** x → Linear(w = 1) → LIF → y: H = V + (X − V)/τ, spike when H ≥ θ (ge) or H > θ (gt), then V = 0. */
function jellyLif(fire: FireMode): NetGraph {
  const g = createGraph();
  addNode(g, "x", createInput([1]));
  addNode(g, "w", createLinear(ndarray([1, 1], [1])));
  const p = { tau: scalar(2), r: scalar(1), vLeak: scalar(0), vThreshold: scalar(1), vReset: scalar(0) };
  addNode(g, "lif", createLIF({ ...p, resetMode: "value", fire }));
  addNode(g, "y", createOutput());
  connect(g, "x", "w");
  connect(g, "w", "lif");
  connect(g, "lif", "y");
  return g;
}

const constant = (c: number) => ({ shape: [T, 1], data: new Float64Array(T).fill(c) });

/**
 * Default widths (8-bit weights and payloads, 16-bit state). The inputs reach 2.0, beyond the default graded
 * input range of 1, so the levels are given as calibration data, as `compile --calibrate` does.
 */
function compiled(fire: FireMode): NmirModule {
  const calibration = { x: { shape: [LEVELS.length, T, 1], data: LEVELS.flatMap((c) => Array(T).fill(c)) } };
  const options: QuantCompileOptions = { dt: 1, calibration };
  return compile(jellyLif(fire), options).ir;
}

function spikeSteps(ir: NmirModule, c: number, mode: TimestepMode = "layer-sync"): number[] {
  const q = quantizeInputs(ir, { x: constant(c) });
  expect(q.get("x")!.clipped).toBe(0);
  const r = runReference(ir, q, { mode });
  expect(r.counts.totals.saturations).toBe(0);
  return r.outputs.get("y")!.flatMap((v, t) => (v[0]! > 0 ? [t] : []));
}

function floatSpikes(fire: FireMode, c: number): number[] {
  const f = runFloat(jellyLif(fire), { x: constant(c) }, { dt: 1 });
  return f.outputs.get("y")!.flatMap((v, t) => (v[0]! > 0 ? [t] : []));
}

const every = (start: number, step: number) =>
  Array.from({ length: Math.ceil((T - start) / step) }, (_, k) => start + k * step);

describe("spikingjelly LIF (τ 2, θ 1, hard reset) compiled to quantized NMIR", () => {
  const ge = compiled("ge");
  const gt = compiled("gt");

  it("compiles integer-exactly to one lif population: the leak is exactly one bit, θ a power of two", () => {
    expect(ge.stage).toBe("quantized");
    expect(checkNmir(ge)).toEqual([]);
    const m = ge.populations[0]!.model;
    if (m.kind !== "lif") throw new Error(`expected lif, got ${m.kind}`);
    // dt/τ = 1/2 → dv = 2048/4096; θ 1 and the gain 1/2 are exact: a leaking potential's LSB is 2^-6 (the
    // integer-exact plan, compiler/passes/exact-plan.ts), vth = 64; fire ≥ survives quantization.
    expect(ge.metadata["quant.ranges"]).toBe("exact");
    expect([m.dv[0], m.vth[0], m.vReset[0], m.bias[0], m.fire, m.reset]).toEqual([
      2048,
      64,
      0,
      0,
      "ge",
      "zero",
    ]);
    expect(gt.populations[0]!.model).toMatchObject({ fire: "gt" });
  });

  it('fire "ge" (spikingjelly): 1.0 never spikes in 1000 steps, 2.0 every step, 1.5 every second step', () => {
    expect(spikeSteps(ge, 1)).toEqual([]);
    expect(spikeSteps(ge, 2)).toEqual(every(0, 1));
    expect(spikeSteps(ge, 1.5)).toEqual(every(1, 2));
  });

  it('fire "gt" (NIR): 2.0 lands exactly on θ at step 0 and does not fire, so it spikes every second step', () => {
    expect(spikeSteps(gt, 1)).toEqual([]);
    expect(spikeSteps(gt, 2)).toEqual(every(1, 2));
    expect(spikeSteps(gt, 1.5)).toEqual(every(1, 2));
  });

  it("the integer spike trains are the float reference's, and pipelined mode delays them by one step", () => {
    for (const [fire, ir] of [
      ["ge", ge],
      ["gt", gt],
    ] as const) {
      for (const c of [1.5, 2]) {
        const want = floatSpikes(fire, c);
        expect(spikeSteps(ir, c), `${fire} ${c}`).toEqual(want);
        const late = want.map((t) => t + 1).filter((t) => t < T);
        expect(spikeSteps(ir, c, "pipelined"), `${fire} ${c} pipelined`).toEqual(late);
      }
    }
  });

  it("at 1.0 only float rounding fires: v = 1 − 2^-(t+1) rounds to θ in float64 at step 53", () => {
    // Exact arithmetic never reaches θ; the integer kernel keeps mulShift(v, 2048, 12) (truncated toward zero,
    // so the leak never undershoots) and stops at v = 4095 < 4096. The float64 reference reaches 1.0 after 54
    // halvings and fires with ≥ (spikingjelly in float32 would after 25).
    expect(floatSpikes("ge", 1)).toEqual(every(53, 54));
    expect(floatSpikes("gt", 1)).toEqual([]);
    expect(spikeSteps(ge, 1, "pipelined")).toEqual([]);
  });

  it("without calibration 2.0 is clipped to the default range: the reading becomes 127/64 and the rate halves", () => {
    // Not a special case: the default graded range is 1 (LSB 2^-6, largest code 127 → 1.984), and
    // quantizeInputs reports every clipped value; this is why the tests above calibrate.
    const options: QuantCompileOptions = { dt: 1 };
    const ir = compile(jellyLif("ge"), options).ir;
    expect(ir.metadata["input.x.scaleExp"]).toBe("-6");
    const q = quantizeInputs(ir, { x: constant(2) });
    expect(q.get("x")!.clipped).toBe(T);
    const r = runReference(ir, q);
    expect(r.outputs.get("y")!.flatMap((v, t) => (v[0]! > 0 ? [t] : []))).toEqual(every(1, 2));
  });
});
