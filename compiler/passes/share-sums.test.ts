// shareSums: random small residual stacks (each layer applies one rowwise matrix to every earlier term of the
// stream, some read transposed, spike or graded input) give the same outputs bit for bit with sum relays on the
// reference interpreter and the chip engine, in both timestep modes; negative exponents keep their copies.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import { runReference } from "../../simulator/reference/index.js";
import { runCaseArb } from "../../simulator/reference/test-helpers.js";
import {
  createDense,
  createInput,
  createLif,
  createLinear,
  createModule,
  createOutput,
  createPopulation,
  createProjection,
  createRowwise,
  gradedEvent,
  type NmirModule,
  type Projection,
  spikeEvent,
  verify,
} from "../nmir/index.js";
import { type Mode, pad, runBoth } from "./lower-attention-testing.js";
import { quantContext } from "./quant-plan.js";
import { shareSums } from "./share-sums.js";

interface Stack {
  rows: number;
  features: number;
  layers: number;
  inputBits: number; // 0 = spikes
  transposedInput: boolean;
  exps: number[];
  weights: number[];
}

const stackArb: fc.Arbitrary<Stack> = fc
  .record({
    rows: fc.integer({ min: 1, max: 3 }),
    features: fc.integer({ min: 1, max: 4 }),
    layers: fc.integer({ min: 1, max: 3 }),
    inputBits: fc.constantFrom(0, 0, 5),
    transposedInput: fc.boolean(),
    exps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
  })
  .chain((s) => {
    const count = s.layers * s.features * s.features + s.rows * s.features;
    return fc
      .array(fc.integer({ min: -30, max: 30 }), { minLength: count, maxLength: count })
      .map((weights) => ({ ...s, weights }));
  });

/**
 * Input x ([features, rows] when transposed), LIF layers s1..sL each fed W_l·(x + s1 + … + s_{l−1}) (one
 * projection per term, one shared matrix), and a linear readout of every term through a dense matrix at
 * exponent −1 (rounded per source: must keep its copies). Outputs: the last layer and the readout.
 */
function stackModule(s: Stack): NmirModule {
  const { rows, features: f } = s;
  const n = rows * f;
  const projections: Projection[] = [];
  const populations = [];
  const terms = ["x"];
  let w = 0;
  for (let l = 1; l <= s.layers; l++) {
    const weights = Int32Array.from(s.weights.slice(w, w + f * f));
    w += f * f;
    const id = `s${l}`;
    for (const src of terms) {
      const connectivity = createRowwise({
        rows,
        kernel: [f, f],
        weights,
        srcTransposed: src === "x" && s.transposedInput,
      });
      const scale = { kind: "perProjection" as const, exp: s.exps[l - 1]! };
      projections.push(
        createProjection({ id: `${src}->${id}`, src, dst: id, connectivity, weightBits: 8, scale }),
      );
    }
    populations.push(
      createPopulation({ id, shape: [rows, f], model: createLif({ vth: 40, dv: 1024, vBits: 16 }) }),
    );
    terms.push(id);
  }
  const readout = Int32Array.from(s.weights.slice(w, w + n));
  for (const src of terms)
    projections.push(
      createProjection({
        id: `${src}->r`,
        src,
        dst: "r",
        connectivity: createDense({ inSize: n, outSize: 1, weights: readout }),
        weightBits: 8,
        scale: { kind: "perProjection", exp: -1 },
      }),
    );
  populations.push(createPopulation({ id: "r", shape: [1], model: createLinear({ outBits: 16 }) }));
  const xShape = s.transposedInput ? [f, rows] : [rows, f];
  return createModule({
    name: "stack",
    stage: "quantized",
    inputs: [createInput("x", xShape, s.inputBits === 0 ? spikeEvent() : gradedEvent(s.inputBits))],
    populations,
    projections,
    dynamicMatmuls: [],
    outputs: [createOutput("y", `s${s.layers}`), createOutput("yr", "r")],
  });
}

const T = 6;

/** The relayed module's outputs on both engines equal the original's reference outputs (pipelined: lagged). */
function expectSame(ir: NmirModule, shared: NmirModule, inputs: ReturnType<typeof pad>, mode: Mode) {
  const lag = mode === "pipelined" ? JSON.parse(shared.metadata.shareSums!).pipelinedSteps : 0;
  const want = runReference(ir, inputs, { mode }).outputs;
  const got = runBoth(shared, pad(inputs, lag), mode);
  for (const [id, outs] of want)
    for (let t = 0; t < T; t++) {
      expect(got.ref.get(id)![t + lag], `${id} step ${t} reference ${mode}`).toEqual(outs[t]);
      expect(got.chip.get(id)![t + lag], `${id} step ${t} chip ${mode}`).toEqual(outs[t]);
    }
}

describe("shareSums", () => {
  it("sums residual terms before their shared matrix, bit for bit on both engines and modes", () => {
    const cases = stackArb
      .filter((s) => s.layers >= 2)
      .chain((s) => {
        const ir = stackModule(s);
        return runCaseArb(ir, T);
      });
    fc.assert(
      fc.property(cases, ({ ir, inputs, mode }) => {
        verify(ir, "quantized");
        const shared = shareSums(ir, quantContext({ shareSums: true }));
        verify(shared, "quantized");
        const intoLast = shared.projections.filter((p) => p.dst === `s${ir.populations.length - 1}`);
        expect(intoLast).toHaveLength(1); // one matrix instead of one per term
        expect(shared.projections.filter((p) => p.dst === "r")).toHaveLength(ir.populations.length);
        expectSame(ir, shared, inputs, mode);
      }),
      { numRuns: 60 },
    );
  });

  it("is on only when asked and the profile stores shared matrices once per core; off for one source", () => {
    const s: Stack = {
      rows: 2,
      features: 3,
      layers: 2,
      inputBits: 0,
      transposedInput: true,
      exps: [0, 0, 0],
      weights: Array.from({ length: 2 * 9 + 6 }, (_, i) => (i % 7) - 3),
    };
    const ir = stackModule(s);
    const on = shareSums(ir, quantContext({ profile: loadProfile("loihi2"), shareSums: true }));
    expect(on.populations.map((p) => p.id)).toContain("s2.in.sum");
    expect(JSON.parse(on.metadata.shareSums!)).toMatchObject({
      relays: 1,
      relayNeurons: 6,
      removedCopies: 1,
    });
    expect(shareSums(ir, quantContext({ profile: loadProfile("loihi"), shareSums: true }))).toBe(ir);
    expect(shareSums(ir, quantContext({ profile: loadProfile("loihi2") }))).toBe(ir);
    expect(
      shareSums(stackModule({ ...s, layers: 1 }), quantContext({ shareSums: true })).populations,
    ).toHaveLength(2);
  });
});
