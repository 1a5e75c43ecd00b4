// Spikformer and FWformer blocks after the structured lowering (per-token linears as one shared `rowwise`
// matrix, selections built directly, relay populations where two matrices would compose): small random
// instances lower exactly in real arithmetic (lowered module = float graph), store their per-token matrices once,
// and run bit-identically on the chip and the reference interpreter in both timestep modes.

import { describe, expect, it } from "vitest";
import type { NetGraph } from "../../compiler/graph/index.js";
import { mapNetwork } from "../../compiler/mapping/index.js";
import { generousProfile } from "../../compiler/mapping/test-fixtures.js";
import type { NmirModule } from "../../compiler/nmir/index.js";
import { observeRanges } from "../../compiler/passes/observe-ranges.js";
import { compile } from "../../compiler/passes/pipeline.js";
import type { QuantCompileOptions } from "../../compiler/passes/quant-plan.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import { compareLowered, randomInput, rng } from "../../compiler/passes/testing.js";
import { buildFwformer, FW_MIXERS } from "../../models/fwformer.js";
import { buildSpikformer, type SpikformerConfig } from "../../models/spikformer.js";
import { calibrateBatchNorm } from "../../pipeline/calibrate-bn.js";
import { initWeights } from "../../pipeline/init-weights.js";
import { createChip } from "../../simulator/chip/index.js";
import { runReference } from "../../simulator/reference/index.js";

const STEPS = 3;
/** Inputs in [0, GAIN], an image's range. */
const GAIN = 1;
const SMALL: SpikformerConfig = {
  variant: "cifar",
  depth: 1,
  dim: 16,
  heads: 2,
  mlpRatio: 2,
  inChannels: 2,
  imageSize: 8,
  numClasses: 3,
  timesteps: STEPS,
};

const CASES: [string, () => NetGraph][] = [
  ["spikformer (2 heads)", () => buildSpikformer(SMALL)],
  ...FW_MIXERS.map((m): [string, () => NetGraph] => [
    `fwformer ${m}`,
    () => buildFwformer({ ...SMALL, mixer: m }),
  ]),
];

function inputOf(g: NetGraph): { id: string; shape: number[] } {
  for (const [id, n] of g.nodes) if (n.kind === "Input") return { id, shape: [...n.shape] };
  throw new Error("no input");
}

/** Stored weight entries of a module: a rowwise matrix once, whatever the rows. */
function storedWeights(ir: NmirModule): number {
  let n = 0;
  for (const p of ir.projections) {
    const c = p.connectivity as { weights?: ArrayLike<number> };
    n += c.weights?.length ?? 0;
  }
  return n;
}

describe("Spikformer / FWformer blocks, structured lowering", () => {
  it.each(CASES)(
    "%s: lowered = float graph; chip = reference bit for bit, layer-sync and pipelined",
    (_, build) => {
      const g = build();
      initWeights(g, 7);
      const { id, shape } = inputOf(g);
      const x = randomInput(rng(11), STEPS, shape, { lo: 0, hi: GAIN });
      // real arithmetic: the lowering changes structure, not values
      const cmp = compareLowered(g, { [id]: x }, { dt: 1 });
      expect(cmp.outputDiff).toBeLessThan(1e-6);
      // per-token matrices are stored once (rowwise), so the module holds about the parameters, not tokens × them
      const params = [...g.nodes.values()].reduce((s, n) => {
        const w = (n as { weight?: { data: ArrayLike<number> } }).weight;
        return s + (w?.data.length ?? 0);
      }, 0);
      expect(storedWeights(cmp.compiled.ir)).toBeLessThan(4 * params);
      expect(cmp.compiled.ir.projections.some((p) => p.connectivity.kind === "rowwise")).toBe(true);
      // as the pipeline does for a seeded init: BatchNorm statistics from the network's own activity, payload
      // ranges observed on the input (else the LIFs stay silent and the comparison would be empty)
      calibrateBatchNorm(g, id, shape, x.data);
      const lowered = compile(g, { dt: 1, stopAfter: "lowerToNmir" }).ir;
      const ranges = { ...observeRanges(lowered, { [id]: x }), [id]: GAIN };
      const quant: QuantCompileOptions = { dt: 1, weightBits: 8, ranges };
      const ir = compile(g, quant).ir;
      const inputs = quantizeInputs(ir, { [id]: x });
      const profile = generousProfile();
      const { mapping } = mapNetwork(ir, profile, { suggestProfiles: false });
      for (const mode of ["layer-sync", "pipelined"] as const) {
        const ref = runReference(ir, inputs, { mode });
        const chip = createChip(profile, { mode, timing: "simple" }).load(ir, mapping).run(inputs);
        expect(chip.outputs, mode).toEqual(ref.outputs);
        expect(chip.counts, mode).toEqual(ref.counts);
        // not a silent network: spikes flow and the readout moves
        expect(ref.counts.totals.spikes, mode).toBeGreaterThan(20);
        expect(
          [...ref.outputs.values()].flat().some((o) => o.some((v) => v !== 0)),
          mode,
        ).toBe(true);
      }
    },
    120_000,
  );
});
