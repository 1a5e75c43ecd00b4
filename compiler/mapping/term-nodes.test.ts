// Mapping a dynamic matmul realised by counted term neurons: its cores hold each output with its k terms, as
// many as the explicit lowering's populations need (within a stated margin), and misfits name the term neurons.

import { describe, expect, it } from "vitest";
import { loadProfile } from "../../hw-profiles/index.js";
import {
  createDynamicMatmul,
  createInput,
  createModule,
  createOutput,
  gradedEvent,
  type NmirModule,
  spikeEvent,
} from "../nmir/index.js";
import { lowerAttention } from "../passes/lower-attention.js";
import { singleQk } from "../passes/lower-attention-testing.js";
import { quantContext } from "../passes/quant-plan.js";
import { MappingError, mapNetwork } from "./index.js";

const lowered = (ir: NmirModule, attentionTerms: "explicit" | "counted") =>
  lowerAttention(ir, quantContext({ profile: "loihi2", attentionTerms }));

/** (scores)·v: graded scores [N, N] times spikes v [N, d] (B not transposed), read by an output. */
function av(N: number, d: number): NmirModule {
  return createModule({
    name: "av",
    stage: "quantized",
    inputs: [createInput("s", [N, N], gradedEvent(4)), createInput("v", [N, d], spikeEvent())],
    dynamicMatmuls: [createDynamicMatmul({ id: "out", a: "s", b: "v", m: N, k: N, n: d, outBits: 8 })],
    outputs: [createOutput("y", "out")],
  });
}

describe("mapping counted term neurons", () => {
  it.each([
    { name: "q·kᵀ 64×16", ir: singleQk(64, 16, false) },
    { name: "q·kᵀ 96×32 graded", ir: singleQk(96, 32, true) },
    { name: "q·kᵀ 128×8", ir: singleQk(128, 8, false) },
    { name: "q·kᵀ 196×16", ir: singleQk(196, 16, false) },
    { name: "a·v 48×48", ir: av(48, 48) },
    { name: "a·v 96×16", ir: av(96, 16) },
  ])(
    "$name: as many cores as the explicit form within 5 % (it packs terms and accumulators together)",
    ({ ir }) => {
      const loihi2 = loadProfile("loihi2");
      const cores = (m: NmirModule) => mapNetwork(m, loihi2, { suggestProfiles: false }).mapping.cores.length;
      const explicit = cores(lowered(ir, "explicit"));
      const counted = cores(lowered(ir, "counted"));
      expect(Math.abs(counted - explicit)).toBeLessThanOrEqual(Math.max(1, 0.05 * explicit));
      // far more than the native matmul's cores on a chip that has it
      const native = mapNetwork(ir, loadProfile("generic-45nm"), { suggestProfiles: false }).mapping.cores
        .length;
      expect(counted).toBeGreaterThan(native);
    },
  );

  it("names the term neurons in misfits: a chip without their neurons, an output with its terms over a core", () => {
    const counted = lowered(av(8, 4), "counted");
    const misfit = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof MappingError) return e.fit.misfits[0]!;
        throw e;
      }
      throw new Error("mapped");
    };
    const loihi = misfit(() => mapNetwork(counted, loadProfile("loihi"), { suggestProfiles: false }));
    expect(loihi.population).toBe("out");
    expect(loihi.limit).toBe("productNeurons");
    expect(loihi.needed).toBe(8 * 8 * 4);
    expect(loihi.suggestion).toMatch(/256 product term neurons \(counted, not instantiated\)/);
    // each output needs its 8 terms and its accumulator on one core
    const tight = misfit(() =>
      mapNetwork(counted, loadProfile("loihi2"), { suggestProfiles: false, neuronsPerCore: 8 }),
    );
    expect([tight.population, tight.limit, tight.needed, tight.available]).toEqual(["out", "neurons", 9, 8]);
    expect(tight.suggestion).toMatch(
      /^one output with its 8 product term neurons \(counted, not instantiated\): /,
    );
    expect(
      mapNetwork(counted, loadProfile("loihi2"), { suggestProfiles: false, neuronsPerCore: 9 }).mapping.cores
        .length,
    ).toBe(32);
  });
});
