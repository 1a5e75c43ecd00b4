// Pass planScales (lowered → lowered, annotated): chooses every power-of-two LSB of the quantization —
// λ per population port, payload LSB per graded source — and stores the plan in the module's metadata.
// quantizeNeurons and quantizeWeights then apply it; the numbers they produce follow from the plan alone.

import { SpikegridError } from "../../common/errors.js";
import type { DynamicMatmul, NmirModule, Population, Projection } from "../nmir/index.js";
import { layerSyncOrder } from "../nmir/index.js";
import { phasePlan, sequenceBuffers } from "../nmir/phases.js";
import {
  type ExactOutcome,
  exactPlan,
  type InputValues,
  inputValuesOf,
  LEAK_FRACTION_BITS,
} from "./exact-plan.js";
import { observeRanges } from "./observe-ranges.js";
import { diagnose, type PassContext } from "./pass.js";
import { LOOP_RANGE_WORK, type LoopRange, loopRange } from "./quant-loop-range.js";
import {
  pow2Exp,
  profileOf,
  profileWidthsNote,
  type QuantizeOptions,
  type QuantPlan,
  quantContext,
  quantOptions,
  resolveQuantOptions,
  type SampleTensor,
  signedMax,
  withPlan,
} from "./quant-plan.js";
import { type PopulationRange, populationRange, sampleMaxAbs, sharedAbsRowSums } from "./quant-ranges.js";
import { accumulatorDeficit } from "./quantize-weights.js";
import { moduleWeights, RANGES_KEY, uncalibratedWarning } from "./weights-provenance.js";

const clampShift = (s: number) => Math.min(62, Math.max(0, s));

/**
 * Ranges are taken within [2^-40, 2^40] before choosing an LSB: values outside cannot be read through an
 * output's 2^scaleExp (−64..64) anyway, and the bound keeps degenerate layers (all-zero or denormal
 * weights) from pushing exponents out of range.
 */
const RANGE_LIMIT = 2 ** 40;
const lsbExp = (r: number, maxInt: number) =>
  pow2Exp(r > 0 ? Math.min(RANGE_LIMIT, Math.max(1 / RANGE_LIMIT, r)) : 0, maxInt);

function calibrationMax(c: QuantizeOptions["calibration"], id: string): number | undefined {
  if (!c) return undefined;
  const t: SampleTensor | undefined = c instanceof Map ? c.get(id) : c[id];
  return t ? sampleMaxAbs(t.data) : undefined;
}

/** The graded inputs' values the exact plan reads: `inputValues`, else those of the calibration samples. */
function inputValuesFrom(o: QuantizeOptions): Record<string, InputValues> {
  const values: Record<string, InputValues> = Object.create(null); // keyed by node ids
  const c = o.calibration;
  for (const [id, t] of c instanceof Map ? [...c] : Object.entries(c ?? {})) {
    const v = inputValuesOf(t.data);
    if (v) values[id] = v;
  }
  return Object.assign(values, o.inputValues);
}

function inputRangeOf(o: QuantizeOptions, id: string): number {
  const observed = o.ranges?.[id] ?? calibrationMax(o.calibration, id);
  if (observed !== undefined && observed > 0) return observed;
  const r = typeof o.inputRange === "number" ? o.inputRange : (o.inputRange?.[id] ?? 1);
  if (!(r > 0) || !Number.isFinite(r)) {
    throw new SpikegridError("USAGE", `inputRange for input "${id}" must be a positive number, got ${r}`);
  }
  return r;
}

/**
 * Scale choice, with S = stateBits, P = payloadBits and pow2Exp(R, M) = the smallest k with round(R/2^k) ≤ M:
 * - graded input i: range R_i = max |calibration sample| (else `inputRange`), LSB exponent pow2Exp(R_i, 2^(P−1)−1);
 * - population port: λ = 2^k, k = pow2Exp(R_port, 2^(S−1)−1), R from `populationRange` (thresholds, resets
 *   and biases co-scale with it, as in sinabs' discretize and Lava's `vth << 6`);
 * - graded payload: LSB exponent pow2Exp(R_out, 2^(P−1)−1), moved to the nearest value the model's shift
 *   can express (li: λ·2^outShift; product: λ_a·λ_b·2^shift; dynamic matmul: u_a·u_b·2^shift).
 * Ranges are computed twice in layer-sync order so recurrent graded sources see the first pass's range. A
 * graded identity accumulator that reads itself back (LMU/S4D state) instead gets the worst-case bound of its
 * impulse response (`loopRange`): two rounds of the all-inputs-active bound underestimate such a loop.
 */
export function planScales(ir: NmirModule, ctx: PassContext = quantContext()): NmirModule {
  if (ir.stage !== "lowered") {
    throw new SpikegridError("USAGE", `module "${ir.name}" is already at stage "${ir.stage}"`, {
      hint: "quantization passes take the lowered module",
    });
  }
  const options = quantOptions(ctx);
  const o = resolveQuantOptions(options);
  const widths = profileWidthsNote(options, o);
  if (widths) diagnose(ctx, "planScales", "note", widths);
  const phased = phaseGroups(ir);
  if (options.exact !== false && !phased) {
    const exact = exactOutcome(ir, options);
    if (exact.exact) return exactModule(ir, o, exact, ctx);
    // representable values that miss the widths are worth a line; non-dyadic weights are the common case
    if (exact.width) diagnose(ctx, "planScales", "note", `not integer-exact: ${exact.reason}`);
  }
  // Calibration runs give observed payload ranges; explicit `ranges` win over both.
  const observed: Record<string, number> = {
    ...(options.calibration ? observeRanges(ir, options.calibration) : {}),
    ...options.ranges,
  };
  const sMax = signedMax(o.stateBits);
  const pMax = signedMax(o.payloadBits);
  const pops = new Map(ir.populations.map((p) => [p.id, p]));
  const dms = new Map(ir.dynamicMatmuls.map((d) => [d.id, d]));
  const into = new Map<string, Projection[]>();
  for (const p of ir.projections) into.set(p.dst, [...(into.get(p.dst) ?? []), p]);
  const rowSums = sharedAbsRowSums(ir.projections);

  // Real payload range of every graded source; spikes read as 1.
  const outRange = new Map<string, number>();
  const spike = new Set<string>();
  for (const i of ir.inputs) {
    if (i.event.kind === "graded") outRange.set(i.id, inputRangeOf(options, i.id));
    else spike.add(i.id);
  }
  for (const p of ir.populations) if (p.output.kind === "spike") spike.add(p.id);
  const srcRange = (id: string) => (spike.has(id) ? 1 : (outRange.get(id) ?? 0));

  const order = layerSyncOrder(ir);
  const popRange = new Map<string, PopulationRange>();
  const loops = new Map<string, LoopRange>();
  const loopCache = new Map<string, { key: string; loop: LoopRange | undefined }>();
  const rangeOf = (id: string): void => {
    const d = dms.get(id);
    if (d) {
      outRange.set(id, observed[id] ?? (d.k * srcRange(d.a) * srcRange(d.b)) / 2 ** d.shift);
      return;
    }
    const pop = pops.get(id)!;
    const bound: Record<string, Float64Array> = Object.create(null); // keyed by node ids, which may be "__proto__"
    const n = pop.shape.reduce((a, b) => a * b, 1);
    for (const p of into.get(id) ?? []) {
      bound[p.port] ??= new Float64Array(n);
      const b = bound[p.port]!;
      const sums = rowSums.get(p.id)!;
      const r = srcRange(p.src);
      for (let j = 0; j < n; j++) b[j]! += sums[j]! * r;
    }
    // A graded accumulator reading itself back gets its impulse-response bound (quant-loop-range.ts).
    // It depends only on the ranges of its other sources: computed again only when those changed.
    const key = (into.get(id) ?? []).map((p) => (p.src === id ? "" : srcRange(p.src))).join(",");
    const cached = loopCache.get(id);
    const loop =
      observed[id] !== undefined
        ? undefined
        : cached?.key === key
          ? cached.loop
          : loopRange(ir, pop, srcRange, o.horizon);
    if (observed[id] === undefined) loopCache.set(id, { key, loop });
    if (loop) loops.set(id, loop);
    const range = loop?.range ?? populationRange(pop, bound, o, observed[id]);
    popRange.set(id, range);
    if (range.out !== undefined) outRange.set(id, range.out);
  };
  // Phase by phase (one group when the module has no sequence buffers): a buffer input replays its output's
  // source, so it takes that source's range, known once the earlier phase is planned.
  for (const group of phased?.groups ?? [{ order, replays: [] }]) {
    for (const b of group.replays) if (!spike.has(b.input)) outRange.set(b.input, srcRange(b.src));
    for (let pass = 0; pass < 2; pass++) for (const id of group.order) rangeOf(id);
  }

  for (const [id, l] of loops) {
    if (!l.range) {
      const msg = `recurrent accumulator: its exact bound costs more than ${LOOP_RANGE_WORK} synapse visits; the range is the generic estimate and may be too small (saturations are counted): pass calibration data`;
      diagnose(ctx, "planScales", "warning", msg, id);
      continue;
    }
    const how = l.decayed
      ? "its impulse response (worst case over inputs within their ranges)"
      : `${o.horizon} steps of its impulse response: the loop does not decay (ρ ≥ 1), treated as a leak-free integrator`;
    diagnose(ctx, "planScales", "note", `recurrent accumulator: range ${l.range.out} from ${how}`, id);
  }
  const plan: QuantPlan = {
    version: 1,
    weightBits: o.weightBits,
    stateBits: o.stateBits,
    payloadBits: o.payloadBits,
    decay: o.decay,
    granularity: o.perChannel ? "perChannel" : "perProjection",
    ...(o.clipSigma === undefined ? {} : { clipSigma: o.clipSigma }),
    lsb: Object.create(null), // these three are keyed by node ids, which may be "__proto__"
    out: Object.create(null),
    range: Object.create(null),
  };
  for (const i of ir.inputs) {
    if (i.event.kind !== "graded") continue;
    const r = outRange.get(i.id)!;
    plan.out[i.id] = lsbExp(r, pMax);
    plan.range[i.id] = r;
  }
  for (const id of order) {
    const d = dms.get(id);
    if (d) plan.out[id] = matmulOutExp(d, outRange.get(id)!, plan, pMax);
    else planPopulation(pops.get(id)!, popRange.get(id)!, plan, sMax, pMax);
  }
  if (phased) for (const b of phased.replays) copyReplayExp(b, plan);
  fitAccumulators(ir, plan, (d) => outRange.get(d.id)!, pMax, ctx);
  // fitAccumulators may coarsen a source after its replay: the replay then takes the coarser LSB (a
  // right shift with rounding when replayed, never a clip)
  if (phased) for (const b of phased.replays) copyReplayExp(b, plan, true);
  // Untrained weights with guessed ranges give activity that means nothing: recorded, and said at compile time.
  const calibrated = options.calibration !== undefined || Object.keys(options.ranges ?? {}).length > 0;
  const ranges = calibrated ? "calibrated" : "static";
  const uncalibrated = uncalibratedWarning(moduleWeights(ir), ranges);
  if (uncalibrated) diagnose(ctx, "planScales", "warning", uncalibrated);
  const planned = withPlan(ir, plan);
  return { ...planned, metadata: { ...planned.metadata, [RANGES_KEY]: ranges } };
}

interface Replay {
  /** The buffer input and the source its output stores. */
  input: string;
  src: string;
}

/** Elements of a phased module by phase (layer-sync order, free sources in every phase) and its replays. */
function phaseGroups(
  ir: NmirModule,
): { groups: { order: string[]; replays: Replay[] }[]; replays: Replay[] } | undefined {
  if (!sequenceBuffers(ir).length) return undefined;
  const plan = phasePlan(ir);
  const order = layerSyncOrder(ir);
  const srcOf = new Map(ir.outputs.map((o) => [o.id, o.src]));
  const replays = plan.buffers.map((b) => ({ input: b.input, src: srcOf.get(b.output)! }));
  const groups = Array.from({ length: plan.phases }, (_, k) => ({
    order: order.filter((id) => {
      const p = plan.phaseOf.get(id);
      return p === k || p === -1;
    }),
    replays: plan.buffers
      .filter((b) => plan.phaseOf.get(b.input) === k)
      .map((b) => ({ input: b.input, src: srcOf.get(b.output)! })),
  }));
  return { groups, replays };
}

/**
 * A buffer input's payload LSB: its source's, so the replay is an exact copy (bufferSequence); `coarserOnly`:
 * only when that is coarser than the input's own (an LSB fitAccumulators coarsened stays).
 */
function copyReplayExp(b: Replay, plan: QuantPlan, coarserOnly = false): void {
  const src = plan.out[b.src];
  const own = plan.out[b.input];
  if (src === undefined || own === undefined) return; // spikes replay as spikes
  plan.out[b.input] = coarserOnly ? Math.max(own, src) : src;
}

/**
 * Whether (and how) `ir` compiles integer-exactly with `options` (exact-plan.ts). A width neither given nor
 * declared by the profile is only a default, so the network's exact values may widen it.
 */
export function exactOutcome(ir: NmirModule, options: QuantizeOptions): ExactOutcome {
  const o = resolveQuantOptions(options);
  const profile = profileOf(options.profile);
  const free = {
    weightBits: options.weightBits === undefined && profile === undefined,
    stateBits: options.stateBits === undefined && profile?.core.stateBits === undefined,
    payloadBits: options.payloadBits === undefined && profile?.core.capabilities.payloadBits === undefined,
  };
  return exactPlan(ir, o, inputValuesFrom(options), free);
}

/** The module with an integer-exact plan (exact-plan.ts), and a note saying so. */
function exactModule(
  ir: NmirModule,
  o: ReturnType<typeof resolveQuantOptions>,
  e: Extract<ExactOutcome, { exact: true }>,
  ctx: PassContext,
): NmirModule {
  const plan: QuantPlan = {
    version: 1,
    ...e.widths,
    decay: o.decay,
    granularity: o.perChannel ? "perChannel" : "perProjection",
    lsb: Object.create(null), // keyed by node ids, which may be "__proto__"
    out: Object.create(null),
    range: Object.create(null),
    exact: true,
  };
  for (const [id, k] of e.lsb) {
    plan.lsb[id] = Object.assign(Object.create(null), { in: k });
    plan.range[id] = e.bound.get(id)!;
  }
  for (const [id, k] of e.out) {
    plan.out[id] = k;
    plan.range[id] = e.range.get(id)!;
  }
  const ks = [...e.lsb.values()];
  const lsbText = ks.length
    ? Math.min(...ks) === Math.max(...ks)
      ? `2^${ks[0]}`
      : `2^${Math.min(...ks)}..2^${Math.max(...ks)}`
    : "none";
  const coarse = e.leaky.filter((id) => e.lsb.get(id)! > -LEAK_FRACTION_BITS);
  const w = e.widths;
  const widened = (k: keyof typeof w) =>
    w[k] !== o[k] ? ` (the default ${o[k]} widened: no width was given)` : "";
  const widths = `${w.weightBits}-bit weights${widened("weightBits")}, ${w.stateBits}-bit state${widened("stateBits")}${e.out.size ? `, ${w.payloadBits}-bit payloads${widened("payloadBits")}` : ""}`;
  diagnose(
    ctx,
    "planScales",
    "note",
    `integer-exact: every weight, threshold, bias, reset and decay is representable at ${widths} — no rounding, no clipping; potential LSBs ${lsbText} from the network's values and one step's bound${e.leaky.length ? ` (a leak truncates at 2^-${LEAK_FRACTION_BITS}, as Loihi and SANA-FE do${coarse.length ? `, except ${coarse.join(", ")}, whose bound needs a coarser LSB` : ""})` : ""}; a saturation at run time is an error`,
  );
  const planned = withPlan(ir, plan);
  return { ...planned, metadata: { ...planned.metadata, [RANGES_KEY]: "exact" } };
}

/**
 * Coarsens graded payload LSBs until every projection whose int32 accumulator can saturate has a weight exponent
 * of at least accumulatorExpFloor: with a payload as wide as a 32-bit state, the finest LSB makes the accumulator
 * (Σ payload · weight) saturate long before the state would. Payload bits below that floor carry nothing the destination can keep, so
 * dropping them costs no precision the state holds. Sources go in dependency order so a dynamic matmul sees
 * its operands' final LSBs.
 */
function fitAccumulators(
  ir: NmirModule,
  plan: QuantPlan,
  matmulRange: (d: DynamicMatmul) => number,
  pMax: number,
  ctx: PassContext,
) {
  const from = new Map<string, Projection[]>();
  for (const p of ir.projections) from.set(p.src, [...(from.get(p.src) ?? []), p]);
  const pops = new Map(ir.populations.map((p) => [p.id, p]));
  const dms = new Map(ir.dynamicMatmuls.map((d) => [d.id, d]));
  const coarsened: string[] = [];
  let most = 0;
  for (const id of [...ir.inputs.map((i) => i.id), ...layerSyncOrder(ir)]) {
    const d = dms.get(id);
    if (d) plan.out[id] = matmulOutExp(d, matmulRange(d), plan, pMax);
    const out = plan.out[id];
    if (out === undefined) continue; // a spike source: weights alone set its exponents
    let deficit = 0;
    for (const p of from.get(id) ?? []) deficit = Math.max(deficit, accumulatorDeficit(p, plan));
    if (deficit <= 0) continue;
    const want = out + deficit;
    const pop = pops.get(id);
    plan.out[id] = d
      ? shiftedExp(plan.out[d.a] ?? 0, plan.out[d.b] ?? 0, d.shift, want)
      : payloadExp(pop, plan, want);
    coarsened.push(id);
    most = Math.max(most, plan.out[id]! - out);
  }
  if (coarsened.length > 0) {
    const who =
      coarsened.length <= 3
        ? coarsened.join(", ")
        : `${coarsened.slice(0, 3).join(", ")} and ${coarsened.length - 3} more`;
    diagnose(
      ctx,
      "planScales",
      "note",
      `payload LSB of ${who} coarsened by up to ${most} bit(s): at ${plan.stateBits}-bit state the int32 accumulators of their projections would saturate before the state`,
    );
  }
}

/** The payload LSB a population can express nearest `want` (li/cubaLi and product move it by a shift). */
function payloadExp(pop: Population | undefined, plan: QuantPlan, want: number): number {
  const m = pop?.model;
  if (m?.kind === "li" || m?.kind === "cubaLi")
    return shiftedExp(plan.lsb[pop!.id]!.in!, 0, m.outShift, want);
  if (m?.kind === "product") return shiftedExp(plan.lsb[pop!.id]!.a!, plan.lsb[pop!.id]!.b!, m.shift, want);
  return want; // an input or a linear population: any LSB
}

/** LSB of `v >> shift'` for v at LSB 2^(a+b), with shift' = want − (a+b) + shift kept in 0..62. */
function shiftedExp(a: number, b: number, shift: number, want: number): number {
  return a + b + clampShift(want - a - b + shift) - shift;
}

function planPopulation(pop: Population, r: PopulationRange, plan: QuantPlan, sMax: number, pMax: number) {
  const lsb: Record<string, number> = Object.create(null); // keyed by port names from the file
  for (const [port, range] of Object.entries(r.ports)) lsb[port] = lsbExp(range, sMax);
  plan.lsb[pop.id] = lsb;
  plan.range[pop.id] = Math.max(...Object.values(r.ports));
  if (r.out === undefined) return;
  const want = lsbExp(r.out, pMax);
  const m = pop.model;
  if (m.kind === "li" || m.kind === "cubaLi") {
    // payload = v >> outShift: LSB λ·2^(outShift − outShift_lowered), outShift in 0..62.
    const k = lsb.in!;
    plan.out[pop.id] = k + clampShift(want - k + m.outShift) - m.outShift;
  } else if (m.kind === "product") {
    const ab = lsb.a! + lsb.b!;
    plan.out[pop.id] = ab + clampShift(want - ab + m.shift) - m.shift;
  } else {
    // linear: outMul/outShift are free, so the payload LSB is exactly the one wanted.
    plan.out[pop.id] = want;
  }
}

function matmulOutExp(d: DynamicMatmul, range: number, plan: QuantPlan, pMax: number): number {
  const ab = (plan.out[d.a] ?? 0) + (plan.out[d.b] ?? 0);
  const want = lsbExp(range, pMax);
  return ab + clampShift(want - ab + d.shift) - d.shift;
}
