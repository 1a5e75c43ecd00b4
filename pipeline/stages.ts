// The compile and map stages of the pipeline, and the integer input sequences the simulate stage feeds. Explore
// prepares every grid point with these same functions, so a point and a single run of the same setup compile,
// map and quantize their inputs identically. Lowering and input quantization are memoised per loaded data.

import { type MapOptions, mapNetwork } from "../compiler/mapping/index.js";
import type { NmirModule } from "../compiler/nmir/index.js";
import { resolveClipStart } from "../compiler/passes/lower/clip-start.js";
import { compile, compileLowered } from "../compiler/passes/pipeline.js";
import { exactOutcome } from "../compiler/passes/plan-scales.js";
import type { QuantCompileOptions } from "../compiler/passes/quant-plan.js";
import { inputScaleExp, quantizeInputs } from "../compiler/passes/quantize-inputs.js";
import type { ChipProfile } from "../hw-profiles/index.js";
import type { Sequence } from "./chip-run.js";
import { graphOf, type PipelineData } from "./data.js";

/**
 * The network lowered once per clip start (the only lowering input that changes with the profile: "auto"
 * follows it), so each compile runs only the quantization passes (compileLowered). A lowering error is not
 * kept, so every compile reports it.
 */
const loweredCache = new WeakMap<PipelineData, Map<string, NmirModule>>();

function loweredFor(data: PipelineData, options: QuantCompileOptions): NmirModule {
  let byKey = loweredCache.get(data);
  if (!byKey) {
    byKey = new Map();
    loweredCache.set(data, byKey);
  }
  // everything but the profile and the bit widths reaches the lowering (dt, input event, clip start, …)
  const {
    profile: _p,
    weightBits: _w,
    stateBits: _s,
    payloadBits: _b,
    ranges: _r,
    inputValues: _v,
    dump: _d,
    progress: _g,
    ...rest
  } = options;
  const key = JSON.stringify([resolveClipStart(options).mode, rest]);
  let ir = byKey.get(key);
  if (!ir) {
    ir = compile(graphOf(data, "compile"), { ...options, stopAfter: "lowerToNmir" }).ir;
    byKey.set(key, ir);
  }
  return ir;
}

/** Whether the network compiles integer-exactly with `options`: then its plan needs no calibrated ranges. */
export function compilesExactly(data: PipelineData, options: QuantCompileOptions): boolean {
  if (options.exact === false) return false;
  return exactOutcome(loweredFor(data, options), options).exact;
}

/** The compile stage: the loaded network to quantized NMIR with `options` (ranges from calibration). */
export function compileNetwork(data: PipelineData, options: QuantCompileOptions): NmirModule {
  return compileLowered(loweredFor(data, options), { dump: () => {}, ...options }).ir;
}

/** The map stage: partition, place, route (throws MappingError when the module does not fit). */
export function mapModule(ir: NmirModule, profile: ChipProfile, options: MapOptions = {}) {
  return mapNetwork(ir, profile, { suggestProfiles: false, ...options });
}

export interface SampleSequences {
  /** Per sample: the primary input's sequence, carrying the sample's further inputs (`alongside`), if any. */
  sequences: Sequence[];
  /** Input values clipped to the input's payload range, or spikes read from values other than 0 / 1. */
  clipped: number;
}

/**
 * Integer input sequences per sample, each cut or zero-padded to `steps`: quantized with the module's input
 * scale, or as given when the samples are raw integer events (or the module is not quantized). A network
 * with several inputs (PipelineData.moreInputs) gets one sequence per input id in each sample.
 */
export function quantizedSamples(ir: NmirModule, data: PipelineData, steps: number): SampleSequences {
  const n = data.samples.shape[0]!;
  const fed = [
    { id: data.inputId, shape: data.inputShape, samples: data.samples },
    ...(data.moreInputs ?? []),
  ];
  const asGiven = data.raw || ir.stage !== "quantized";
  const quantized = asGiven
    ? undefined
    : quantizeInputs(ir, Object.fromEntries(fed.map((f) => [f.id, f.samples])));
  let clipped = 0;
  const perInput = fed.map((f) => {
    const tIn = f.samples.shape[1]!;
    const per = f.shape.reduce((a, b) => a * b, 1);
    const q = quantized ? quantized.get(f.id)! : { data: f.samples.data, clipped: 0 };
    clipped += q.clipped;
    const out: Sequence[] = [];
    for (let s = 0; s < n; s++) {
      const seq = new Float64Array(steps * per);
      const keep = Math.min(steps, tIn) * per;
      for (let i = 0; i < keep; i++) seq[i] = q.data[s * tIn * per + i]!;
      out.push({ shape: [steps, ...f.shape], data: seq });
    }
    return out;
  });
  const [first, ...rest] = perInput;
  const sequences = first!.map((q, s) =>
    rest.length ? { ...q, alongside: Object.fromEntries(rest.map((r, k) => [fed[k + 1]!.id, r[s]!])) } : q,
  );
  return { sequences, clipped };
}

/** The sequences alone (explore's jobs). */
export function sampleSequences(ir: NmirModule, data: PipelineData, steps: number) {
  return quantizedSamples(ir, data, steps).sequences;
}

/**
 * quantizedSamples memoised per loaded data by what decides them (the input's event kind, width and LSB, the
 * steps): most compiles of one network share one input scale, and the sequences are read, never written.
 */
const sequenceCache = new WeakMap<PipelineData, Map<string, SampleSequences>>();

export function samplesFor(ir: NmirModule, data: PipelineData, steps: number): SampleSequences {
  const port = ir.inputs.find((i) => i.id === data.inputId)!;
  const more = (data.moreInputs ?? []).map((f) => inputScaleExp(ir, f.id));
  const key = JSON.stringify([port.event, ir.stage, inputScaleExp(ir, data.inputId), steps, more]);
  let byKey = sequenceCache.get(data);
  if (!byKey) {
    byKey = new Map();
    sequenceCache.set(data, byKey);
  }
  let seqs = byKey.get(key);
  if (!seqs) {
    seqs = quantizedSamples(ir, data, steps);
    byKey.set(key, seqs);
  }
  return seqs;
}

export function sequencesFor(ir: NmirModule, data: PipelineData, steps: number) {
  return samplesFor(ir, data, steps).sequences;
}
