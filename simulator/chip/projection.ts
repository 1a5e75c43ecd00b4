// The chip datapath's projection run: the reference's `ProjectionRun` (same counts, same saturation, same BigInt
// fallback when max|x|·Σ|w| may pass 2^53) with the faster conv and dense accumulates of accumulate.ts — in
// float64, or in int32 by SIMD kernels for a frame whose every partial sum is bounded below 2^31 (`intFrame`),
// the same numbers either way.

import { synapseCount } from "../../compiler/nmir/connectivity.js";
import type { Projection } from "../../compiler/nmir/types.js";
import { EXACT, INT32 } from "../reference/arith.js";
import { type ProjectionCounts, zeroProjectionCounts } from "../reference/counts.js";
import { createFan, deliverBig, type Fan } from "../reference/deliver.js";
import { SatCounter } from "../reference/models.js";
import { type ProjectionRun, scaleFactors } from "../reference/projection.js";
import type { Frame, SourceHistory } from "../reference/schedule.js";
import { type Accumulate, AccumulateCache, FanAccumulate } from "./accumulate.js";
import { intFrame, type SimdArena } from "./simd-arena.js";

/**
 * `createProjectionRun` of the reference, with the accumulates of accumulate.ts for conv and dense. Kept apart rather than
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
  /** The arena whose int32 accumulator `deliverInt` fills (the weights are there). */
  private readonly arena: SimdArena | undefined;
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
    this.arena = this.fast.int ? accumulates.arena : undefined;
    this.arena?.wantScratch(outSize);
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
    const { tally, quantized } = this;
    tally.dense += this.dense;
    const f = this.src.at(t - this.lag);
    if (!f || f.count === 0) return;
    tally.events += f.count;
    const int =
      this.arena && intFrame(f.idx, f.count, f.values, f.maxAbs, this.fan.maxInL1)
        ? this.arena.scratch()
        : undefined;
    const ops = int
      ? this.fast.deliverInt(f, int.ptr)
      : !quantized || f.maxAbs * this.fan.maxInL1 < EXACT
        ? this.fast.deliver(f, this.acc)
        : this.deliverExact(f);
    if (this.spikes) tally.ac += ops;
    else tally.mac += ops;
    this.drain(int ? int.acc : this.acc, into);
  }

  /**
   * into[j] += acc[its place] scaled (quantized: saturated, truncated, saturated as the reference does), and
   * every entry read set back to 0. Destination order (j ascending): `into` and `mul` are read in sequence.
   * `acc` is the float64 accumulator or the arena's int32 one: the same numbers, exact in both.
   */
  private drain(acc: Float64Array | Int32Array, into: Float64Array): void {
    const { tally, mul, mulOne, c, quantized, outSize, cout, outPlane } = this;
    const [lo, hi] = INT32;
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
