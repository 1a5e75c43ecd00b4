// A conv SNN shaped like a DVS-gesture network, built directly as NMIR for the chip benchmark: input
// [2, 32, 32] spikes → conv 16 (stride 2) → conv 32 → conv 32 (stride 2) → conv 64 → dense 128 → dense 11,
// LIF neurons, 8-bit zero-mean weights, thresholds set for ≈4 % activity per layer at 3 % input events:
// 18,571 neurons, 3.2 M synapses if expanded (conv kernels are stored once).

import {
  createConv2d,
  createDense,
  createInput,
  createLif,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../compiler/nmir/index.js";

/** Seeded zero-mean weights in [-127, 127]. */
function weights(n: number, seed: number): Int32Array {
  const w = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    w[i] = (s % 255) - 127;
  }
  return w;
}

type Conv = [id: string, cin: number, cout: number, hw: number, stride: number, vth: number];

export function dvsLike(): NmirModule {
  const m = createModule({ name: "dvs-like", stage: "quantized", inputs: [createInput("x", [2, 32, 32])] });
  const convs: Conv[] = [
    ["c1", 2, 16, 32, 2, 110],
    ["c2", 16, 32, 16, 1, 450],
    ["c3", 32, 32, 16, 2, 500],
    ["c4", 32, 64, 8, 1, 600],
  ];
  let src = "x";
  convs.forEach(([id, cin, cout, hw, stride, vth], i) => {
    const out = hw / stride;
    m.populations.push(
      createPopulation({ id, shape: [cout, out, out], model: createLif({ vth, dv: 512, vBits: 16 }) }),
    );
    const connectivity = createConv2d({
      inShape: [cin, hw, hw],
      kernel: [cout, cin, 3, 3],
      stride,
      padding: 1,
      weights: weights(cout * cin * 9, i + 1),
    });
    m.projections.push(createProjection({ id: `${src}->${id}`, src, dst: id, connectivity, weightBits: 8 }));
    src = id;
  });
  const dense: [string, number, number, number][] = [
    ["fc1", 64 * 8 * 8, 128, 2000],
    ["fc2", 128, 11, 600],
  ];
  dense.forEach(([id, inSize, outSize, vth], i) => {
    m.populations.push(
      createPopulation({ id, shape: [outSize], model: createLif({ vth, dv: 512, vBits: 16 }) }),
    );
    const connectivity = createDense({ inSize, outSize, weights: weights(inSize * outSize, 10 + i) });
    m.projections.push(createProjection({ id: `${src}->${id}`, src, dst: id, connectivity, weightBits: 8 }));
    src = id;
  });
  m.outputs.push(createOutput("y", "fc2"));
  return m;
}

/** Seeded DVS-like events: each pixel and polarity fires with probability `p` per step. */
export function dvsEvents(steps: number, p: number, seed = 7): Float64Array {
  const n = 2 * 32 * 32;
  const x = new Float64Array(steps * n);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 < p ? 1 : 0;
  }
  return x;
}
