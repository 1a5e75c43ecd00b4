// A small hand-written quantized NMIR module (conv → LIF with recurrence → dense → leaky readout):
// a readable, known-valid example for the README, unit tests and CLI tests.

import { createConv2d, createDense, createSparse } from "./connectivity.js";
import { createInput, createModule, createOutput, createPopulation, createProjection } from "./factories.js";
import { createLi, createLif } from "./neuron-factories.js";
import type { NmirModule } from "./types.js";

/** Deterministic small integers in [-range, range] (no Math.random: tests must be reproducible). */
function pattern(n: number, range: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i * 7 + seed * 13) % (2 * range + 1)) - range;
  return out;
}

/**
 * in [1,4,4] spikes → conv2d 3×3 pad 1 → "l1" lif [2,4,4] (+ recurrent sparse, delay 1)
 *   → dense → "readout" li [10] → output "logits".
 */
export function exampleNmir(): NmirModule {
  const conv = createConv2d({
    inShape: [1, 4, 4],
    kernel: [2, 1, 3, 3],
    weights: pattern(18, 100, 1),
    padding: 1,
  });
  // Recurrence: each l1 neuron excites its right neighbour, wrapping around.
  const rowPtr = Int32Array.from({ length: 33 }, (_, i) => i);
  const colIdx = Int32Array.from({ length: 32 }, (_, i) => (i + 1) % 32);
  return createModule({
    name: "example",
    stage: "quantized",
    dt: 0.001,
    inputs: [createInput("in", [1, 4, 4])],
    populations: [
      createPopulation({
        id: "l1",
        shape: [2, 4, 4],
        model: createLif({ dv: 410, vth: 1000, reset: "subtract", refractory: 1, vBits: 16 }),
      }),
      createPopulation({
        id: "readout",
        shape: [10],
        model: createLi({ dv: 205, vBits: 16, outShift: 4, outBits: 8 }),
      }),
    ],
    projections: [
      createProjection({
        id: "conv1",
        src: "in",
        dst: "l1",
        connectivity: conv,
        weightBits: 8,
        scale: { kind: "perChannel", exps: Int32Array.of(2, 3) },
      }),
      createProjection({
        id: "rec1",
        src: "l1",
        dst: "l1",
        connectivity: createSparse({ inSize: 32, outSize: 32, rowPtr, colIdx, weights: pattern(32, 60, 2) }),
        weightBits: 8,
        delay: 1,
      }),
      createProjection({
        id: "fc2",
        src: "l1",
        dst: "readout",
        connectivity: createDense({ inSize: 32, outSize: 10, weights: pattern(320, 127, 3) }),
        weightBits: 8,
        scale: { kind: "perProjection", exp: 2 },
      }),
    ],
    outputs: [createOutput("logits", "readout", -6)],
    metadata: { source: "compiler/nmir/example.ts" },
  });
}
