// The conv and dense accumulates of the chip's projection run (projection.ts): acc += the frame's products, in a
// faster loop than the reference's `fan.deliver` and with the same result bit for bit:
// - one source event adds at most one product to any destination (a conv tap is fixed by the input and output
//   positions), so each destination's sum still runs over events in the frame's order, whatever the loop order
//   inside an event;
// - zero weights are not skipped but add w·x = ±0, which leaves a sum unchanged (a sum that starts at +0 never
//   becomes −0), as long as x is finite — events with a non-finite payload take the skipping loop;
// - the op count (pairs with w ≠ 0) comes from nonzero counts precomputed per weight row.
// Conv weights stay shared (one copy, transposed to [cin/g][tap][cout] so an event's output channels are a
// contiguous run) and the accumulator is channel-last ([out position][cout]) to match.
// Integer weights are copied into a WebAssembly memory at the narrowest width that holds them (simd-arena.ts),
// and a frame whose every partial sum is bounded below 2^31 is summed there in int32 by SIMD kernels
// (simd-kernels.ts): integer sums below 2^31 are exact in int32 and in float64, so the sums are the same.

import type { Connectivity } from "../../compiler/nmir/connectivity.js";
import { type AxisTable, convAxes, convSource, type Fan } from "../reference/deliver.js";
import type { Frame } from "../reference/schedule.js";
import { type IntRegion, type IntView, intWidthOf, SimdArena } from "./simd-arena.js";
import type { Kernel } from "./simd-kernels.js";

/**
 * acc (in the kernel's own layout) += the frame's products; returns the pairs with w ≠ 0. The kernels are
 * classes, not closures: a sweep loads a new chip per point, and methods shared through the prototype keep
 * their optimized code across loads where fresh closures would be compiled again each time.
 */
export interface Accumulate {
  deliver(f: Frame, acc: Float64Array): number;
  /** Whether the weights are in the arena, so that `deliverInt` may run. */
  readonly int: boolean;
  /** `deliver`'s products summed in the arena's int32 accumulator at byte address `acc` (an `intFrame`). */
  deliverInt(f: Frame, acc: number): number;
  /** Conv: the accumulator is channel-last, acc[pos·cout + co] for destination neuron co·outPlane + pos. */
  readonly channelLast?: { cout: number; outPlane: number };
}

const finite = (x: number) => x < Infinity && x > -Infinity;

/** A rearranged copy of the weights: a view of the arena (integers, int8 / int16 / int32), else a typed array
 * of their own element type (float32 when lowered) — every element the same number as a double. */
type WeightCopy = Int32Array | Float32Array | Float64Array | IntView;

/** Where a rearranged copy lives: in the arena (integer weights, when it has room), else a typed array. */
class WeightStore {
  private readonly region: IntRegion | undefined;
  private readonly copy: WeightCopy | undefined;

  constructor(
    w: ArrayLike<number>,
    n: number,
    readonly arena: SimdArena | undefined,
  ) {
    const width = arena ? intWidthOf(w) : undefined;
    this.region = width ? arena!.alloc(n, width) : undefined;
    this.copy = this.region
      ? undefined
      : w instanceof Int32Array
        ? new Int32Array(n)
        : w instanceof Float32Array
          ? new Float32Array(n)
          : new Float64Array(n);
  }

  /** The weights for the float64 loop (a fresh view when in the arena: it may have grown since). */
  values(): WeightCopy {
    return this.copy ?? this.arena!.view(this.region!);
  }

  /** In the arena: its region (then `deliverInt` may run). */
  get int(): IntRegion | undefined {
    return this.region;
  }

  /**
   * For `deliverInt` (in the arena only): the weights' byte address and width, and the kernel for an event of
   * value x — the add kernel for a spike (x = 1), else the multiply one.
   */
  kernels(): { ptr: number; width: number; forEvent: (x: number) => Kernel } {
    const { ptr, width } = this.region!;
    const { add, mul } = this.arena!.kernels;
    const [addW, mulW] = [add[width], mul[width]];
    return { ptr, width, forEvent: (x) => (x === 1 ? addW : mulW) };
  }
}

class DenseAccumulate implements Accumulate {
  private readonly outSize: number;
  private readonly store: WeightStore;
  private readonly nnz: Int32Array;

  constructor(c: Connectivity & { kind: "dense" }, arena: SimdArena | undefined) {
    const { inSize, outSize } = c;
    this.outSize = outSize;
    this.store = new WeightStore(c.weights, inSize * outSize, arena);
    const wt = this.store.values();
    this.nnz = new Int32Array(inSize);
    for (let j = 0; j < outSize; j++)
      for (let i = 0; i < inSize; i++) {
        const w = c.weights[j * inSize + i]!;
        wt[i * outSize + j] = w;
        if (w !== 0) this.nnz[i]!++;
      }
  }

  get int(): boolean {
    return this.store.int !== undefined;
  }

  deliver(f: Frame, acc: Float64Array): number {
    const { outSize, nnz } = this;
    const wt = this.store.values();
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

  deliverInt(f: Frame, acc: number): number {
    const { outSize, nnz } = this;
    const { ptr, width, forEvent } = this.store.kernels();
    let ops = 0;
    for (let e = 0; e < f.count; e++) {
      const i = f.idx[e]!;
      const x = f.values[i]!;
      ops += nnz[i]!;
      forEvent(x)(acc, ptr + i * outSize * width, outSize, x);
    }
    return ops;
  }
}

class ConvAccumulate implements Accumulate {
  readonly channelLast: { cout: number; outPlane: number };
  private readonly store: WeightStore;
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
  /** `eventRuns` output (an event's (weight, accumulator) starts, 2 per tap) and scratch. */
  private readonly runs: Int32Array;
  private eventOps = 0;
  private readonly at = new Int32Array(4);

  constructor(c: Connectivity & { kind: "conv1d" | "conv2d" }, arena: SimdArena | undefined) {
    const { rows, cols, wd, cout, wo, cinG, kw, groups, plane, outPlane, taps, coutG } = convAxes(c);
    [this.rows, this.cols] = [rows, cols];
    // wt[(cil·taps + tap)·cout + co] = W[co][cil][tap]; nnz[(cil·taps + tap)·groups + g]: nonzeros of g's run
    this.store = new WeightStore(c.weights, cinG * taps * cout, arena);
    const wt = this.store.values();
    this.nnz = new Int32Array(cinG * taps * groups);
    for (let co = 0; co < cout; co++)
      for (let cil = 0; cil < cinG; cil++)
        for (let tap = 0; tap < taps; tap++) {
          const w = c.weights[(co * cinG + cil) * taps + tap]!;
          wt[(cil * taps + tap) * cout + co] = w;
          if (w !== 0) this.nnz[(cil * taps + tap) * groups + Math.floor(co / coutG)]!++;
        }
    this.channelLast = { cout, outPlane };
    this.runs = new Int32Array(2 * taps);
    [this.plane, this.wd, this.cinG, this.taps, this.kw] = [plane, wd, cinG, taps, kw];
    [this.wo, this.cout, this.coutG, this.groups] = [wo, cout, coutG, groups];
  }

  get int(): boolean {
    return this.store.int !== undefined;
  }

  /**
   * Source neuron i's runs of output channels, one per kernel tap that lands inside the output: weights at
   * runs[2k], accumulator at runs[2k + 1] (element indices, channel-last), coutG channels each; returns the
   * number of runs, with their nonzero weights in `eventOps`. Both accumulate loops read an event's runs here.
   */
  private eventRuns(i: number): number {
    const { nnz, plane, wd, cinG, taps, kw, wo, cout, coutG, groups, at, runs } = this;
    const { start: rStart, tap: rTap, out: rOut } = this.rows;
    const { start: cStart, tap: cTap, out: cOut } = this.cols;
    convSource(i, plane, wd, cinG, at);
    const [cil, g, y, x] = [at[0]!, at[1]!, at[2]!, at[3]!];
    const g0 = g * coutG;
    const s0 = cStart[x]!;
    const s1 = cStart[x + 1]!;
    let n = 0;
    let ops = 0;
    for (let r = rStart[y]!, r1 = rStart[y + 1]!; r < r1; r++) {
      const tRow = cil * taps + rTap[r]! * kw;
      const oRow = rOut[r]! * wo;
      for (let s = s0; s < s1; s++, n++) {
        const tap = tRow + cTap[s]!;
        ops += nnz[tap * groups + g]!;
        runs[2 * n] = tap * cout + g0;
        runs[2 * n + 1] = (oRow + cOut[s]!) * cout + g0;
      }
    }
    this.eventOps = ops;
    return n;
  }

  deliver(f: Frame, acc: Float64Array): number {
    const { coutG, runs } = this;
    const wt = this.store.values();
    let ops = 0;
    for (let e = 0; e < f.count; e++) {
      const i = f.idx[e]!;
      const xv = f.values[i]!;
      const n = this.eventRuns(i);
      ops += this.eventOps;
      for (let q = 0; q < n; q++) {
        const wb = runs[2 * q]!;
        const ob = runs[2 * q + 1]!;
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
    return ops;
  }

  /** `deliver`'s loop with each run of output channels one kernel call. */
  deliverInt(f: Frame, acc: number): number {
    const { coutG, runs } = this;
    const { ptr, width, forEvent } = this.store.kernels();
    let ops = 0;
    for (let e = 0; e < f.count; e++) {
      const i = f.idx[e]!;
      const xv = f.values[i]!;
      const kernel = forEvent(xv);
      const n = this.eventRuns(i);
      ops += this.eventOps;
      for (let q = 0; q < n; q++) kernel(acc + 4 * runs[2 * q + 1]!, ptr + width * runs[2 * q]!, coutG, xv);
    }
    return ops;
  }
}

/** Any other connectivity: the reference's fan-out loop. */
export class FanAccumulate implements Accumulate {
  readonly int = false;
  constructor(private readonly fan: Fan) {}
  deliver(f: Frame, acc: Float64Array): number {
    return this.fan.deliver(f, acc);
  }
  deliverInt(): number {
    throw new Error("FanAccumulate has no integer copy: deliverInt is only called where `int`");
  }
}

/**
 * The conv and dense accumulates of one load, shared: projections with the same geometry and equal weights (a
 * residual stream's terms read through one per-token linear, each its own projection) read one rearranged
 * copy — the copies and nonzero counts depend on nothing else, and `deliver` keeps no state.
 */
export class AccumulateCache {
  private readonly built = new Map<string, { weights: ArrayLike<number>; fast: Accumulate }[]>();
  private readonly simd: boolean;
  private made: SimdArena | undefined;

  /** `simd: false` keeps every copy in a typed array and every frame in the float64 loop (tests compare). */
  constructor(opts: { simd?: boolean } = {}) {
    this.simd = opts.simd !== false;
  }

  /**
   * Integer weights and the int32 accumulator (undefined: every frame takes the float64 loop). Made with the
   * first conv or dense accumulate: a load with none (or `simd: false`) never reserves a WebAssembly memory.
   */
  get arena(): SimdArena | undefined {
    return this.made;
  }

  get(c: Connectivity & { kind: "dense" | "conv1d" | "conv2d" }): Accumulate {
    const { weights, ...geometry } = c;
    const key = JSON.stringify([weights.constructor.name, geometry]);
    const same = this.built.get(key) ?? [];
    const twin = same.find((b) => sameValues(b.weights, weights));
    if (twin) return twin.fast;
    if (this.simd && !this.made) this.made = SimdArena.create();
    const fast = c.kind === "dense" ? new DenseAccumulate(c, this.made) : new ConvAccumulate(c, this.made);
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
