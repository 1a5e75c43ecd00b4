// Test helpers for lowerAttention: run a module with dynamic matmuls and its lowered form on the reference
// interpreter and the chip engine, and compare outputs with the lowered form's pipelined lag.

import { expect } from "vitest";
import { createChip } from "../../simulator/chip/index.js";
import { type InputSequence, runReference, type TIMESTEP_MODES } from "../../simulator/reference/index.js";
import { mapNetwork } from "../mapping/index.js";
import { generousProfile } from "../mapping/test-fixtures.js";
import type { NmirModule } from "../nmir/index.js";

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
