// Range estimates for planScales: a bound on each population port's input per step, and from it the real
// range each population's state (v, u, accumulator) and graded payload must cover. All in lowered units.

import { assertNever } from "../../common/errors.js";
import { tableValue } from "../../simulator/reference/function-kernel.js";
import type { Connectivity, NeuronModel, Param, Population, Projection } from "../nmir/index.js";
import { connOutSize, destinationChannel } from "../nmir/index.js";
import { convAbsRowSums } from "./conv-row-sums.js";

/**
 * absRowSums of every projection by id, computed once per weight array and connectivity structure: the readers of
 * a shared array (a residual stream's terms through one conv) share one result, which callers only read.
 */
export function sharedAbsRowSums(projections: readonly Projection[]): Map<string, Float64Array> {
  const arrayIds = new Map<object, number>();
  const idOf = (a: object) => {
    let id = arrayIds.get(a);
    if (id === undefined) {
      id = arrayIds.size;
      arrayIds.set(a, id);
    }
    return id;
  };
  // everything but the weights, index arrays (sparse CSR) by identity
  const structure = (c: Connectivity) =>
    JSON.stringify(c, (k, v) => (k === "weights" ? undefined : ArrayBuffer.isView(v) ? `#${idOf(v)}` : v));
  const done = new Map<string, Float64Array>();
  const out = new Map<string, Float64Array>();
  for (const p of projections) {
    const key = `${idOf(p.connectivity.weights)}:${structure(p.connectivity)}`;
    let sums = done.get(key);
    if (sums === undefined) {
      sums = absRowSums(p.connectivity);
      done.set(key, sums);
    }
    out.set(p.id, sums);
  }
  return out;
}

/**
 * Σ_i |w_ji| per destination neuron j (over its synapses: a conv tap over padding is none): the input j
 * receives when every source neuron emits one unit. It is the all-sources-active bound (pessimistic for wide
 * layers; calibration ranges replace it).
 */
export function absRowSums(c: Connectivity): Float64Array {
  const out = new Float64Array(connOutSize(c));
  const w = c.weights;
  switch (c.kind) {
    case "dense":
      for (let j = 0; j < c.outSize; j++) {
        let s = 0;
        for (let i = 0, o = j * c.inSize; i < c.inSize; i++) s += Math.abs(w[o + i]!);
        out[j] = s;
      }
      return out;
    case "sparse":
      for (let r = 0; r < c.colIdx.length; r++) out[c.colIdx[r]!]! += Math.abs(w[r]!);
      return out;
    case "conv1d":
    case "conv2d":
      // a tap over padding reads 0: only the taps inside the source count
      return convAbsRowSums(c);
    case "oneToOne":
      for (let i = 0; i < c.size; i++) out[i] = Math.abs(w[w.length === 1 ? 0 : i]!);
      return out;
    case "rowwise": {
      // every row sees the same row o of W: sum each row of W once, not once per token
      const [nOut, nIn] = c.kernel;
      const perO = new Float64Array(nOut);
      for (let o = 0; o < nOut; o++) {
        let s = 0;
        for (let i = o * nIn; i < (o + 1) * nIn; i++) s += Math.abs(w[i]!);
        perO[o] = s;
      }
      for (let j = 0; j < out.length; j++) out[j] = perO[destinationChannel(c, j)]!;
      return out;
    }
    default:
      return assertNever(c, "connectivity");
  }
}

export const maxAbs = (xs: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]!));
  return m;
};

const at = (p: Param, j: number) => Math.abs(p[p.length === 1 ? 0 : j]!);

export interface RangeOptions {
  headroom: number;
  horizon: number;
}

/** Real ranges one population must cover: per input port (its `in`, and v/u for "in"), and its payload. */
export interface PopulationRange {
  ports: Record<string, number>;
  /** Max |payload| in real units, for graded populations. */
  out?: number;
}

/** Steady-state gain of `x ← x − x·d/2^bits + in` (1 / retained fraction), capped at `horizon` steps. */
function gain(d: number, bits: number, horizon: number): number {
  return d > 0 ? Math.min(2 ** bits / d, horizon) : horizon;
}

/** Per-neuron maximum of f(j). */
function maxOver(n: number, f: (j: number) => number): number {
  let m = 0;
  for (let j = 0; j < n; j++) m = Math.max(m, f(j));
  return m;
}

/**
 * Ranges of `pop` given `bound[port][j]` (max |in| of neuron j per step) and an optional observed range
 * (v for spiking kinds, the payload for graded ones). Rules:
 * - spiking (lif, cubaLif, if): v must hold threshold, reset, vMin and bias; above that, `headroom` thresholds
 *   leave room for one step of input above threshold and for inhibition below (saturation is counted, and
 *   a neuron above threshold fires whatever its exact v). u shares v's LSB because v adds u unscaled.
 * - li, cubaLi: steady state of the bound under the leak, (bound + |bias|) · 2^decayBits/dv per stage.
 * - linear: accumulator bound + |bias|; payload = that · |outMul| / 2^outShift, capped by a clamp activation.
 * - product: each port's bound; payload = product of the two / 2^shift.
 * - function: in as linear; payload = the table's largest |value| over the input range.
 * - threshold: the larger of headroom·|vth|, |bias| and the input bound (its `in` is compared, not stored).
 */
export function populationRange(
  pop: Population,
  bound: Record<string, Float64Array>,
  o: RangeOptions,
  observed: number | undefined,
): PopulationRange {
  const m: NeuronModel = pop.model;
  const n = pop.shape.reduce((a, b) => a * b, 1);
  const b = (port: string) => bound[port] ?? new Float64Array(n);
  const inB = b("in");
  switch (m.kind) {
    case "lif":
    case "cubaLif":
    case "if": {
      const params = Math.max(maxAbs(m.vth), maxAbs(m.vReset), maxAbs(m.vMin ?? []), maxAbs(m.bias));
      let r =
        observed !== undefined ? Math.max(params, observed) : Math.max(o.headroom * maxAbs(m.vth), params);
      if (!(r > 0)) r = maxAbs(inB) || 1;
      return { ports: { in: r } };
    }
    case "li":
    case "cubaLi": {
      const scale = 2 ** m.outShift;
      let r: number;
      if (observed !== undefined) r = observed * scale;
      else if (m.kind === "li") {
        r = maxOver(n, (j) => (inB[j]! + at(m.bias, j)) * gain(at(m.dv, j), m.decayBits, o.horizon));
      } else {
        r = maxOver(n, (j) => {
          const u = inB[j]! * gain(at(m.du, j), m.decayBits, o.horizon);
          return Math.max(u, (u + at(m.bias, j)) * gain(at(m.dv, j), m.decayBits, o.horizon));
        });
      }
      return { ports: { in: r }, out: r / scale };
    }
    case "linear": {
      const acc = maxOver(n, (j) => inB[j]! + at(m.bias, j));
      let out = maxOver(n, (j) => ((inB[j]! + at(m.bias, j)) * at(m.outMul, j)) / 2 ** m.outShift);
      if (m.activation.kind === "clamp")
        out = Math.min(out, Math.max(Math.abs(m.activation.lo), Math.abs(m.activation.hi)));
      return { ports: { in: acc }, out: observed ?? out };
    }
    case "product": {
      const ra = maxAbs(b("a"));
      const rb = maxAbs(b("b"));
      return { ports: { a: ra, b: rb }, out: observed ?? (ra * rb) / 2 ** m.shift };
    }
    case "threshold":
      return { ports: { in: Math.max(o.headroom * maxAbs(m.vth), maxAbs(m.bias), maxAbs(inB)) } };
    case "function": {
      // the table's largest |value| over [−r, r]: a piecewise-linear curve peaks at an end or a breakpoint
      const r = maxOver(n, (j) => inB[j]! + at(m.bias, j));
      const xs = Float64Array.from(m.xs);
      const ys = Float64Array.from(m.ys);
      const slopes = Float64Array.from(m.slopes);
      const f = (x: number) => Math.abs(tableValue(xs, ys, slopes, m.slopeShift, x, false));
      let out = Math.max(f(-r), f(r));
      for (const x of xs) if (x > -r && x < r) out = Math.max(out, f(x));
      return { ports: { in: r }, out: observed ?? out };
    }
    default:
      return assertNever(m, "neuron model");
  }
}

/** Max |value| of sample tensors (calibration data), ignoring non-finite entries. */
export function sampleMaxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.abs(data[i]!);
    if (Number.isFinite(v) && v > m) m = v;
  }
  return m;
}
