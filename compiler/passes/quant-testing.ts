// Test fixtures of the quantization passes: small hand-built lowered modules and a one-call quantizer
// (planScales → quantizeNeurons → quantizeWeights). Shared by the quantization, report and CLI tests.

import {
  createDense,
  createInput,
  createLif,
  createLinear,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  gradedEvent,
  type NmirModule,
} from "../nmir/index.js";
import { planScales } from "./plan-scales.js";
import { type QuantCompileOptions, quantContext } from "./quant-plan.js";
import { quantizeNeurons } from "./quantize-neurons.js";
import { quantizeWeights } from "./quantize-weights.js";

const f32 = (xs: number[]) => Float32Array.from(xs);

/** The three passes in order, with the diagnostics they raised. */
export function quantize(ir: NmirModule, options: QuantCompileOptions = {}) {
  const ctx = quantContext(options);
  const q = quantizeWeights(quantizeNeurons(planScales(ir, ctx), ctx), ctx);
  return { q, diagnostics: ctx.diagnostics };
}

/** in (4 spikes) → dense → lif l1 [3] → dense → lif l2 [2] → output. */
export function lifChain(): NmirModule {
  const lif = (vth: number, bias: number) => createLif({ dv: 409.6, vth, bias, reset: "subtract" });
  return createModule({
    name: "lif-chain",
    inputs: [createInput("in", [4])],
    populations: [
      createPopulation({ id: "l1", shape: [3], model: lif(1, 0.03) }),
      createPopulation({ id: "l2", shape: [2], model: lif(0.8, 0) }),
    ],
    projections: [
      createProjection({
        id: "fc1",
        src: "in",
        dst: "l1",
        weightBits: 32,
        connectivity: createDense({
          inSize: 4,
          outSize: 3,
          weights: f32([0.6, -0.2, 0.45, 0.3, 0.1, 0.7, -0.35, 0.5, 0.25, 0.15, 0.55, -0.05]),
        }),
      }),
      createProjection({
        id: "fc2",
        src: "l1",
        dst: "l2",
        weightBits: 32,
        connectivity: createDense({ inSize: 3, outSize: 2, weights: f32([0.9, -0.3, 0.5, 0.2, 0.7, 0.6]) }),
      }),
    ],
    outputs: [createOutput("out", "l2")],
  });
}

/** x (graded [3]) → dense (exactly representable weights) → linear y [2] → output. */
export function gradedReadout(): NmirModule {
  return createModule({
    name: "graded",
    inputs: [createInput("x", [3], gradedEvent(32))],
    populations: [createPopulation({ id: "y", shape: [2], model: createLinear({ outBits: 32 }) })],
    projections: [
      createProjection({
        id: "w",
        src: "x",
        dst: "y",
        weightBits: 32,
        connectivity: createDense({ inSize: 3, outSize: 2, weights: f32([0.5, 0.25, -1, 1, -0.5, 0.125]) }),
      }),
    ],
    outputs: [createOutput("out", "y")],
  });
}
