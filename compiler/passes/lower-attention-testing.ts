// Test helpers for lowerAttention: run a module with dynamic matmuls and its lowered form on the reference
// interpreter and the chip engine, and compare outputs with the lowered form's pipelined lag; random small
// spiking self-attention blocks to lower.

import fc from "fast-check";
import { expect } from "vitest";
import { createChip } from "../../simulator/chip/index.js";
import { type InputSequence, runReference, type TIMESTEP_MODES } from "../../simulator/reference/index.js";
import { mapNetwork } from "../mapping/index.js";
import { generousProfile } from "../mapping/test-fixtures.js";
import {
  createDense,
  createDynamicMatmul,
  createInput,
  createLif,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  gradedEvent,
  type NmirModule,
  spikeEvent,
} from "../nmir/index.js";

export type Mode = (typeof TIMESTEP_MODES)[number];

/** Each input sequence followed by `extra` silent steps. */
export function pad(inputs: Map<string, InputSequence>, extra: number): Map<string, InputSequence> {
  return new Map(
    [...inputs].map(([id, s]) => {
      const data = new Float64Array(s.data.length + (s.data.length / s.shape[0]!) * extra);
      data.set(s.data);
      return [id, { shape: [s.shape[0]! + extra, ...s.shape.slice(1)], data }];
    }),
  );
}

/** Outputs of `ir` on the reference interpreter and the chip engine (a generous generic-45nm chip). */
export function runBoth(ir: NmirModule, inputs: Map<string, InputSequence>, mode: Mode) {
  const ref = runReference(ir, inputs, { mode });
  const profile = generousProfile();
  const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
  const chip = createChip(profile, { mode }).load(ir, mapping).run(inputs);
  return { ref: ref.outputs, chip: chip.outputs };
}

/**
 * The lowered module's outputs on both engines equal the matmul module's reference outputs over `steps`
 * steps, `pipelinedSteps` later in pipelined mode. Returns the matmul module's outputs.
 */
export function expectLoweredEqual(
  ir: NmirModule,
  low: NmirModule,
  inputs: Map<string, InputSequence>,
  steps: number,
  mode: Mode,
) {
  const summary = JSON.parse(low.metadata["attention.lowering"]!);
  const lag = mode === "pipelined" ? summary.pipelinedSteps : 0;
  const want = runReference(ir, inputs, { mode }).outputs;
  const got = runBoth(low, pad(inputs, lag), mode);
  for (const [id, outs] of want) {
    for (let t = 0; t < steps; t++) {
      expect(got.ref.get(id)![t + lag], `${id} step ${t} reference ${mode}`).toEqual(outs[t]);
      expect(got.chip.get(id)![t + lag], `${id} step ${t} chip ${mode}`).toEqual(outs[t]);
    }
  }
  return want;
}

export interface Block {
  tokens: number;
  dim: number;
  heads: number;
  qkBits: number; // 0 = spikes
  vBits: number; // 0 = spikes
  shifts: [number, number];
  outBits: [number, number];
  residual: boolean;
  weights: number[];
}

export const blockArb: fc.Arbitrary<Block> = fc
  .record({
    tokens: fc.integer({ min: 2, max: 6 }),
    dim: fc.integer({ min: 1, max: 4 }),
    heads: fc.integer({ min: 1, max: 2 }),
    qkBits: fc.constantFrom(0, 0, 3),
    vBits: fc.constantFrom(0, 0, 4),
    shifts: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    outBits: fc.tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 3, max: 12 })),
    residual: fc.boolean(),
  })
  .chain((b) => {
    const n = b.tokens * b.dim * b.heads;
    const count = n * n * (b.heads + (b.residual ? 1 : 0));
    return fc
      .array(fc.integer({ min: -40, max: 40 }), { minLength: count, maxLength: count })
      .map((weights) => ({ ...b, weights }));
  });

const ev = (bits: number) => (bits === 0 ? spikeEvent() : gradedEvent(bits));

/** Per head q·kᵀ then (q·kᵀ)·v; every head's output and v₀ (residual) into one LIF; outputs: LIF and heads. */
export function blockModule(b: Block): NmirModule {
  const { tokens: N, dim: d, heads: H } = b;
  const n = N * d * H;
  const inputs = [];
  const dms = [];
  const projections = [];
  let w = 0;
  const dense = (inSize: number) => {
    const weights = Int32Array.from(b.weights.slice(w, w + inSize * n));
    w += inSize * n;
    return createDense({ inSize, outSize: n, weights });
  };
  for (let h = 0; h < H; h++) {
    for (const t of ["q", "k"]) inputs.push(createInput(`${t}${h}`, [N, d], ev(b.qkBits)));
    inputs.push(createInput(`v${h}`, [N, d], ev(b.vBits)));
    const [o1, o2] = b.outBits;
    dms.push(
      createDynamicMatmul({
        id: `attn${h}`,
        a: `q${h}`,
        b: `k${h}`,
        m: N,
        k: d,
        n: N,
        transposeB: true,
        shift: b.shifts[0],
        outBits: o1,
      }),
      createDynamicMatmul({
        id: `out${h}`,
        a: `attn${h}`,
        b: `v${h}`,
        m: N,
        k: N,
        n: d,
        shift: b.shifts[1],
        outBits: o2,
      }),
    );
    projections.push(
      createProjection({
        id: `p${h}`,
        src: `out${h}`,
        dst: "lif",
        connectivity: dense(N * d),
        weightBits: 8,
      }),
    );
  }
  if (b.residual)
    projections.push(
      createProjection({ id: "res", src: "v0", dst: "lif", connectivity: dense(N * d), weightBits: 8 }),
    );
  return createModule({
    name: "ssa",
    stage: "quantized",
    inputs,
    populations: [
      createPopulation({ id: "lif", shape: [n], model: createLif({ vth: 20, dv: 1024, vBits: 16 }) }),
    ],
    projections,
    dynamicMatmuls: dms,
    outputs: [
      createOutput("y", "lif"),
      ...dms.filter((x) => x.id.startsWith("out")).map((x) => createOutput(`y_${x.id}`, x.id)),
    ],
  });
}

/** One head's q·kᵀ of N tokens, head dim d, read by an output (graded q: product terms; no join, so the explicit
 * form needs no relays). */
export function singleQk(N: number, d: number, graded: boolean): NmirModule {
  return createModule({
    name: "qk",
    stage: "quantized",
    inputs: [
      createInput("q", [N, d], graded ? gradedEvent(3) : spikeEvent()),
      createInput("k", [N, d], spikeEvent()),
    ],
    dynamicMatmuls: [
      createDynamicMatmul({ id: "attn", a: "q", b: "k", m: N, k: d, n: N, transposeB: true, outBits: 8 }),
    ],
    outputs: [createOutput("y", "attn")],
  });
}
