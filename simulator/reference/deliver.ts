// Event delivery through a projection's connectivity: each source event walks its fan-out (dense columns of a
// transposed copy, CSR rows, conv kernel windows from per-axis tap tables, one-to-one) into an accumulator.

import { assertNever } from "../../common/errors.js";
import type { Connectivity, RowwiseConn } from "../../compiler/nmir/connectivity.js";
import type { Frame } from "./schedule.js";

/** A connectivity prepared for event-driven delivery. */
export interface Fan {
  readonly inSize: number;
  readonly outSize: number;
  /** An upper bound of Σ_i |w(i→j)| over every destination j: with max |x| it bounds any accumulator. */
  readonly maxInL1: number;
  /** acc[j] += w·x for every (event, synapse with w ≠ 0) pair, in float64; returns the number of pairs. */
  deliver(f: Frame, acc: Float64Array): number;
  /** Visits every synapse of source neuron i, zero weights included. */
  forEach(i: number, visit: (j: number, w: number) => void): void;
}

/** The exact path: the same pairs as `deliver`, accumulated in BigInt (for sums that may pass 2^53). */
export function deliverBig(fan: Fan, f: Frame, acc: bigint[]): number {
  let ops = 0;
  for (let e = 0; e < f.count; e++) {
    const i = f.idx[e]!;
    const x = BigInt(f.values[i]!);
    fan.forEach(i, (j, w) => {
      if (w !== 0) {
        acc[j]! += BigInt(w) * x;
        ops++;
      }
    });
  }
  return ops;
}

/**
 * For one conv axis: the (tap, output position) pairs that read each input position p, as CSR over p
 * (o·stride − pad + tap·dil = p; taps on padding never appear).
 */
export interface AxisTable {
  start: Int32Array;
  tap: Int32Array;
  out: Int32Array;
}

/** One conv axis: per input position, the (tap, output position) pairs reading it, by output then tap. */
export function axisTable(
  inLen: number,
  outLen: number,
  k: number,
  stride: number,
  pad: number,
  dil: number,
): AxisTable {
  const start = new Int32Array(inLen + 1);
  for (let o = 0; o < outLen; o++)
    for (let t = 0; t < k; t++) {
      const p = o * stride - pad + t * dil;
      if (p >= 0 && p < inLen) start[p + 1]!++;
    }
  for (let p = 0; p < inLen; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, inLen);
  const tap = new Int32Array(start[inLen]!);
  const out = new Int32Array(start[inLen]!);
  for (let o = 0; o < outLen; o++)
    for (let t = 0; t < k; t++) {
      const p = o * stride - pad + t * dil;
      if (p >= 0 && p < inLen) {
        tap[fill[p]!] = t;
        out[fill[p]!++] = o;
      }
    }
  return { start, tap, out };
}

/**
 * A conv1d / conv2d as [C, H, W] (conv1d: H = 1) with its per-axis tables: what every walk of its synapses
 * (the reference's fan, the chip's accumulate and its table build) reads.
 */
export function convAxes(c: Connectivity & { kind: "conv1d" | "conv2d" }) {
  const two = c.kind === "conv2d";
  const [cin, h, wd] = two ? c.inShape : [c.inShape[0], 1, c.inShape[1]];
  const [cout, ho, wo] = two ? c.outShape : [c.outShape[0], 1, c.outShape[1]];
  const [, cinG, kh, kw] = two ? c.kernel : [c.kernel[0], c.kernel[1], 1, c.kernel[2]];
  const rows = two
    ? axisTable(h, ho, kh, c.stride[0], c.padding[0], c.dilation[0])
    : axisTable(1, 1, 1, 1, 0, 1);
  const cols = two
    ? axisTable(wd, wo, kw, c.stride[1], c.padding[1], c.dilation[1])
    : axisTable(wd, wo, kw, c.stride, c.padding, c.dilation);
  const { groups } = c;
  return {
    ...{ rows, cols, cin, wd, cout, wo, cinG, kw, groups },
    plane: h * wd,
    outPlane: ho * wo,
    taps: kh * kw,
    coutG: cout / groups,
  };
}

/** An array for a rearranged copy of W in W's own element type (the same numbers, no wider). */
function copyOf(W: ArrayLike<number>, n: number): Int32Array | Float32Array | Float64Array {
  return W instanceof Int32Array
    ? new Int32Array(n)
    : W instanceof Float32Array
      ? new Float32Array(n)
      : new Float64Array(n);
}

/** max over groups of rows of Σ|w| (rows of `rowLen` consecutive weights). */
function maxRowL1(w: ArrayLike<number>, rowLen: number): number {
  let best = 0;
  for (let r = 0; r + rowLen <= w.length; r += rowLen) {
    let s = 0;
    for (let i = r; i < r + rowLen; i++) s += Math.abs(w[i]!);
    if (s > best) best = s;
  }
  return best;
}

export function createFan(c: Connectivity): Fan {
  // read in place (an int32 or float32 element is the same number as a double): a model's weights are held once
  const W: ArrayLike<number> =
    c.weights instanceof Int32Array || c.weights instanceof Float32Array
      ? c.weights
      : Float64Array.from(c.weights);
  switch (c.kind) {
    case "dense": {
      const { inSize, outSize } = c;
      const wt = copyOf(W, inSize * outSize);
      for (let j = 0; j < outSize; j++)
        for (let i = 0; i < inSize; i++) wt[i * outSize + j] = W[j * inSize + i]!;
      return {
        inSize,
        outSize,
        maxInL1: maxRowL1(W, inSize),
        deliver(f, acc) {
          let ops = 0;
          for (let e = 0; e < f.count; e++) {
            const i = f.idx[e]!;
            const x = f.values[i]!;
            const base = i * outSize;
            for (let j = 0; j < outSize; j++) {
              const w = wt[base + j]!;
              if (w !== 0) {
                acc[j]! += w * x;
                ops++;
              }
            }
          }
          return ops;
        },
        forEach(i, visit) {
          for (let j = 0; j < outSize; j++) visit(j, wt[i * outSize + j]!);
        },
      };
    }
    case "sparse": {
      const { inSize, outSize, rowPtr, colIdx } = c;
      const l1 = new Float64Array(outSize);
      for (let r = 0; r < colIdx.length; r++) l1[colIdx[r]!]! += Math.abs(W[r]!);
      return {
        inSize,
        outSize,
        maxInL1: l1.reduce((a, b) => Math.max(a, b), 0),
        deliver(f, acc) {
          let ops = 0;
          for (let e = 0; e < f.count; e++) {
            const i = f.idx[e]!;
            const x = f.values[i]!;
            for (let r = rowPtr[i]!, end = rowPtr[i + 1]!; r < end; r++) {
              const w = W[r]!;
              if (w !== 0) {
                acc[colIdx[r]!]! += w * x;
                ops++;
              }
            }
          }
          return ops;
        },
        forEach(i, visit) {
          for (let r = rowPtr[i]!; r < rowPtr[i + 1]!; r++) visit(colIdx[r]!, W[r]!);
        },
      };
    }
    case "conv1d":
    case "conv2d":
      return convFan(c, W);
    case "oneToOne": {
      const { size } = c;
      const shared = W.length === 1;
      return {
        inSize: size,
        outSize: size,
        maxInL1: maxRowL1(W, 1),
        deliver(f, acc) {
          let ops = 0;
          for (let e = 0; e < f.count; e++) {
            const i = f.idx[e]!;
            const w = W[shared ? 0 : i]!;
            if (w !== 0) {
              acc[i]! += w * f.values[i]!;
              ops++;
            }
          }
          return ops;
        },
        forEach(i, visit) {
          visit(i, W[shared ? 0 : i]!);
        },
      };
    }
    case "rowwise":
      return rowwiseFan(c, W);
    default:
      return assertNever(c, "connectivity");
  }
}

/**
 * Input neuron i of a conv (channel-major: i = ci·plane + y·wd + x) as out = [its channel within its group, its
 * group, its row y, its column x].
 */
export function convSource(i: number, plane: number, wd: number, cinG: number, out: Int32Array): void {
  const ci = Math.floor(i / plane);
  const y = Math.floor((i - ci * plane) / wd);
  const g = Math.floor(ci / cinG);
  out[0] = ci - g * cinG;
  out[1] = g;
  out[2] = y;
  out[3] = i - ci * plane - y * wd;
}

/** conv1d is conv2d with H = 1, so one implementation serves both. */
function convFan(c: Connectivity & { kind: "conv1d" | "conv2d" }, W: ArrayLike<number>): Fan {
  const { rows, cols, cin, wd, cout, wo, cinG, kw, plane, outPlane, taps, coutG } = convAxes(c);

  const at = new Int32Array(4);
  /** Calls body(outIndex, w) for every synapse of source neuron i. */
  const walk = (i: number, body: (j: number, w: number) => void) => {
    convSource(i, plane, wd, cinG, at);
    const [cil, g, y, x] = [at[0]!, at[1]!, at[2]!, at[3]!];
    for (let co = g * coutG; co < (g + 1) * coutG; co++) {
      const wBase = (co * cinG + cil) * taps;
      const oBase = co * outPlane;
      for (let r = rows.start[y]!; r < rows.start[y + 1]!; r++) {
        const wRow = wBase + rows.tap[r]! * kw;
        const oRow = oBase + rows.out[r]! * wo;
        for (let s = cols.start[x]!; s < cols.start[x + 1]!; s++)
          body(oRow + cols.out[s]!, W[wRow + cols.tap[s]!]!);
      }
    }
  };

  return {
    inSize: cin * plane,
    outSize: cout * outPlane,
    maxInL1: maxRowL1(W, cinG * taps),
    deliver(f, acc) {
      let ops = 0;
      for (let e = 0; e < f.count; e++) {
        const i = f.idx[e]!;
        const xv = f.values[i]!;
        convSource(i, plane, wd, cinG, at);
        const [cil, g, y, x] = [at[0]!, at[1]!, at[2]!, at[3]!];
        const r0 = rows.start[y]!;
        const r1 = rows.start[y + 1]!;
        const s0 = cols.start[x]!;
        const s1 = cols.start[x + 1]!;
        for (let co = g * coutG; co < (g + 1) * coutG; co++) {
          const wBase = (co * cinG + cil) * taps;
          const oBase = co * outPlane;
          for (let r = r0; r < r1; r++) {
            const wRow = wBase + rows.tap[r]! * kw;
            const oRow = oBase + rows.out[r]! * wo;
            for (let s = s0; s < s1; s++) {
              const w = W[wRow + cols.tap[s]!]!;
              if (w !== 0) {
                acc[oRow + cols.out[s]!]! += w * xv;
                ops++;
              }
            }
          }
        }
      }
      return ops;
    },
    forEach: walk,
  };
}

/** A shared [out, in] matrix per row: source (r, i) reaches (r, o) for every o with weight W[o][i]. */
function rowwiseFan(c: RowwiseConn, W: ArrayLike<number>): Fan {
  const [nOut, nIn] = c.kernel;
  const { rows, srcTransposed, dstTransposed } = c;
  // column i of W, contiguous per source feature
  const wt = copyOf(W, nIn * nOut);
  for (let o = 0; o < nOut; o++) for (let i = 0; i < nIn; i++) wt[i * nOut + o] = W[o * nIn + i]!;
  // destination of (r, o) = base(r) + o·step
  const step = dstTransposed ? rows : 1;
  const base = (r: number) => (dstTransposed ? r : r * nOut);
  const split = (s: number): [number, number] =>
    srcTransposed ? [s % rows, Math.floor(s / rows)] : [Math.floor(s / nIn), s % nIn];
  return {
    inSize: rows * nIn,
    outSize: rows * nOut,
    maxInL1: maxRowL1(W, nIn),
    deliver(f, acc) {
      let ops = 0;
      for (let e = 0; e < f.count; e++) {
        const s = f.idx[e]!;
        const x = f.values[s]!;
        const [r, i] = split(s);
        const b = base(r);
        for (let o = 0, k = i * nOut; o < nOut; o++, k++) {
          const w = wt[k]!;
          if (w !== 0) {
            acc[b + o * step]! += w * x;
            ops++;
          }
        }
      }
      return ops;
    },
    forEach(s, visit) {
      const [r, i] = split(s);
      const b = base(r);
      for (let o = 0; o < nOut; o++) visit(b + o * step, wt[i * nOut + o]!);
    },
  };
}
