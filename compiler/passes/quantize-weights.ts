// Pass quantizeWeights: every projection's real weights → signed weightBits mantissas with a power-of-two
// exponent per projection (Loihi's shared weight exponent) or per output channel (Rockpool channel_quantize),
// in the integer units planScales chose for the source's events and the destination port's `in`.

import { assertNever } from "../../common/errors.js";
import type { Connectivity, NmirModule, Projection, Scale, Weights } from "../nmir/index.js";
import { outChannels } from "../nmir/index.js";
import { diagnose, type PassContext } from "./pass.js";
import {
  isApplied,
  markApplied,
  portLsb,
  type QuantPlan,
  quantContext,
  readPlan,
  roundHalfAway,
  signedMax,
  sourceUnitExp,
} from "./quant-plan.js";
import { absRowSums, maxAbs } from "./quant-ranges.js";
import { type WeightStats, weightStats, withWeightStats } from "./quant-stats.js";
import { expFromExtremes, uniformExp, uniformMantissas } from "./quantize-uniform.js";

/**
 * The integer-unit target of each stored weight: t = w · u_src / λ_dst, with u_src the real value of one unit
 * of the source's events (1 for spikes) and λ_dst the LSB of the destination port. Both are powers of two,
 * so t is exact and q · 2^exp ≈ t is the whole approximation.
 */
export function weightTargets(p: Projection, plan: QuantPlan): Float64Array {
  const f = 2 ** (sourceUnitExp(plan, p.src) - portLsb(plan, p.dst, p.port));
  const w = p.connectivity.weights;
  const t = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) t[i] = w[i]! * f;
  return t;
}

/** Output channel (the unit of a perChannel scale) of each stored weight. */
export function weightChannels(c: Connectivity): Int32Array {
  const n = c.weights.length;
  switch (c.kind) {
    case "dense":
      return Int32Array.from({ length: n }, (_, i) => Math.floor(i / c.inSize));
    case "sparse":
      return Int32Array.from(c.colIdx);
    case "conv1d":
    case "conv2d": {
      const per = n / c.kernel[0];
      return Int32Array.from({ length: n }, (_, i) => Math.floor(i / per));
    }
    case "oneToOne":
      // A shared weight (length 1) belongs to every channel; channel 0 stands for all of them.
      return Int32Array.from({ length: n }, (_, i) => i);
    case "rowwise":
      // W[o][i] serves output feature o of every row
      return Int32Array.from({ length: n }, (_, i) => Math.floor(i / c.kernel[1]));
    default:
      return assertNever(c, "connectivity");
  }
}

/** |mean| + sigma·σ of the nonzero magnitudes (Rockpool's fuzzy scaling), or Infinity when sigma is unset. */
function clipLevel(mags: number[], sigma: number | undefined): number {
  if (sigma === undefined || mags.length === 0) return Number.POSITIVE_INFINITY;
  const mean = mags.reduce((a, b) => a + b, 0) / mags.length;
  const sd = Math.sqrt(mags.reduce((a, b) => a + (b - mean) ** 2, 0) / mags.length);
  return mean + sigma * sd;
}

/**
 * Per group, the smallest exponent e (in −31..31) whose mantissas round(t/2^e) fit `bits` signed: the most
 * positive target needs round(m⁺/2^e) ≤ 2^(bits−1)−1, the most negative round(m⁻/2^e) ≤ 2^(bits−1). With
 * `clipSigma`, m⁺ and m⁻ are capped at |mean| + clipSigma·σ of the group's nonzero |t|, so outliers clip.
 */
export function chooseExps(
  t: Float64Array,
  group: Int32Array,
  groups: number,
  bits: number,
  clipSigma?: number,
): Int32Array {
  const pos = new Float64Array(groups);
  const neg = new Float64Array(groups);
  const mags: number[][] = Array.from({ length: clipSigma === undefined ? 0 : groups }, () => []);
  for (let i = 0; i < t.length; i++) {
    const g = group[i]!;
    const v = t[i]!;
    if (v > pos[g]!) pos[g] = v;
    if (-v > neg[g]!) neg[g] = -v;
    if (clipSigma !== undefined && v !== 0) mags[g]!.push(Math.abs(v));
  }
  const hi = signedMax(bits);
  return Int32Array.from({ length: groups }, (_, g) => {
    const cap = clipLevel(mags[g] ?? [], clipSigma);
    return expFromExtremes(Math.min(pos[g]!, cap), Math.min(neg[g]!, cap), hi);
  });
}

/** q = round(t / 2^exp) clipped to `bits` signed, with the number of clipped weights. */
export function mantissas(
  t: Float64Array,
  group: Int32Array,
  exps: Int32Array,
  bits: number,
): { q: Int32Array; clipped: number } {
  const hi = signedMax(bits);
  let clipped = 0;
  const q = new Int32Array(t.length);
  // a plain loop: this runs over every weight of every compile (explore compiles once per grid point); the
  // power of two is recomputed only when the group changes (a group's weights are mostly adjacent)
  let lastExp = Number.NaN;
  let scale = 1;
  for (let i = 0; i < t.length; i++) {
    const e = exps[group[i]!]!;
    if (e !== lastExp) {
      lastExp = e;
      scale = 2 ** e;
    }
    const x = roundHalfAway(t[i]! / scale);
    if (x < -hi - 1 || x > hi) clipped++;
    q[i] = Math.min(hi, Math.max(-hi - 1, x));
  }
  return { q, clipped };
}

export interface ProjectionQuantization {
  projection: Projection;
  stats: WeightStats;
  /** Exponents raised to `accumulatorExpFloor` (the accumulator could otherwise saturate below the state range). */
  raisedExps: boolean;
}

/**
 * The lowest weight exponent at which a projection's int32 accumulator holds every contribution a
 * `stateBits`-wide port can take: the contribution is acc·2^exp, so reaching ±2^(stateBits−1) needs
 * |acc| up to 2^(stateBits−1−exp), which fits int32 only when exp ≥ stateBits − 32. Below it the accumulator
 * saturates while the state still has room (at 32-bit state any exp < 0 does: the sMNIST demo fell to chance).
 */
export const accumulatorExpFloor = (stateBits: number) => stateBits - 32;

interface ExpChoice {
  t: Float64Array;
  group: Int32Array;
  exps: Int32Array;
}

function chooseProjectionExps(p: Projection, plan: QuantPlan): ExpChoice {
  const t = weightTargets(p, plan);
  const perChannel = plan.granularity === "perChannel";
  const group = perChannel ? weightChannels(p.connectivity) : new Int32Array(t.length);
  const groups = perChannel ? Math.max(outChannels(p.connectivity), 1) : 1;
  let exps = chooseExps(t, group, groups, plan.weightBits, plan.clipSigma);
  if (perChannel && p.connectivity.kind === "oneToOne" && p.connectivity.weights.length === 1) {
    exps = new Int32Array(groups).fill(exps[0]!);
  }
  return { t, group, exps };
}

const minExp = (exps: Int32Array) => exps.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);

/** Largest |accumulator| the mantissas allow in one step: every source event at its largest payload. */
function worstAccumulator(p: Projection, q: Int32Array, plan: QuantPlan): number {
  const maxPayload = plan.out[p.src] === undefined ? 1 : signedMax(plan.payloadBits);
  return maxPayload * maxAbs(absRowSums({ ...p.connectivity, weights: q } as Connectivity));
}

/**
 * How far `p`'s weight exponent lies below accumulatorExpFloor when its accumulator can actually saturate (the
 * largest payload times the largest row of mantissas passes int32); 0 when it cannot. Coarsening the source's
 * payload LSB by this many bits lifts the exponent as far, with the same mantissas.
 */
export function accumulatorDeficit(p: Projection, plan: QuantPlan): number {
  const { t, group, exps } = chooseProjectionExps(p, plan);
  const short = accumulatorExpFloor(plan.stateBits) - minExp(exps);
  if (short <= 0) return 0;
  return worstAccumulator(p, mantissas(t, group, exps, plan.weightBits).q, plan) > signedMax(32) ? short : 0;
}

/**
 * The mantissas of one weight array at one source-unit / port-LSB offset, per array: projections that share a
 * lowered weight array (a residual stream's terms through one conv or linear) share the result, computed once.
 * Per-projection granularity only (per-channel groups follow each projection's connectivity).
 */
export type MantissaMemo = Map<
  Weights,
  { offset: number; exps: Int32Array; q: Int32Array; stats: WeightStats }[]
>;

/** One projection under `plan`: mantissas, their scale, and what it cost. */
export function quantizeProjection(
  p: Projection,
  plan: QuantPlan,
  memo?: MantissaMemo,
): ProjectionQuantization {
  const bits = plan.weightBits;
  const perChannel = plan.granularity === "perChannel";
  const w = p.connectivity.weights;
  const offset = sourceUnitExp(plan, p.src) - portLsb(plan, p.dst, p.port);
  const floor = accumulatorExpFloor(plan.stateBits);
  const seen = perChannel ? undefined : memo?.get(w)?.find((e) => e.offset === offset);
  // whether the exponent must rise depends on this projection's source and wiring: checked for each
  if (seen && !(minExp(seen.exps) < floor && worstAccumulator(p, seen.q, plan) > signedMax(32)))
    return withMantissas(p, plan, seen.q, Int32Array.from(seen.exps), { ...seen.stats }, false);
  const r = !perChannel && plan.clipSigma === undefined ? uniformProjection(p, plan, offset) : undefined;
  if (r) {
    if (memo && !r.raisedExps) memo.set(w, [...(memo.get(w) ?? []), { offset, ...r, stats: { ...r.stats } }]);
    return withMantissas(p, plan, r.q, Int32Array.from(r.exps), r.stats, r.raisedExps);
  }
  const { t, group, exps } = chooseProjectionExps(p, plan);
  let { q, clipped } = mantissas(t, group, exps, bits);
  // planScales coarsens graded payloads so this never binds for them; for spike sources (or a payload shift at
  // its limit) coarser weights are the only way to keep the accumulator from saturating before the state does.
  let raisedExps = false;
  if (minExp(exps) < floor && worstAccumulator(p, q, plan) > signedMax(32)) {
    for (let g = 0; g < exps.length; g++) exps[g] = Math.max(exps[g]!, floor);
    ({ q, clipped } = mantissas(t, group, exps, bits));
    raisedExps = true;
  }
  const toReal = 2 ** (portLsb(plan, p.dst, p.port) - sourceUnitExp(plan, p.src));
  const stats = weightStats(w, q, (i) => exps[group[i]!]!, toReal, clipped);
  if (memo && !perChannel && !raisedExps)
    memo.set(w, [...(memo.get(w) ?? []), { offset, exps: Int32Array.from(exps), q, stats: { ...stats } }]);
  return withMantissas(p, plan, q, exps, stats, raisedExps);
}

/** One exponent for the whole projection, without clipping: quantize-uniform.ts, the same values. */
function uniformProjection(p: Projection, plan: QuantPlan, offset: number) {
  const w = p.connectivity.weights;
  const f = 2 ** offset;
  const bits = plan.weightBits;
  let exp = uniformExp(w, f, bits);
  let { q, clipped } = uniformMantissas(w, f, exp, bits);
  const floor = accumulatorExpFloor(plan.stateBits);
  let raisedExps = false;
  if (exp < floor && worstAccumulator(p, q, plan) > signedMax(32)) {
    exp = floor;
    ({ q, clipped } = uniformMantissas(w, f, exp, bits));
    raisedExps = true;
  }
  const toReal = 2 ** (portLsb(plan, p.dst, p.port) - sourceUnitExp(plan, p.src));
  const stats = weightStats(w, q, () => exp, toReal, clipped);
  return { exps: Int32Array.of(exp), q, stats, raisedExps };
}

function withMantissas(
  p: Projection,
  plan: QuantPlan,
  q: Int32Array,
  exps: Int32Array,
  stats: WeightStats,
  raisedExps: boolean,
): ProjectionQuantization {
  const scale: Scale =
    plan.granularity === "perChannel"
      ? { kind: "perChannel", exps }
      : { kind: "perProjection", exp: exps[0]! };
  const connectivity = { ...p.connectivity, weights: q } as Connectivity;
  return { projection: { ...p, connectivity, weightBits: plan.weightBits, scale }, stats, raisedExps };
}

const fmtDb = (db: number) => (db === Number.POSITIVE_INFINITY ? "exact" : `${db.toFixed(1)} dB`);

/**
 * Quantizes every projection with the plan of planScales (once: a second call is a no-op). Per-projection
 * SQNR, clipping and bits used go to `quant.stats.weights`; clipping is warned about, the worst SQNR noted.
 */
export function quantizeWeights(ir: NmirModule, ctx: PassContext = quantContext()): NmirModule {
  if (isApplied(ir, "weights")) return ir;
  const plan = readPlan(ir);
  const stats: Record<string, WeightStats> = Object.create(null); // keyed by node ids, which may be "__proto__"
  const memo: MantissaMemo = new Map();
  const projections = ir.projections.map((p) => {
    const r = quantizeProjection(p, plan, memo);
    stats[p.id] = r.stats;
    if (r.raisedExps) {
      diagnose(
        ctx,
        "quantizeWeights",
        "warning",
        `weight exponent raised to ${accumulatorExpFloor(plan.stateBits)} so its int32 accumulator cannot saturate before the ${plan.stateBits}-bit state does (SQNR ${fmtDb(r.stats.sqnrDb)})`,
        `projection "${p.id}"`,
      );
    }
    if (
      plan.exact &&
      (r.stats.clipped > 0 || (r.stats.maxAbs > 0 && r.stats.sqnrDb !== Number.POSITIVE_INFINITY))
    ) {
      // exact-plan.ts checked every width this depends on: reaching here is a fault of the plan, said plainly
      diagnose(
        ctx,
        "quantizeWeights",
        "warning",
        `the integer-exact plan did not hold: weights rounded or clipped (SQNR ${fmtDb(r.stats.sqnrDb)})`,
        `projection "${p.id}"`,
      );
    }
    if (r.stats.clipped > 0) {
      const n = p.connectivity.weights.length;
      diagnose(
        ctx,
        "quantizeWeights",
        "warning",
        `${r.stats.clipped} of ${n} weights clipped to ${plan.weightBits} bits (SQNR ${fmtDb(r.stats.sqnrDb)})`,
        `projection "${p.id}"`,
      );
    }
    return r.projection;
  });
  // all-zero matrices are trivially exact: they carry no signal, so they have no SQNR to report
  const worst = Object.entries(stats)
    .filter(([, s]) => s.maxAbs > 0)
    .sort((a, b) => a[1].sqnrDb - b[1].sqnrDb)[0];
  if (projections.length > 0) {
    diagnose(
      ctx,
      "quantizeWeights",
      "note",
      `${projections.length} projections at ${plan.weightBits} bits (${plan.granularity}); ${worst ? `worst SQNR ${fmtDb(worst[1].sqnrDb)} (${worst[0]})` : "every weight is zero: no SQNR"}`,
    );
  }
  return markApplied(withWeightStats({ ...ir, projections }, stats), "weights");
}
