// Integer-exact planning for planScales: when every weight, threshold, bias, reset and decay of a spiking module
// is exactly representable at the resolved widths, the power-of-two LSBs that quantize it with no rounding and no
// clipping, chosen from exact properties of the network (value grains and one step's bound), never from estimates.

import type { NmirModule, Param, Population, Projection } from "../nmir/index.js";
import type { ResolvedQuantOptions } from "./quant-plan.js";
import { signedMax, WEIGHT_BITS } from "./quant-plan.js";

/** The widest state the compiler plans (NMIR's vBits limit). */
const STATE_BITS_MAX = 32;

import { absRowSums, maxAbs } from "./quant-ranges.js";
import { QUANT_DECAY_BITS } from "./quantize-neurons.js";
import { accumulatorExpFloor } from "./quantize-weights.js";

/**
 * Fraction bits below the weight unit a leaking potential keeps: Loihi adds weights and thresholds shifted left by
 * 6 bits, and SANA-FE models that by truncating v to a multiple of 1/64 after each leak (models.cpp
 * `loihi_quantize`). The leak's truncation toward zero happens at the potential LSB, so the LSB is 2^-6 whenever
 * the network's values allow it (a coarser grain; a finer one is kept as it is).
 */
export const LEAK_FRACTION_BITS = 6;

/**
 * A decay written in decimal stands for k/4096 when it is within this of it: SANA-FE's DVS network writes
 * 4095/4096 as 0.99975585937 (dv = 4096·(1 − d) = 1.00000002).
 */
export const DECAY_TOLERANCE = 1e-6;

/** The exact plan's LSB exponents, or why there is none. `width`: representable values that do not fit. */
export type ExactOutcome =
  | {
      exact: true;
      /** Population id → exponent of λ of its port "in". */
      lsb: Map<string, number>;
      /** Graded input id → exponent of its payload LSB. */
      out: Map<string, number>;
      /** Population id → one step's bound (what its state must hold at its LSB). */
      bound: Map<string, number>;
      /** Graded input id → its largest |value|. */
      range: Map<string, number>;
      /** Populations whose state leaks (truncated at their LSB each step). */
      leaky: string[];
      /** The widths: the resolved ones, a free one widened to what the network's values need. */
      widths: Widths;
    }
  | { exact: false; reason: string; width: boolean };

export interface Widths {
  weightBits: number;
  stateBits: number;
  payloadBits: number;
}

/** Which widths are only the compiler's defaults (neither given nor declared by the profile). */
export type FreeWidths = Record<keyof Widths, boolean>;

/** Exponent of the lowest set bit of a nonzero finite double (x = odd · 2^e); undefined for 0 or non-finite. */
export function grainExp(x: number): number | undefined {
  if (x === 0 || !Number.isFinite(x)) return undefined;
  let e = Math.floor(Math.log2(Math.abs(x)));
  while (!Number.isInteger(x / 2 ** e)) e--; // at most 53 + 1074 steps; typically a handful
  while (Number.isInteger(x / 2 ** (e + 1))) e++; // log2 may land one above or below near powers of two
  return e;
}

/** The coarsest power of two every nonzero value is a multiple of (its exponent), or undefined when all are 0. */
export function setGrainExp(values: ArrayLike<number>): number | undefined {
  let g: number | undefined;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x === 0) continue;
    if (g !== undefined && Number.isInteger(x / 2 ** g)) continue;
    const e = grainExp(x);
    if (e === undefined) return Number.NaN; // non-finite: no grain at all
    g = g === undefined ? e : Math.min(g, e);
  }
  return g;
}

/** What the exact plan must know of a graded input's values: the largest |value| and their grain. */
export interface InputValues {
  max: number;
  /** Exponent of the coarsest power of two every value is a multiple of; absent when every value is 0. */
  grainExp?: number;
}

/** The values of samples, or undefined when one is not finite. */
export function inputValuesOf(data: ArrayLike<number>): InputValues | undefined {
  const g = setGrainExp(data);
  if (Number.isNaN(g)) return undefined;
  return { max: maxAbs(data), ...(g === undefined ? {} : { grainExp: g }) };
}

/** Whether every decay dv over 2^bits stands for an integer over 2^12 (a power of two with `shift`). */
export function exactDecay(d: Param, bits: number, mode: ResolvedQuantOptions["decay"]): boolean {
  const one = 2 ** QUANT_DECAY_BITS;
  for (const x of d) {
    const k = x * 2 ** (QUANT_DECAY_BITS - bits);
    const r = Math.round(k);
    if (!(Math.abs(k - r) <= DECAY_TOLERANCE) || r < 0 || r > one) return false;
    if (mode === "shift" && r !== 0 && !Number.isInteger(Math.log2(r))) return false;
  }
  return true;
}

const some = (p: Param | undefined) => p?.some((x) => x !== 0) === true;

/** Whether a population's state loses a fraction of itself each step (the loss truncates at the LSB). */
function leaks(pop: Population): boolean {
  const m = pop.model;
  return (m.kind === "lif" && some(m.dv)) || (m.kind === "cubaLif" && (some(m.dv) || some(m.du)));
}

interface ProjectionGrain {
  /** Exponent of the grain of w · u_src (undefined: all zero). */
  grain: number | undefined;
  /** Signed mantissa width needed at that grain. */
  bits: number;
}

function projectionGrain(p: Projection, unitExp: number): ProjectionGrain {
  const w = p.connectivity.weights;
  const g = setGrainExp(w);
  if (g === undefined) return { grain: undefined, bits: 0 };
  let pos = 0;
  let neg = 0;
  for (const x of w) {
    if (x > pos) pos = x;
    if (-x > neg) neg = -x;
  }
  // two's complement: m ≤ 2^(b−1) − 1 on the positive side, m ≤ 2^(b−1) on the negative one
  const need = (m: number, extra: number) => (m > 0 ? Math.ceil(Math.log2(m / 2 ** g + extra)) + 1 : 1);
  return { grain: g + unitExp, bits: Math.max(need(pos, 1), need(neg, 0)) };
}

/**
 * The exact plan of `ir` at the widths of `o`, given the values of its graded inputs. Exact needs:
 * spiking populations only (lif, cubaLif, if, threshold) and no dynamic matmul; every graded input known, its
 * values multiples of a power of two within the payload width; decays k/4096 (powers of two with `shift`); no
 * weight clipping. Each population port's LSB λ is the grain of its thresholds, resets, biases and incoming
 * w·u_src (for a leaking one 2^-6 when that is finer, see LEAK_FRACTION_BITS), and one step's bound —
 * max(|vth|, |vReset|, |vMin|) + Σ|w|·max|src| + |bias| — must fit the state width at λ (coarser, down to the grain,
 * when a leaking one does not fit at 2^-6). Weight mantissas must fit at their projection's grain.
 * A `free` width is only the compiler's default (neither given nor declared by the profile): weights widen to the
 * mantissas the network needs (up to 16 bits), the state is 32 bits (the most headroom: nothing may clip), payloads
 * widen to what the graded inputs' values need (up to the state width).
 */
export function exactPlan(
  ir: NmirModule,
  o: ResolvedQuantOptions,
  values: Readonly<Record<string, InputValues>>,
  free: FreeWidths = { weightBits: false, stateBits: false, payloadBits: false },
): ExactOutcome {
  const no = (reason: string, width = false): ExactOutcome => ({ exact: false, reason, width });
  if (o.clipSigma !== undefined) return no("clipSigma clips weights on purpose");
  if (ir.dynamicMatmuls.length > 0) return no(`dynamic matmul "${ir.dynamicMatmuls[0]!.id}"`);
  const stateBits = free.stateBits ? STATE_BITS_MAX : o.stateBits;
  const sMax = signedMax(stateBits);
  let payloadBits = o.payloadBits;
  let weightBits = o.weightBits;
  const out = new Map<string, number>();
  const srcMax = new Map<string, number>();
  for (const i of ir.inputs) {
    if (i.event.kind === "spike") continue;
    const v = values[i.id];
    if (!v) return no(`graded input "${i.id}": its values are unknown (no samples)`);
    const m = v.max;
    const k = v.grainExp ?? 0;
    const bits = m > 0 ? Math.ceil(Math.log2(m / 2 ** k + 1)) + 1 : 2;
    if (bits > payloadBits) {
      if (!free.payloadBits || bits > stateBits)
        return no(
          `graded input "${i.id}": its values need ${bits}-bit payloads (--payload-bits ${bits})`,
          true,
        );
      payloadBits = bits;
    }
    out.set(i.id, k);
    srcMax.set(i.id, m);
  }
  const spikeSrc = new Set(ir.populations.filter((p) => p.output.kind === "spike").map((p) => p.id));
  for (const i of ir.inputs) if (i.event.kind === "spike") spikeSrc.add(i.id);
  const into = new Map<string, Projection[]>();
  for (const p of ir.projections) into.set(p.dst, [...(into.get(p.dst) ?? []), p]);
  const lsb = new Map<string, number>();
  const bound = new Map<string, number>();
  const leaky: string[] = [];
  for (const pop of ir.populations) {
    const m = pop.model;
    if (m.kind !== "lif" && m.kind !== "cubaLif" && m.kind !== "if" && m.kind !== "threshold")
      return no(`population "${pop.id}" is ${m.kind} (graded)`);
    if (m.kind === "lif" && !exactDecay(m.dv, m.decayBits, o.decay))
      return no(`population "${pop.id}": its decay is no k/4096`);
    if (
      m.kind === "cubaLif" &&
      !(exactDecay(m.dv, m.decayBits, o.decay) && exactDecay(m.du, m.decayBits, o.decay))
    )
      return no(`population "${pop.id}": its decays are no k/4096`);
    const params = [
      m.vth,
      m.bias,
      ...(m.kind === "threshold" ? [] : [m.vReset, ...(m.vMin ? [m.vMin] : [])]),
    ];
    let grain: number | undefined;
    const take = (g: number | undefined) => {
      if (g !== undefined) grain = grain === undefined ? g : Math.min(grain, g);
    };
    for (const p of params) take(setGrainExp(p));
    const n = pop.shape.reduce((a, b) => a * b, 1);
    const input = new Float64Array(n);
    const floors: number[] = [];
    for (const p of into.get(pop.id) ?? []) {
      if (p.port !== "in") return no(`projection "${p.id}" enters port "${p.port}"`);
      if (!spikeSrc.has(p.src) && !out.has(p.src)) return no(`projection "${p.id}" reads a graded source`);
      const unit = out.get(p.src) ?? 0;
      const pg = projectionGrain(p, unit);
      if (pg.grain === undefined) continue;
      if (Number.isNaN(pg.grain)) return no(`projection "${p.id}" holds non-finite weights`);
      if (pg.bits > weightBits && free.weightBits && pg.bits <= WEIGHT_BITS.max) weightBits = pg.bits;
      if (pg.bits > weightBits)
        return no(
          pg.bits <= WEIGHT_BITS.max
            ? `projection "${p.id}": its weights need ${pg.bits}-bit mantissas (--weight-bits ${pg.bits})`
            : `projection "${p.id}": its weights need ${pg.bits}-bit mantissas, past the widest the compiler takes (${WEIGHT_BITS.max}): real-valued weights round`,
          true,
        );
      take(pg.grain);
      floors.push(pg.grain);
      const sums = absRowSums(p.connectivity);
      const r = spikeSrc.has(p.src) ? 1 : srcMax.get(p.src)!;
      for (let j = 0; j < n; j++) input[j]! += sums[j]! * r;
    }
    if (grain !== undefined && Number.isNaN(grain))
      return no(`population "${pop.id}" holds non-finite parameters`);
    const g = grain ?? 0;
    const biasMax = maxAbs(m.bias);
    const held = Math.max(...params.filter((p) => p !== m.bias).map((p) => maxAbs(p)));
    const b = held + maxAbs(input) + biasMax;
    // threshold populations compare at 32 bits (quantizeNeurons); the others hold v at the state width
    const limit = m.kind === "threshold" ? signedMax(32) : sMax;
    const leak = leaks(pop);
    let k = leak ? Math.min(g, -LEAK_FRACTION_BITS) : g;
    while (k < g && b / 2 ** k > limit) k++;
    if (b / 2 ** k > limit)
      return no(
        `population "${pop.id}": one step's bound ${b} needs more than ${m.kind === "threshold" ? 32 : stateBits} bits at its grain 2^${g}`,
        true,
      );
    // an int32 accumulator below its floor would raise the weight exponent past the grain (quantizeWeights)
    const floor = accumulatorExpFloor(stateBits);
    if (floors.some((f) => f - k < floor))
      return no(`population "${pop.id}": its weights lie below the ${stateBits}-bit accumulator floor`, true);
    if (leak) leaky.push(pop.id);
    lsb.set(pop.id, k);
    bound.set(pop.id, b);
  }
  return {
    exact: true,
    lsb,
    out,
    bound,
    range: srcMax,
    leaky,
    widths: { weightBits, stateBits, payloadBits },
  };
}
