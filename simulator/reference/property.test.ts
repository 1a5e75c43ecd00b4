// Property tests over random valid NMIR modules (compiler/nmir/arbitrary.ts): both modes run without error at
// both stages, outputs fit their event kinds, streaming equals whole runs, and AC/MAC counts equal an
// independent fan-out count from the connectivity definitions.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nmirModuleArb } from "../../compiler/nmir/arbitrary.js";
import { sourceTable } from "../../compiler/nmir/graph.js";
import { signedRange } from "../../compiler/nmir/model-info.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import { runReference } from "./run.js";
import { createReferenceRunner } from "./runner.js";
import { planSchedule, TIMESTEP_MODES } from "./schedule.js";
import { inputsArb, nonzeroFanOut } from "./test-helpers.js";

const T = 6;
const withInputs = (stage: "quantized" | "lowered") =>
  nmirModuleArb({ stage }).chain((ir) => inputsArb(ir, T).map((inputs) => ({ ir, inputs })));

/** Every source id, so records hold every event of the run. */
const allSources = (ir: NmirModule) => [...sourceTable(ir).keys()];

describe("random valid modules", () => {
  it("quantized: both modes run; outputs are spikes 0/1 or integers within their payload width", () => {
    fc.assert(
      fc.property(withInputs("quantized"), ({ ir, inputs }) => {
        const sources = sourceTable(ir);
        for (const mode of TIMESTEP_MODES) {
          const r = runReference(ir, inputs, { mode });
          expect(r.steps).toBe(T);
          for (const o of ir.outputs) {
            const ev = sources.get(o.src)!.event;
            const [lo, hi] = ev.kind === "spike" ? [0, 1] : signedRange(ev.bits);
            for (const step of r.outputs.get(o.id)!) {
              for (const v of step) expect(Number.isInteger(v) && v >= lo && v <= hi).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("lowered: both modes run in float without error", () => {
    fc.assert(
      fc.property(withInputs("lowered"), ({ ir, inputs }) => {
        for (const mode of TIMESTEP_MODES) {
          const r = runReference(ir, inputs, { mode });
          expect(r.counts.totals.saturations).toBe(0);
          for (const steps of r.outputs.values())
            for (const s of steps) expect(s.every((v) => !Number.isNaN(v))).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("streaming step by step equals the whole-sequence run", () => {
    fc.assert(
      fc.property(withInputs("quantized"), fc.constantFrom(...TIMESTEP_MODES), ({ ir, inputs }, mode) => {
        const whole = runReference(ir, inputs, { mode });
        const runner = createReferenceRunner(ir, { mode });
        for (let t = 0; t < T; t++) {
          const step = new Map(
            [...inputs].map(([id, s]) => {
              const n = s.data.length / T;
              return [id, Array.from(s.data).slice(t * n, (t + 1) * n)];
            }),
          );
          const out = runner.step(step);
          for (const o of ir.outputs) expect(out.get(o.id)).toEqual(whole.outputs.get(o.id)![t]);
        }
        expect(runner.counts()).toEqual(whole.counts);
      }),
      { numRuns: 100 },
    );
  });

  it("AC (MAC) per projection = Σ over steps of the nonzero-weight fan-out of each spiking (graded) source neuron", () => {
    fc.assert(
      fc.property(withInputs("quantized"), fc.constantFrom(...TIMESTEP_MODES), ({ ir, inputs }, mode) => {
        const r = runReference(ir, inputs, { mode, record: allSources(ir) });
        const lag = planSchedule(ir, mode).projectionLag;
        const sources = sourceTable(ir);
        let spikingSourceAc = 0;
        ir.projections.forEach((p, k) => {
          const fan = nonzeroFanOut(p.connectivity);
          const events = r.records.get(p.src)!;
          let ops = 0;
          for (let t = lag.get(p.id)!; t < T; t++) {
            for (const i of events[t - lag.get(p.id)!]!.index) ops += fan[i]!;
          }
          const spike = sources.get(p.src)!.event.kind === "spike";
          if (spike) spikingSourceAc += ops;
          expect(r.counts.perProjection[k]).toMatchObject(spike ? { ac: ops, mac: 0 } : { ac: 0, mac: ops });
        });
        expect(r.counts.totals.ac).toBe(spikingSourceAc);
        expect(r.counts.totals.synapticOps).toBe(r.counts.totals.ac + r.counts.totals.mac);
      }),
      { numRuns: 200 },
    );
  });
});
