// One projection at run time: reads its source `lag` steps back, accumulates exactly (float64 when the bound
// max|x|·Σ|w| < 2^53 proves it exact, BigInt otherwise), saturates to int32, scales by 2^exp, adds to the port.

import { destinationChannel, synapseCount } from "../../compiler/nmir/connectivity.js";
import type { Projection } from "../../compiler/nmir/types.js";
import { EXACT, INT32 } from "./arith.js";
import { type ProjectionCounts, zeroProjectionCounts } from "./counts.js";
import { createFan, deliverBig, type Fan } from "./deliver.js";
import { SatCounter } from "./models.js";
import type { SourceHistory } from "./schedule.js";

export interface ProjectionRun {
  readonly p: Projection;
  readonly fan: Fan;
  /** Steps back the projection reads (the schedule's lag). */
  readonly lag: number;
  readonly src: SourceHistory;
  readonly tally: ProjectionCounts;
  /** Adds this step's contributions (`Projection` doc) into the destination port's `in`. */
  deliver(t: number, into: Float64Array): void;
}

/** 2^exp of each destination neuron's exponent (perProjection, or its output channel's). */
export function scaleFactors(p: Projection, outSize: number): Float64Array {
  const mul = new Float64Array(outSize);
  if (p.scale.kind === "perProjection") return mul.fill(2 ** p.scale.exp);
  for (let j = 0; j < outSize; j++) mul[j] = 2 ** p.scale.exps[destinationChannel(p.connectivity, j)]!;
  return mul;
}

export function createProjectionRun(
  p: Projection,
  src: SourceHistory,
  srcEvent: "spike" | "graded",
  lag: number,
  quantized: boolean,
): ProjectionRun {
  const fan = createFan(p.connectivity);
  const { outSize } = fan;
  const mul = scaleFactors(p, outSize);
  const dense = synapseCount(p.connectivity);
  const acc = new Float64Array(outSize);
  const c = new SatCounter();
  const [lo, hi] = INT32;
  const tally: ProjectionCounts = zeroProjectionCounts(p, srcEvent);

  /** The exact path: BigInt sums, saturated to int32 into acc (counted). */
  const deliverExact = (f: Parameters<Fan["deliver"]>[0]) => {
    const big: bigint[] = new Array(outSize).fill(0n);
    const ops = deliverBig(fan, f, big);
    for (let j = 0; j < outSize; j++) {
      const a = big[j]!;
      acc[j] =
        a > BigInt(hi) ? c.sat(Infinity, lo, hi) : a < BigInt(lo) ? c.sat(-Infinity, lo, hi) : Number(a);
    }
    return ops;
  };

  return {
    p,
    fan,
    lag,
    src,
    tally,
    deliver(t, into) {
      tally.dense += dense;
      const f = src.at(t - lag);
      if (!f || f.count === 0) return;
      tally.events += f.count;
      const ops = !quantized || f.maxAbs * fan.maxInL1 < EXACT ? fan.deliver(f, acc) : deliverExact(f);
      if (srcEvent === "spike") tally.ac += ops;
      else tally.mac += ops;
      if (quantized) {
        for (let j = 0; j < outSize; j++) {
          const a = acc[j]!;
          if (a === 0) continue;
          acc[j] = 0;
          into[j]! += c.sat(Math.trunc(c.sat(a, lo, hi) * mul[j]!), lo, hi);
        }
        c.drainInto(tally);
      } else {
        for (let j = 0; j < outSize; j++) {
          into[j]! += acc[j]! * mul[j]!;
          acc[j] = 0;
        }
      }
    },
  };
}
