// Property (fast-check): random small NetGraphs — chains of Affine/Conv2d(+pooling) into LIF/IF/LI with an optional
// recurrent loop, the generator of compiler/passes/lower-random.test.ts mirrored — compile to quantized NMIR,
// verify, and run in both timestep modes; every projection's ACs (MACs) equal Σ spike (graded) events of its
// source × their fan-out of nonzero weights, read from the connectivity (DESIGN §7).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
} from "../../compiler/graph/index.js";
import { checkNmir, type NmirModule } from "../../compiler/nmir/index.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { randomInput, rng } from "../../compiler/passes/testing.js";
import {
  createFan,
  type ReferenceRunResult,
  runReference,
  TIMESTEP_MODES,
} from "../../simulator/reference/index.js";

const layerArb = fc.oneof(
  fc.record({ kind: fc.constant("affine" as const), out: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant("conv" as const),
    out: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
    pool: fc.constantFrom("none", "sum", "avg"),
  }),
);
const neuronArb = fc.record({
  kind: fc.constantFrom("LIF", "IF", "LI"),
  tau: fc.constantFrom(1, 2, 4, 8),
  r: fc.constantFrom(0.5, 1, 2),
  leak: fc.integer({ min: -2, max: 2 }),
  th: fc.constantFrom(0.3, 0.55, 0.9),
  reset: fc.constantFrom("value", "subtract", "none"),
  fire: fc.constantFrom("gt", "ge"),
});
const netArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  spatial: fc.boolean(),
  layers: fc.array(fc.tuple(layerArb, neuronArb), { minLength: 1, maxLength: 3 }),
  loop: fc.option(fc.nat(), { nil: undefined }),
  spikes: fc.boolean(),
  weightBits: fc.constantFrom(4, 8, 16),
  perChannel: fc.boolean(),
});
type Net = typeof netArb extends fc.Arbitrary<infer T> ? T : never;

/** The graph of `net` and its input shape (as lower-random.test.ts builds it). */
function build(net: Net): { g: NetGraph; inShape: number[] } {
  const r = rng(net.seed);
  const w = (shape: number[], scale = 8) =>
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
      const pads: [number, number, number, number] = [layer.pad, layer.pad, layer.pad, layer.pad];
      const conv = createConv2d({
        weight: w([layer.out, c, k, k]),
        bias: w([layer.out], 16),
        stride: [layer.stride, layer.stride],
        pads,
      });
      add(`conv${i}`, conv, [layer.out, len, len]);
      if (layer.pool !== "none" && len >= 2) {
        const pool =
          layer.pool === "sum" ? createSumPool2d({ kernel: [2, 2] }) : createAvgPool2d({ kernel: [2, 2] });
        add(`pool${i}`, pool, [layer.out, Math.floor(len / 2), Math.floor(len / 2)]);
      }
    } else {
      if (shape.length > 1) add(`flat${i}`, createFlatten(), [shape.reduce((a, b) => a * b, 1)]);
      const out = layer.kind === "affine" ? layer.out : layer.out * 2;
      add(`fc${i}`, createAffine(w([out, shape[0]!]), w([out], 16)), [out]);
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
    const target = neurons[net.loop % neurons.length]!;
    const tShape = inferShapes(g).get(target)!.outputs.out!;
    const n = tShape.reduce((a, b) => a * b, 1);
    addNode(g, "loop.f", createFlatten());
    addNode(g, "loop.w", createAffine(w([n, n], 16), w([n], 16)));
    addNode(g, "loop.r", createReshape(tShape));
    connect(g, target, "loop.f");
    connect(g, "loop.f", "loop.w");
    connect(g, "loop.w", "loop.r");
    connect(g, "loop.r", target);
  }
  addNode(g, "y", createOutput());
  connect(g, prev, "y");
  return { g, inShape };
}

/**
 * ACs and MACs each projection must count: every nonzero event of its source at step t, delivered at step
 * t + delay (pipelined: t + max(delay, 1)) within the run, times the nonzero weights of that source neuron.
 */
function expectedOps(ir: NmirModule, r: ReferenceRunResult) {
  return ir.projections.map((p) => {
    const fan = createFan(p.connectivity);
    const fanOut = Int32Array.from({ length: fan.inSize }, (_, i) => {
      let n = 0;
      fan.forEach(i, (_j, w) => {
        n += w !== 0 ? 1 : 0;
      });
      return n;
    });
    const delay = r.mode === "pipelined" ? Math.max(p.delay, 1) : p.delay;
    let ops = 0;
    r.records.get(p.src)!.forEach((ev, t) => {
      if (t + delay >= r.steps) return;
      ev.index.forEach((i, k) => {
        if (ev.value[k] !== 0) ops += fanOut[i]!;
      });
    });
    const spike =
      p.src === "x"
        ? ir.inputs[0]!.event.kind === "spike"
        : ir.populations.find((q) => q.id === p.src)!.output.kind === "spike";
    return { id: p.id, ac: spike ? ops : 0, mac: spike ? 0 : ops };
  });
}

describe("random NetGraphs → quantized NMIR → reference interpreter (fast-check)", () => {
  it("verify, run in layer-sync and pipelined, and count ACs = Σ spikes × fan-out per projection", () => {
    const stats = { nets: 0, acNets: 0, macNets: 0, loops: 0, zeroed: 0 };
    fc.assert(
      fc.property(netArb, (net) => {
        const { g, inShape } = build(net);
        const options: QuantCompileOptions = {
          dt: 1,
          weightBits: net.weightBits,
          perChannel: net.perChannel,
          ...(net.spikes ? { inputEvent: "spike" as const } : {}),
        };
        const ir = compile(g, options).ir;
        expect(ir.stage).toBe("quantized");
        expect(checkNmir(ir)).toEqual([]);
        const x = randomInput(
          rng(net.seed + 1),
          16,
          inShape,
          net.spikes ? { spikes: 0.4 } : { lo: -1, hi: 1 },
        );
        const q = quantizeInputs(ir, { x });
        const record = ["x", ...ir.populations.map((p) => p.id)];
        for (const mode of TIMESTEP_MODES) {
          const r = runReference(ir, q, { mode, record });
          expect(r.steps).toBe(16);
          for (const seq of r.outputs.values())
            for (const v of seq) expect(v.every(Number.isFinite)).toBe(true);
          const want = expectedOps(ir, r);
          const got = r.counts.perProjection.map((p) => ({ id: p.id, ac: p.ac, mac: p.mac }));
          expect(got, mode).toEqual(want);
          expect(r.counts.totals.ac).toBe(want.reduce((a, p) => a + p.ac, 0));
          expect(r.counts.totals.mac).toBe(want.reduce((a, p) => a + p.mac, 0));
          if (mode === "layer-sync") {
            stats.acNets += r.counts.totals.ac > 0 ? 1 : 0;
            stats.macNets += r.counts.totals.mac > 0 ? 1 : 0;
          }
        }
        stats.nets++;
        stats.loops += net.loop === undefined ? 0 : 1;
        stats.zeroed += ir.projections.some((p) => p.connectivity.weights.some((v) => v === 0)) ? 1 : 0;
      }),
      { numRuns: 80, seed: 20261123 },
    );
    // Not vacuous: most nets spike, graded (LI, graded input) sources occur, loops and rounded-to-zero weights too.
    expect(stats.acNets / stats.nets).toBeGreaterThan(0.6);
    expect(stats.macNets).toBeGreaterThan(10);
    expect(stats.loops).toBeGreaterThan(15);
    expect(stats.zeroed).toBeGreaterThan(5);
  });
});
