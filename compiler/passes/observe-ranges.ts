// Calibration for planScales: runs the lowered module (float-executable NMIR) through the reference
// interpreter over sample inputs and returns the observed max |payload| of every graded population and
// dynamic matmul, which replace the pessimistic all-inputs-active bounds when choosing payload LSBs.

import { SpikegridError } from "../../common/errors.js";
import { referenceRun } from "../../simulator/reference/index.js";
import type { InputSequence } from "../../simulator/reference/inputs.js";
import { runPhased } from "../../simulator/reference/phased.js";
import type { NmirModule } from "../nmir/index.js";
import { sequenceBuffers, userPorts } from "../nmir/phases.js";
import type { SampleTensor } from "./quant-plan.js";

/** One sample's [T, ...shape] inputs; spike inputs read nonzero as 1 (a spike carries no magnitude). */
function sampleOf(ir: NmirModule, given: Map<string, SampleTensor>, s: number): Map<string, SampleTensor> {
  const out = new Map<string, SampleTensor>();
  for (const port of ir.inputs) {
    const x = given.get(port.id);
    if (!x) continue; // a sequence buffer's input: the phased run feeds it

    const batched = x.shape.length === port.shape.length + 2;
    const shape = batched ? x.shape.slice(1) : [...x.shape];
    const per = shape.reduce((a, b) => a * b, 1);
    const data = Float64Array.from({ length: per }, (_, i) => Number(x.data[(batched ? s * per : 0) + i]));
    if (port.event.kind === "spike") for (let i = 0; i < per; i++) data[i] = data[i] === 0 ? 0 : 1;
    out.set(port.id, { shape, data });
  }
  return out;
}

/**
 * Observed ranges (lowered units) of graded populations and dynamic matmuls over `calibration`, by id.
 * Returns {} when the calibration data do not cover every input (nothing can run). Tensors are [T, ...] or
 * [batch, T, ...]; with a batch, every sample is run from a fresh state.
 */
export function observeRanges(
  lowered: NmirModule,
  calibration: Map<string, SampleTensor> | Record<string, SampleTensor>,
): Record<string, number> {
  const given = calibration instanceof Map ? calibration : new Map(Object.entries(calibration));
  const fed = userPorts(lowered).inputs;
  if (fed.length === 0 || fed.some((id) => !given.has(id))) return {};
  const ids = [
    ...lowered.populations.filter((p) => p.output.kind === "graded").map((p) => p.id),
    ...lowered.dynamicMatmuls.map((d) => d.id),
  ];
  if (ids.length === 0) return {};
  const first = lowered.inputs.find((i) => i.id === fed[0])!;
  const x0 = given.get(first.id)!;
  const samples = x0.shape.length === first.shape.length + 2 ? x0.shape[0]! : 1;
  const ranges: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  // one runner for every sample (reset between them): building it per sample cost more than running it
  const runOne = sequenceBuffers(lowered).length
    ? phasedPeaks(lowered, ids)
    : referenceRun(lowered, { peaks: ids });
  for (let s = 0; s < samples; s++) {
    let run: ReturnType<typeof runOne>;
    try {
      run = runOne(sampleOf(lowered, given, s));
    } catch (e) {
      if (!(e instanceof SpikegridError)) throw e;
      throw new SpikegridError(e.code, `calibration data: ${e.message}`, {
        details: [...e.details],
        ...(e.hint === undefined ? {} : { hint: e.hint }),
        cause: e,
      });
    }
    for (const id of ids) ranges[id] = Math.max(ranges[id]!, run.peaks.get(id)!);
  }
  // A source that never emitted during calibration says nothing about its range: keep the estimate.
  for (const id of ids) if (ranges[id] === 0) delete ranges[id];
  return ranges;
}

/** A module with sequence buffers run phase by phase (one runner per phase, reused): the peaks over all phases. */
function phasedPeaks(
  ir: NmirModule,
  ids: readonly string[],
): (inputs: Map<string, InputSequence>) => { peaks: Map<string, number> } {
  const runners = new Map<number, ReturnType<typeof referenceRun>>();
  return (inputs) => {
    const run = runPhased(ir, inputs, (sub, feed, k) => {
      let r = runners.get(k);
      if (!r) {
        const known = new Set([...sub.populations, ...sub.dynamicMatmuls].map((x) => x.id));
        r = referenceRun(sub, { peaks: ids.filter((id) => known.has(id)) });
        runners.set(k, r);
      }
      return r(feed);
    });
    const peaks = new Map(ids.map((id) => [id, 0]));
    for (const p of run.phases) for (const [id, v] of p.peaks) peaks.set(id, Math.max(peaks.get(id)!, v));
    return { peaks };
  };
}
