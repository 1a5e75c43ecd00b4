// A module with sequence buffers (compiler/nmir/phases.ts) run phase by phase on any engine: each phase is a
// fresh run of its part over the T steps, fed by the user's inputs (phase 0) or the stored sequences.

import { type PhasePlan, phaseModule, phasePlan } from "../../compiler/nmir/phases.js";
import { type NmirModule, shapeSize } from "../../compiler/nmir/types.js";
import { roundHalfAway, signedMax } from "../../compiler/passes/quant-plan.js";
import { inputScaleExp } from "../../compiler/passes/quantize-inputs.js";
import { COUNT_CONVENTIONS, type OpCounts, sumTotals } from "./counts.js";
import { type InputSequence, type Named, toMap } from "./inputs.js";
import { type ReferenceRunOptions, type ReferenceRunResult, runReference } from "./run.js";
import type { StepEvents } from "./runner.js";

/** What the driver reads of one phase's run (runReference's and the chip's results both have it). */
export interface PhaseRun {
  steps: number;
  outputs: Map<string, Float64Array[]>;
  outputsScaled: Map<string, Float64Array[]>;
}

export interface PhasedRun<R extends PhaseRun> {
  plan: PhasePlan;
  /** One run per phase, in order. */
  phases: R[];
  /** The user-visible outputs (buffer outputs left out), raw and scaled, from whichever phase drives them. */
  outputs: Map<string, Float64Array[]>;
  outputsScaled: Map<string, Float64Array[]>;
  /** Values held in sequence buffers: Σ over buffers of T × size (what the run must store). */
  bufferValues: number;
  /** The largest that is held at once: buffers whose lifetime [write phase, last read phase] covers a phase. */
  peakBufferValues: number;
}

/**
 * Stored raw values of output `o` (T steps) as the payloads of buffer input `port`: at stage quantized
 * round(raw · 2^(outExp − inExp)) clipped to the payload width (an exact copy when the exponents agree, which
 * planScales arranges), at stage lowered the real value raw · 2^outExp. Reversed when the buffer says so.
 */
export function bufferSequence(
  ir: NmirModule,
  input: string,
  output: string,
  stored: readonly Float64Array[],
  reverse: boolean,
): InputSequence {
  const port = ir.inputs.find((i) => i.id === input)!;
  const o = ir.outputs.find((x) => x.id === output)!;
  const n = shapeSize(port.shape);
  const T = stored.length;
  const data = new Float64Array(T * n);
  const quantized = ir.stage === "quantized";
  const factor = 2 ** (o.scaleExp - (quantized ? inputScaleExp(ir, input) : 0));
  const hi = port.event.kind === "graded" ? signedMax(port.event.bits) : 1;
  for (let t = 0; t < T; t++) {
    const row = stored[reverse ? T - 1 - t : t]!;
    for (let i = 0; i < n; i++) {
      const v = row[i]! * factor;
      data[t * n + i] = quantized ? Math.max(-hi, Math.min(hi, roundHalfAway(v))) : v;
    }
  }
  return { shape: [T, ...port.shape], data };
}

/** Runs every phase of `ir` in order with `runPhase` (a fresh run of the phase's module over its inputs). */
export function runPhased<R extends PhaseRun>(
  ir: NmirModule,
  inputs: Named<InputSequence>,
  runPhase: (phase: NmirModule, inputs: Map<string, InputSequence>, k: number) => R,
): PhasedRun<R> {
  const plan = phasePlan(ir);
  const given = toMap(inputs);
  const stored = new Map<string, Float64Array[]>();
  const phases: R[] = [];
  const outputs = new Map<string, Float64Array[]>();
  const outputsScaled = new Map<string, Float64Array[]>();
  const bufferOutputs = new Set(plan.buffers.map((b) => b.output));
  let steps: number | undefined;
  for (let k = 0; k < plan.phases; k++) {
    const sub = phaseModule(ir, plan, k);
    const feed = new Map<string, InputSequence>();
    for (const port of sub.inputs) {
      const b = plan.buffers.find((x) => x.input === port.id);
      if (!b) {
        const x = given.get(port.id);
        if (x) feed.set(port.id, x);
        continue;
      }
      const seq = stored.get(b.output);
      if (!seq) throw new Error(`buffer "${b.input}" is read before "${b.output}" ran`);
      feed.set(port.id, bufferSequence(ir, b.input, b.output, seq, b.reverse));
    }
    const r = runPhase(sub, feed, k);
    if (steps !== undefined && r.steps !== steps)
      throw new Error(`phase ${k} ran ${r.steps} steps, phase 0 ${steps}`);
    steps = r.steps;
    phases.push(r);
    for (const [id, seq] of r.outputs) {
      if (bufferOutputs.has(id)) stored.set(id, seq);
      else {
        outputs.set(id, seq);
        outputsScaled.set(id, r.outputsScaled.get(id)!);
      }
    }
  }
  const T = steps ?? 0;
  const size = (b: { input: string }) => T * shapeSize(ir.inputs.find((i) => i.id === b.input)!.shape);
  // one store per buffer output (several inputs may replay it), live from its write phase to its last read
  const lives = new Map<string, { size: number; from: number; to: number }>();
  for (const b of plan.buffers) {
    const from = plan.phaseOf.get(b.input)! - b.lag;
    const l = lives.get(b.output) ?? { size: size(b), from, to: from };
    l.to = Math.max(l.to, from + b.lag);
    lives.set(b.output, l);
  }
  let peak = 0;
  for (let k = 0; k < plan.phases; k++) {
    let held = 0;
    for (const l of lives.values()) if (l.from <= k && k <= l.to) held += l.size;
    peak = Math.max(peak, held);
  }
  const total = [...lives.values()].reduce((a, l) => a + l.size, 0);
  return { plan, phases, outputs, outputsScaled, bufferValues: total, peakBufferValues: peak };
}

/** Counts of several phases as one run: entities summed by id (a free source runs in several), steps added. */
export function mergePhaseCounts(all: readonly OpCounts[]): OpCounts {
  const byId = <T extends { id: string }>(lists: T[][]): T[] => {
    const m = new Map<string, T>();
    for (const list of lists)
      for (const e of list) {
        const had = m.get(e.id) as Record<string, unknown> | undefined;
        if (!had) m.set(e.id, { ...e });
        else
          for (const [k, v] of Object.entries(e))
            if (typeof v === "number" && k !== "neurons" && k !== "synapses") had[k] = (had[k] as number) + v;
      }
    return [...m.values()];
  };
  const perProjection = byId(all.map((c) => c.perProjection));
  const perPopulation = byId(all.map((c) => c.perPopulation));
  const perMatmul = byId(all.map((c) => c.perMatmul));
  const perInput = byId(all.map((c) => c.perInput));
  const steps = all.reduce((a, c) => a + c.totals.steps, 0);
  const perStep = all.every((c) => c.perStep) ? all.flatMap((c) => c.perStep!) : undefined;
  return {
    totals: sumTotals(steps, perProjection, perPopulation, perMatmul, perInput),
    perProjection,
    perPopulation,
    perMatmul,
    perInput,
    ...(perStep ? { perStep } : {}),
    conventions: all[0]?.conventions ?? COUNT_CONVENTIONS,
  };
}

/**
 * runReference on a module with or without sequence buffers: phase by phase, counts over every phase
 * (`steps` stays the clip's T; the counts' steps are T × phases, the simulated time).
 */
export function runReferencePhased(
  ir: NmirModule,
  inputs: Named<InputSequence>,
  opts: ReferenceRunOptions = {},
): ReferenceRunResult & { phases: number; bufferValues: number; peakBufferValues: number } {
  const r = runPhased(ir, inputs, (sub, feed) => {
    const known = new Set([...sub.inputs, ...sub.populations, ...sub.dynamicMatmuls].map((x) => x.id));
    const pick = (ids?: readonly string[]) => (ids ?? []).filter((id) => known.has(id));
    return runReference(sub, feed, { ...opts, record: pick(opts.record), peaks: pick(opts.peaks) });
  });
  const records = new Map<string, StepEvents[]>();
  const peaks = new Map<string, number>();
  for (const p of r.phases) {
    for (const [id, ev] of p.records) records.set(id, ev);
    for (const [id, v] of p.peaks) peaks.set(id, Math.max(peaks.get(id) ?? 0, v));
  }
  const first = r.phases[0]!;
  return {
    mode: first.mode,
    steps: first.steps,
    outputs: r.outputs,
    outputsScaled: r.outputsScaled,
    records,
    peaks,
    counts: mergePhaseCounts(r.phases.map((p) => p.counts)),
    warnings: [...new Set(r.phases.flatMap((p) => p.warnings))],
    phases: r.plan.phases,
    bufferValues: r.bufferValues,
    peakBufferValues: r.peakBufferValues,
  };
}
