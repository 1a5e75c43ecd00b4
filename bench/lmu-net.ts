// A Spiking-LMUFormer-sized network built directly as NMIR (128 tokens, 256-wide layers, ≈1.7 M synapses)
// for the mapping benchmark.

import {
  createConv1d,
  createInput,
  createLif,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  type NmirModule,
} from "../compiler/nmir/index.js";

const T = 128;

function weights(n: number, seed: number): Int32Array {
  const w = new Int32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    w[i] = (s % 255) - 127;
  }
  return w;
}

/**
 * input [16, T] → embed 256 → mix 256 (16 groups) → ff 256 (16 groups) → head 12 (4 groups), all kernel 1:
 * 524,288 + 524,288 + 524,288 + 98,304 = 1,671,168 synapses, 99,840 neurons.
 */
export function lmuFormerSized(): NmirModule {
  const layers: [string, number, number, number][] = [
    ["embed", 16, 256, 1],
    ["mix", 256, 256, 16],
    ["ff", 256, 256, 16],
    ["head", 256, 12, 4],
  ];
  const m = createModule({
    name: "lmuformer-sized",
    stage: "quantized",
    inputs: [createInput("x", [16, T])],
  });
  let src = "x";
  layers.forEach(([id, cin, cout, groups], i) => {
    const model = createLif({ vth: 64, dv: 256, vBits: 16 });
    m.populations.push(createPopulation({ id, shape: [cout, T], model }));
    const connectivity = createConv1d({
      inShape: [cin, T],
      kernel: [cout, cin / groups, 1],
      groups,
      weights: weights((cout * cin) / groups, i + 1),
    });
    m.projections.push(createProjection({ id: `${src}->${id}`, src, dst: id, connectivity, weightBits: 8 }));
    src = id;
  });
  m.outputs.push(createOutput("y", "head"));
  return m;
}
