// lowerNonlinear: sigmoid/tanh/GELU tables, LayerNorm and TernaryGatedMix on random small Binary S4D / GSU
// instances — the lowered module equals the rewritten float graph, the float-vs-lowered error stays under the
// tables' stated bounds, the quantized module runs bit-exactly on the chip model in both timestep modes, and a
// chip without function/product neurons is refused naming the capability.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSpikegridError } from "../../common/errors.js";
import { loadProfile } from "../../hw-profiles/index.js";
import { buildGsu } from "../../models/gsu.js";
import { buildBinaryS4D, type S4Config, s4SmnistDefaults } from "../../models/s4d.js";
import { createChip } from "../../simulator/chip/index.js";
import { runFloat } from "../../simulator/float/index.js";
import { runReference, TIMESTEP_MODES } from "../../simulator/reference/index.js";
import type { NetGraph } from "../graph/index.js";
import { mapNetwork } from "../mapping/index.js";
import { sourceTable } from "../nmir/graph.js";
import { geluApprox, probeError, rsqrtApprox, sigmoidApprox, tanhApprox } from "./nonlinear-tables.js";
import { compile } from "./pipeline.js";
import type { QuantCompileOptions } from "./quant-plan.js";
import { quantizeInputs } from "./quantize-inputs.js";

/** Stated bounds of the tables on their synthetic probes (nonlinear-tables.ts). */
const BOUNDS = { sigmoid: 1e-3, tanh: 2e-3, gelu: 2e-3, rsqrtRelative: 1e-3 };

const small = (norm: string): S4Config => ({
  ...s4SmnistDefaults,
  dModel: 4,
  nSsm: 4,
  dState: 4,
  nLayers: 1,
  norm,
});

/** Fills every learned array (not LayerNorm γ/β) with seeded values in [−1, 1). */
function randomize(g: NetGraph, seed: number): NetGraph {
  let s = seed;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647) * 2 - 1;
  };
  for (const [, n] of g.nodes) {
    if (n.kind === "LayerNorm") continue;
    for (const k of ["weight", "bias", "cRe", "cIm", "d"] as const) {
      const a = (n as unknown as Record<string, { data: Float32Array | Float64Array } | undefined>)[k];
      if (a?.data) for (let i = 0; i < a.data.length; i++) a.data[i] = rnd();
    }
  }
  return g;
}

const maxDiff = (a: Float64Array[], b: Float64Array[]) =>
  a.reduce((m, row, t) => row.reduce((mm, v, i) => Math.max(mm, Math.abs(v - b[t]![i]!)), m), 0);

describe("nonlinear tables", () => {
  it("stay under their stated error bounds", () => {
    expect(probeError(sigmoidApprox())).toBeLessThan(BOUNDS.sigmoid);
    expect(probeError(tanhApprox())).toBeLessThan(BOUNDS.tanh);
    expect(probeError(geluApprox())).toBeLessThan(BOUNDS.gelu);
    expect(probeError(rsqrtApprox(1e-5))).toBeLessThan(BOUNDS.rsqrtRelative);
  });
});

const cases = fc.record({
  family: fc.constantFrom("gsu", "binary-s4d"),
  norm: fc.constantFrom("layer", "batch"),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  xs: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 5, maxLength: 5 }),
});

describe("lowered Binary S4D / GSU", () => {
  it("the lowered module stays within the table bounds of the float reference", () => {
    fc.assert(
      fc.property(cases, ({ family, norm, seed, xs }) => {
        const g = randomize((family === "gsu" ? buildGsu : buildBinaryS4D)(small(norm)), seed);
        const T = xs.length;
        const input = { input: { shape: [T, 1], data: xs } };
        const { ir, diagnostics } = compile(g, { stopAfter: "lowerToNmir", dt: 1 });
        const lowered = runReference(ir, { input: { shape: [T, 1], data: Float64Array.from(xs) } });
        const got = lowered.outputsScaled.get("output")!;
        const exact = runFloat(g, input).outputs.get("output")!;
        // the decoder output moves by at most a few table errors times the layer gains (|w| < 1, H = 4)
        const scale = Math.max(1, ...exact.flatMap((r) => [...r].map(Math.abs)));
        expect(maxDiff(exact, got) / scale).toBeLessThan(0.05);
        const notes = diagnostics.filter((d) => d.pass === "lowerNonlinear").map((d) => d.message);
        expect(
          notes.some((m) => /approximated: .* table function neuron; max (relative )?\|?error/.test(m)),
        ).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  it("quantized for loihi2: the chip model equals the reference bit for bit in both timestep modes", () => {
    const profile = loadProfile("loihi2");
    fc.assert(
      fc.property(cases, fc.constantFrom(...TIMESTEP_MODES), ({ family, norm, seed, xs }, mode) => {
        const g = randomize((family === "gsu" ? buildGsu : buildBinaryS4D)(small(norm)), seed);
        const T = xs.length;
        const calibration = { input: { shape: [T, 1], data: xs } };
        const options: QuantCompileOptions = { dt: 1, profile, calibration };
        const { ir, diagnostics } = compile(g, options);
        expect(ir.populations.some((p) => p.model.kind === "function")).toBe(true);
        // measured on the calibration data, per approximated node, under the stated bound
        const measured = diagnostics.filter((d) =>
          /float vs lowered on the first calibration sample/.test(d.message),
        );
        expect(measured.length).toBeGreaterThan(0);
        for (const d of measured) {
          const rel = Number(/relative RMS error ([0-9.e+-]+)/.exec(d.message)![1]);
          expect(rel).toBeLessThan(0.01);
        }
        const inputs = quantizeInputs(ir, calibration);
        const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
        const record = [...sourceTable(ir).keys()];
        const ref = runReference(ir, inputs, { mode, record });
        const chip = createChip(profile, { mode }).load(ir, mapping).run(inputs, undefined, { record });
        expect(chip.outputs).toEqual(ref.outputs);
        expect(chip.records).toEqual(ref.records);
        expect(chip.counts).toEqual(ref.counts);
      }),
      { numRuns: 8 },
    );
  });

  it("is refused on a chip without function or product neurons, naming the capability", () => {
    for (const [family, missing] of [
      ["gsu", /core\.capabilities\.(gradedSpikes|functionNeurons|productNeurons)/],
      ["binary-s4d", /core\.capabilities\.(gradedSpikes|functionNeurons)/],
    ] as const) {
      const g = (family === "gsu" ? buildGsu : buildBinaryS4D)(small("layer"));
      let err: unknown;
      try {
        compile(g, { dt: 1, profile: "truenorth" } as QuantCompileOptions);
      } catch (e) {
        err = e;
      }
      expect(isSpikegridError(err) && err.code).toBe("UNSUPPORTED");
      expect(String((err as Error).message)).toMatch(missing);
      expect(String((err as Error).message)).toMatch(/profile "truenorth" lacks/);
      expect((err as { hint?: string }).hint).toMatch(/loihi2/);
    }
  });
});
