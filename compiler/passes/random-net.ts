// Test helper: random small NetGraphs for property tests — chains of Affine/Conv2d(+sum/avg pooling) into
// LIF/IF/LI with an optional recurrent loop; dyadic parameters (exact in float32). Imports fast-check, so only
// tests may import it.

import fc from "fast-check";
import {
  addNode,
  connect,
  createAffine,
  createAvgPool2d,
  createConv2d,
  createFlatten,
  createGraph,
  createIF,
  createInput,
  createLI,
  createLIF,
  createOutput,
  createReshape,
  createSumPool2d,
  type GraphNode,
  inferShapes,
  type NetGraph,
  ndarray,
  scalar,
} from "../graph/index.js";
import { rng } from "./testing.js";

export type Layer =
  | { kind: "affine"; out: number }
  | { kind: "conv"; out: number; k: number; stride: number; pad: number; pool: "none" | "sum" | "avg" };

export const neuronArb = fc.record({
  kind: fc.constantFrom("LIF", "IF", "LI"),
  tau: fc.constantFrom(1, 2, 4, 8),
  r: fc.constantFrom(0.5, 1, 2),
  leak: fc.integer({ min: -2, max: 2 }),
  th: fc.constantFrom(0.3, 0.55, 0.9),
  reset: fc.constantFrom("value", "subtract", "none"),
  fire: fc.constantFrom("gt", "ge"),
});

export const layerArb: fc.Arbitrary<Layer> = fc.oneof(
  fc.record({ kind: fc.constant("affine"), out: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant("conv"),
    out: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
    pool: fc.constantFrom("none", "sum", "avg"),
  }),
) as fc.Arbitrary<Layer>;

export const randomNetArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  spatial: fc.boolean(),
  layers: fc.array(fc.tuple(layerArb, neuronArb), { minLength: 1, maxLength: 3 }),
  loop: fc.option(fc.nat(), { nil: undefined }),
  spikes: fc.boolean(),
});

export type RandomNet = typeof randomNetArb extends fc.Arbitrary<infer T> ? T : never;

/** Builds the graph; returns it with the ids of its neuron nodes and the input shape. */
export function buildRandomNet(net: RandomNet): { g: NetGraph; neurons: string[]; inShape: number[] } {
  const r = rng(net.seed);
  const dy = (shape: number[], scale = 8) =>
    ndarray(
      shape,
      Float64Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        () => (Math.floor(r() * 17) - 8) / scale,
      ),
    );
  const g = createGraph();
  const inShape = net.spatial ? [2, 6, 6] : [4];
  addNode(g, "x", createInput(inShape));
  let prev = "x";
  let shape = inShape;
  const neurons: string[] = [];
  const add = (id: string, node: GraphNode, next: number[]) => {
    addNode(g, id, node);
    connect(g, prev, id);
    prev = id;
    shape = next;
  };
  net.layers.forEach(([layer, nrn], i) => {
    if (layer.kind === "conv" && shape.length === 3) {
      const [c, h] = shape as [number, number, number];
      const k = Math.min(layer.k, h + 2 * layer.pad);
      const len = Math.floor((h + 2 * layer.pad - k) / layer.stride) + 1;
      add(
        `conv${i}`,
        createConv2d({
          weight: dy([layer.out, c, k, k]),
          bias: dy([layer.out], 16),
          stride: [layer.stride, layer.stride],
          pads: [layer.pad, layer.pad, layer.pad, layer.pad],
        }),
        [layer.out, len, len],
      );
      if (layer.pool !== "none" && len >= 2) {
        const pool =
          layer.pool === "sum" ? createSumPool2d({ kernel: [2, 2] }) : createAvgPool2d({ kernel: [2, 2] });
        const half = Math.floor(len / 2);
        add(`pool${i}`, pool, [layer.out, half, half]);
      }
    } else {
      if (shape.length > 1) add(`flat${i}`, createFlatten(), [shape.reduce((a, b) => a * b, 1)]);
      const nIn = shape[0]!;
      const out = layer.kind === "affine" ? layer.out : layer.out * 2;
      add(`fc${i}`, createAffine(dy([out, nIn]), dy([out], 16)), [out]);
    }
    const p = { tau: scalar(nrn.tau), r: scalar(nrn.r), vLeak: scalar(nrn.leak / 8) };
    const spiking = {
      vThreshold: scalar(nrn.th),
      vReset: scalar(0),
      resetMode: nrn.reset,
      fire: nrn.fire,
    } as const;
    const node =
      nrn.kind === "LIF"
        ? createLIF({ ...p, ...spiking })
        : nrn.kind === "IF"
          ? createIF({ r: p.r, ...spiking })
          : createLI(p);
    add(`n${i}`, node, shape);
    neurons.push(`n${i}`);
  });
  if (net.loop !== undefined) {
    // a recurrent loop around one neuron layer: flatten → affine → reshape back into its own input
    const target = neurons[net.loop % neurons.length]!;
    const tShape = inferShapes(g).get(target)!.outputs.out!;
    const n = tShape.reduce((a, b) => a * b, 1);
    addNode(g, "loop.f", createFlatten());
    addNode(g, "loop.w", createAffine(dy([n, n], 16), dy([n], 16)));
    addNode(g, "loop.r", createReshape(tShape));
    connect(g, target, "loop.f");
    connect(g, "loop.f", "loop.w");
    connect(g, "loop.w", "loop.r");
    connect(g, "loop.r", target);
  }
  addNode(g, "y", createOutput());
  connect(g, prev, "y");
  return { g, neurons, inShape };
}
