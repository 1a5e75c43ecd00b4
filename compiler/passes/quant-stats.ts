// What quantizing cost, measured by the passes while they still hold the real values and kept in the
// module's metadata (`quant.stats.*`), so a quantized .nmir alone can report it: per projection SQNR,
// clipping, zeroed weights and bits used; per population the parameters that did not fit.

import type { NmirModule } from "../nmir/index.js";

export interface WeightStats {
  /** 10·log10(Σw² / Σ(w − ŵ)²), ŵ dequantized; Infinity when every weight is exact. */
  sqnrDb: number;
  /** Weights whose rounded mantissa did not fit weightBits and was clamped. */
  clipped: number;
  /** Nonzero weights that became 0. */
  zeroed: number;
  /** Bits the mantissas use: signed width minus the trailing zero bits all share (Lava's num_weight_bits). */
  effectiveBits: number;
  /** Max |w| in lowered units. */
  maxAbs: number;
}

export const WEIGHT_STATS_KEY = "quant.stats.weights";
export const PARAM_STATS_KEY = "quant.stats.params";

/** 10·log10(signal / noise) in dB; Infinity when the noise is 0 (exact). */
export function sqnrDb(signal: number, noise: number): number {
  return noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
}

/** Signed width needed by every value, minus the trailing zero bits they all share (0 when all are 0). */
export function effectiveBits(q: ArrayLike<number>): number {
  let width = 0;
  let tz = 32;
  for (let i = 0; i < q.length; i++) {
    const v = q[i]!;
    if (v === 0) continue;
    width = Math.max(width, v > 0 ? 33 - Math.clz32(v) : 33 - Math.clz32(-v - 1));
    tz = Math.min(tz, 31 - Math.clz32(v & -v));
  }
  return width === 0 ? 0 : width - tz;
}

/**
 * Statistics of one projection: `w` real weights, `q` mantissas, `expOf(i)` the exponent of weight i,
 * `toReal` the power of two taking integer units back to lowered units (λ_dst / u_src), `clipped` as counted.
 */
export function weightStats(
  w: ArrayLike<number>,
  q: Int32Array,
  expOf: (i: number) => number,
  toReal: number,
  clipped: number,
): WeightStats {
  let signal = 0;
  let noise = 0;
  let zeroed = 0;
  let maxAbs = 0;
  // 2^e only when the exponent changes: neighbouring weights mostly share their group's
  let lastExp = Number.NaN;
  let scale = 1;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    const e = expOf(i);
    if (e !== lastExp) {
      lastExp = e;
      scale = 2 ** e;
    }
    const hat = q[i]! * scale * toReal;
    signal += x * x;
    noise += (x - hat) ** 2;
    if (x !== 0 && q[i] === 0) zeroed++;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  return { sqnrDb: sqnrDb(signal, noise), clipped, zeroed, effectiveBits: effectiveBits(q), maxAbs };
}

/** JSON cannot hold Infinity: exact SQNR is stored (and written in reports) as the string "inf". */
export type JsonDb = number | "inf";
export const dbToJson = (db: number): JsonDb => (db === Number.POSITIVE_INFINITY ? "inf" : db);
export const dbFromJson = (db: JsonDb): number => (db === "inf" ? Number.POSITIVE_INFINITY : db);

export function withWeightStats(ir: NmirModule, stats: Record<string, WeightStats>): NmirModule {
  const json = Object.fromEntries(
    Object.entries(stats).map(([id, s]) => [id, { ...s, sqnrDb: dbToJson(s.sqnrDb) }]),
  );
  return { ...ir, metadata: { ...ir.metadata, [WEIGHT_STATS_KEY]: JSON.stringify(json) } };
}

export function readWeightStats(ir: NmirModule): Record<string, WeightStats> {
  const text = ir.metadata[WEIGHT_STATS_KEY];
  if (text === undefined) return {};
  const raw = JSON.parse(text) as Record<string, Omit<WeightStats, "sqnrDb"> & { sqnrDb: JsonDb }>;
  return Object.fromEntries(
    Object.entries(raw).map(([id, s]) => [id, { ...s, sqnrDb: dbFromJson(s.sqnrDb) }]),
  );
}

export function withParamStats(ir: NmirModule, clipped: Record<string, number>): NmirModule {
  return { ...ir, metadata: { ...ir.metadata, [PARAM_STATS_KEY]: JSON.stringify(clipped) } };
}

export function readParamStats(ir: NmirModule): Record<string, number> {
  const text = ir.metadata[PARAM_STATS_KEY];
  return text === undefined ? {} : (JSON.parse(text) as Record<string, number>);
}

/**
 * The weight stats of `out` with entries for the projections a pass added to `before`: each id in `copies`
 * (added id → the id it copies) inherits that projection's stats (the same matrix, rounded once); any other
 * added projection is integer wiring built exact, so nothing was rounded, clipped or zeroed (SQNR ∞).
 */
export function withAddedStats(
  out: NmirModule,
  before: NmirModule,
  copies: ReadonlyMap<string, string> = new Map(),
): NmirModule {
  if (before.metadata[WEIGHT_STATS_KEY] === undefined) return out;
  const stats = readWeightStats(before);
  const had = new Set(before.projections.map((p) => p.id));
  for (const p of out.projections) {
    if (had.has(p.id)) continue;
    const copied = copies.get(p.id);
    if (copied !== undefined && stats[copied] !== undefined) {
      stats[p.id] = { ...stats[copied] };
      continue;
    }
    const w = p.connectivity.weights;
    let max = 0;
    for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
    const exp = p.scale.kind === "perProjection" ? p.scale.exp : Math.max(...p.scale.exps);
    stats[p.id] = {
      sqnrDb: Number.POSITIVE_INFINITY,
      clipped: 0,
      zeroed: 0,
      effectiveBits: effectiveBits(w),
      maxAbs: max * 2 ** exp,
    };
  }
  return withWeightStats(out, stats);
}
