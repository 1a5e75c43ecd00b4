// The chip datapath's projection run: the reference's `ProjectionRun` (same counts, same saturation, same BigInt
// fallback when max|x|·Σ|w| may pass 2^53) with a faster float64 accumulate for conv and dense connectivity.
//
// Why the result is bit-identical to the reference's `fan.deliver`:
// - one source event adds at most one product to any destination (a conv tap is fixed by the input and output
//   positions), so each destination's sum still runs over events in the frame's order, whatever the loop order
//   inside an event;
// - zero weights are not skipped but add w·x = ±0, which leaves a sum unchanged (a sum that starts at +0 never
//   becomes −0), as long as x is finite — events with a non-finite payload take the skipping loop;
// - the op count (pairs with w ≠ 0) comes from nonzero counts precomputed per weight row.
// Conv weights stay shared (one copy, transposed to [cin/g][tap][cout] so an event's output channels are a
// contiguous run) and the accumulator is channel-last ([out position][cout]) to match.

import { type Connectivity, synapseCount } from "../../compiler/nmir/connectivity.js";
import type { Projection } from "../../compiler/nmir/types.js";
import { EXACT, INT32 } from "../reference/arith.js";
import { type ProjectionCounts, zeroProjectionCounts } from "../reference/counts.js";
import { type AxisTable, convAxes, createFan, deliverBig, type Fan } from "../reference/deliver.js";
import { SatCounter } from "../reference/models.js";
import { type ProjectionRun, scaleFactors } from "../reference/projection.js";
import type { Frame, SourceHistory } from "../reference/schedule.js";

/**
 * acc (in the kernel's own layout) += the frame's products; returns the pairs with w ≠ 0. The kernels are
 * classes, not closures: a sweep loads a new chip per point, and methods shared through the prototype keep
 * their optimized code across loads where fresh closures would be compiled again each time.
 */
interface Accumulate {
  deliver(f: Frame, acc: Float64Array): number;
  /** Conv: the accumulator is channel-last, acc[pos·cout + co] for destination neuron co·outPlane + pos. */
  readonly channelLast?: { cout: number; outPlane: number };
}

const finite = (x: number) => x < Infinity && x > -Infinity;

/** A rearranged copy of the weights in their own element type (int32, or float32 when lowered): exact as
 * doubles, at half or less of a Float64Array's bytes. */
type WeightCopy = Int32Array | Float32Array | Float64Array;
const weightCopy = (w: ArrayLike<number>, n: number): WeightCopy =>
  w instanceof Int32Array
    ? new Int32Array(n)
    : w instanceof Float32Array
      ? new Float32Array(n)
      : new Float64Array(n);

class DenseAccumulate implements Accumulate {
  private readonly outSize: number;
  private readonly wt: WeightCopy;
  private readonly nnz: Int32Array;

  constructor(c: Connectivity & { kind: "dense" }) {
    const { inSize, outSize } = c;
    this.outSize = outSize;
    this.wt = weightCopy(c.weights, inSize * outSize);
    this.nnz = new Int32Array(inSize);
    for (let j = 0; j < outSize; j++)
      for (let i = 0; i < inSize; i++) {
        const w = c.weights[j * inSize + i]!;
        this.wt[i * outSize + j] = w;
        if (w !== 0) this.nnz[i]!++;
      }
  }

  deliver(f: Frame, acc: Float64Array): number {
    const { outSize, wt, nnz } = this;
    let ops = 0;
    for (let e = 0; e < f.count; e++) {
      const i = f.idx[e]!;
      const x = f.values[i]!;
      const base = i * outSize;
      ops += nnz[i]!;
      if (x === 1) {
        // spikes: w·x = w; unrolled by 4 (then the tail)
        let j = 0;
        for (; j + 4 <= outSize; j += 4) {
          acc[j]! += wt[base + j]!;
          acc[j + 1]! += wt[base + j + 1]!;
          acc[j + 2]! += wt[base + j + 2]!;
          acc[j + 3]! += wt[base + j + 3]!;
        }
        for (; j < outSize; j++) acc[j]! += wt[base + j]!;
      } else if (finite(x)) for (let j = 0; j < outSize; j++) acc[j]! += wt[base + j]! * x;
      else for (let j = 0; j < outSize; j++) if (wt[base + j] !== 0) acc[j]! += wt[base + j]! * x;
    }
    return ops;
  }
}

class ConvAccumulate implements Accumulate {
  readonly channelLast: { cout: number; outPlane: number };
  private readonly wt: WeightCopy;
  private readonly nnz: Int32Array;
  private readonly rows: AxisTable;
  private readonly cols: AxisTable;
  private readonly plane: number;
  private readonly wd: number;
  private readonly cinG: number;
  private readonly taps: number;
  private readonly kw: number;
  private readonly wo: number;
  private readonly cout: number;
  private readonly coutG: number;
  private readonly groups: number;

  constructor(c: Connectivity & { kind: "conv1d" | "conv2d" }) {
    const { rows, cols, wd, cout, wo, cinG, kw, groups, plane, outPlane, taps, coutG } = convAxes(c);
    [this.rows, this.cols] = [rows, cols];
    // wt[(cil·taps + tap)·cout + co] = W[co][cil][tap]; nnz[(cil·taps + tap)·groups + g]: nonzeros of g's run
    this.wt = weightCopy(c.weights, cinG * taps * cout);
    this.nnz = new Int32Array(cinG * taps * groups);
    for (let co = 0; co < cout; co++)
      for (let cil = 0; cil < cinG; cil++)
        for (let tap = 0; tap < taps; tap++) {
          const w = c.weights[(co * cinG + cil) * taps + tap]!;
          this.wt[(cil * taps + tap) * cout + co] = w;
          if (w !== 0) this.nnz[(cil * taps + tap) * groups + Math.floor(co / coutG)]!++;
        }
    this.channelLast = { cout, outPlane };
    [this.plane, this.wd, this.cinG, this.taps, this.kw] = [plane, wd, cinG, taps, kw];
    [this.wo, this.cout, this.coutG, this.groups] = [wo, cout, coutG, groups];
  }

  deliver(f: Frame, acc: Float64Array): number {
    const { wt, nnz, plane, wd, cinG, taps, kw, wo, cout, coutG, groups } = this;
    const { start: rStart, tap: rTap, out: rOut } = this.rows;
    const { start: cStart, tap: cTap, out: cOut } = this.cols;
    let ops = 0;
    for (let e = 0; e < f.count; e++) {
      const i = f.idx[e]!;
      const xv = f.values[i]!;
      const ci = Math.floor(i / plane);
      const y = Math.floor((i - ci * plane) / wd);
      const x = i - ci * plane - y * wd;
      const g = Math.floor(ci / cinG);
      const cil = ci - g * cinG;
      const g0 = g * coutG;
      const s0 = cStart[x]!;
      const s1 = cStart[x + 1]!;
      for (let r = rStart[y]!, r1 = rStart[y + 1]!; r < r1; r++) {
        const tRow = cil * taps + rTap[r]! * kw;
        const oRow = rOut[r]! * wo;
        for (let s = s0; s < s1; s++) {
          const tap = tRow + cTap[s]!;
          ops += nnz[tap * groups + g]!;
          const wb = tap * cout + g0;
          const ob = (oRow + cOut[s]!) * cout + g0;
          if (xv === 1) {
            // spikes: x = 1, so w·x = w; unrolled by 4 (then the tail)
            let k = 0;
            for (; k + 4 <= coutG; k += 4) {
              acc[ob + k]! += wt[wb + k]!;
              acc[ob + k + 1]! += wt[wb + k + 1]!;
              acc[ob + k + 2]! += wt[wb + k + 2]!;
              acc[ob + k + 3]! += wt[wb + k + 3]!;
            }
            for (; k < coutG; k++) acc[ob + k]! += wt[wb + k]!;
          } else if (finite(xv)) for (let k = 0; k < coutG; k++) acc[ob + k]! += wt[wb + k]! * xv;
          else for (let k = 0; k < coutG; k++) if (wt[wb + k] !== 0) acc[ob + k]! += wt[wb + k]! * xv;
        }
      }
    }
    return ops;
  }
}

/** Any other connectivity: the reference's fan-out loop. */
class FanAccumulate implements Accumulate {
  constructor(private readonly fan: Fan) {}
  deliver(f: Frame, acc: Float64Array): number {
    return this.fan.deliver(f, acc);
  }
}

/**
 * The conv and dense accumulates of one load, shared: projections with the same geometry and equal weights (a
 * residual stream's terms read through one per-token linear, each its own projection) read one rearranged
 * copy — the copies and nonzero counts depend on nothing else, and `deliver` keeps no state.
 */
export class AccumulateCache {
  private readonly built = new Map<string, { weights: ArrayLike<number>; fast: Accumulate }[]>();

  get(c: Connectivity & { kind: "dense" | "conv1d" | "conv2d" }): Accumulate {
    const { weights, ...geometry } = c;
    const key = JSON.stringify([weights.constructor.name, geometry]);
    const same = this.built.get(key) ?? [];
    const twin = same.find((b) => sameValues(b.weights, weights));
    if (twin) return twin.fast;
    const fast = c.kind === "dense" ? new DenseAccumulate(c) : new ConvAccumulate(c);
    this.built.set(key, [...same, { weights, fast }]);
    return fast;
  }
}

/** Equal element for element (Object.is: −0 and NaN kept apart, as a copy keeps them). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * `createProjectionRun` of the reference, with the accumulate above for conv and dense. Kept apart rather than
 * folded into the reference: the oracle stays the plain destination-order loop the property tests compare with.
 * `acc`: scratch of at least the destination's size, all zero, that this run leaves all zero (±0) after each
 * delivery — so every projection of a datapath can share one (default: its own).
 */
export function createChipProjectionRun(
  p: Projection,
  src: SourceHistory,
  srcEvent: "spike" | "graded",
  lag: number,
  quantized: boolean,
  acc?: Float64Array,
  accumulates: AccumulateCache = new AccumulateCache(),
): ProjectionRun {
  return new ChipProjectionRun(p, src, srcEvent, lag, quantized, acc, accumulates);
}

class ChipProjectionRun implements ProjectionRun {
  readonly fan: Fan;
  readonly tally: ProjectionCounts;
  private readonly fast: Accumulate;
  private readonly outSize: number;
  /** Conv: acc[pos·cout + co] holds destination co·outPlane + pos (0: acc is in destination order). */
  private readonly cout: number;
  private readonly outPlane: number;
  /** The scale factor of every destination (per projection), else per destination (per channel). */
  private readonly mulOne: number;
  private readonly mul: Float64Array | undefined;
  private readonly dense: number;
  private readonly acc: Float64Array;
  private big: bigint[] = [];
  private readonly c = new SatCounter();
  private readonly spikes: boolean;

  constructor(
    readonly p: Projection,
    readonly src: SourceHistory,
    srcEvent: "spike" | "graded",
    readonly lag: number,
    private readonly quantized: boolean,
    acc: Float64Array | undefined,
    accumulates: AccumulateCache,
  ) {
    const fan = createFan(p.connectivity);
    this.fan = fan;
    const { outSize } = fan;
    this.outSize = outSize;
    const conn = p.connectivity;
    this.fast =
      conn.kind === "dense" || conn.kind === "conv1d" || conn.kind === "conv2d"
        ? accumulates.get(conn)
        : new FanAccumulate(fan);
    this.cout = this.fast.channelLast?.cout ?? 0;
    this.outPlane = this.fast.channelLast?.outPlane ?? 0;
    this.mulOne = p.scale.kind === "perProjection" ? 2 ** p.scale.exp : 0;
    this.mul = p.scale.kind === "perProjection" ? undefined : scaleFactors(p, outSize);
    this.dense = synapseCount(p.connectivity);
    this.acc = acc ?? new Float64Array(outSize);
    this.spikes = srcEvent === "spike";
    this.tally = zeroProjectionCounts(p, srcEvent);
  }

  /** acc index of destination neuron j. */
  private accAt(j: number): number {
    if (this.cout === 0) return j;
    const co = Math.floor(j / this.outPlane);
    return (j - co * this.outPlane) * this.cout + co;
  }

  /** The exact path: BigInt sums (destination order), saturated to int32 into acc (its layout), counted. */
  private deliverExact(f: Frame): number {
    const { fan, acc, c } = this;
    const [lo, hi] = INT32;
    // rare (sums that may pass 2^53): its buffer is made the first time, not held by every projection
    if (this.big.length !== fan.outSize) this.big = new Array(fan.outSize);
    const big = this.big;
    big.fill(0n);
    const ops = deliverBig(fan, f, big);
    for (let j = 0; j < fan.outSize; j++) {
      const a = big[j]!;
      acc[this.accAt(j)] =
        a > BigInt(hi) ? c.sat(Infinity, lo, hi) : a < BigInt(lo) ? c.sat(-Infinity, lo, hi) : Number(a);
    }
    return ops;
  }

  deliver(t: number, into: Float64Array): void {
    const { tally, acc, mul, mulOne, c, quantized, outSize, cout, outPlane } = this;
    tally.dense += this.dense;
    const f = this.src.at(t - this.lag);
    if (!f || f.count === 0) return;
    tally.events += f.count;
    const ops =
      !quantized || f.maxAbs * this.fan.maxInL1 < EXACT ? this.fast.deliver(f, acc) : this.deliverExact(f);
    if (this.spikes) tally.ac += ops;
    else tally.mac += ops;
    const [lo, hi] = INT32;
    // destination order (j ascending): `into` and `mul` are read in sequence, acc at its layout's places;
    // every acc entry read is set back to 0
    if (quantized) {
      if (cout > 0)
        for (let co = 0, j = 0; co < cout; co++)
          for (let pos = 0, k = co; pos < outPlane; pos++, j++, k += cout) {
            const a = acc[k]!;
            if (a === 0) continue;
            acc[k] = 0;
            into[j]! += c.sat(Math.trunc(c.sat(a, lo, hi) * (mul ? mul[j]! : mulOne)), lo, hi);
          }
      else
        for (let j = 0; j < outSize; j++) {
          const a = acc[j]!;
          if (a === 0) continue;
          acc[j] = 0;
          into[j]! += c.sat(Math.trunc(c.sat(a, lo, hi) * (mul ? mul[j]! : mulOne)), lo, hi);
        }
      c.drainInto(tally);
    } else if (cout > 0)
      for (let co = 0, j = 0; co < cout; co++)
        for (let pos = 0, k = co; pos < outPlane; pos++, j++, k += cout) {
          into[j]! += acc[k]! * (mul ? mul[j]! : mulOne);
          acc[k] = 0;
        }
    else
      for (let j = 0; j < outSize; j++) {
        into[j]! += acc[j]! * (mul ? mul[j]! : mulOne);
        acc[j] = 0;
      }
  }
}
