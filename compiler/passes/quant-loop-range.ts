// Range of a graded accumulator that reads its own payload back (lowerLmuMemory / lowerDiagonalSsm write
// x_t = A x_{t−1} + W u_t + c as an identity `linear` population with a recurrent self-projection), for planScales.
// Iterating all-inputs-active bounds around such a loop either diverges (|A| entrywise has ρ > 1 for the LMU)
// or, stopped after a fixed number of rounds, underestimates the state; the impulse response gives the exact bound.

import { createFan, type Fan } from "../../simulator/reference/index.js";
import type { NmirModule, Population } from "../nmir/index.js";
import { shapeSize } from "../nmir/index.js";
import type { PopulationRange } from "./quant-ranges.js";

/** Synapse visits one population's bound may cost before planScales falls back to its generic estimate. */
export const LOOP_RANGE_WORK = 2 ** 27;
/**
 * A column's impulse response has decayed once its terms stay below this fraction of its running sum: far
 * below any LSB a range can be quantized to, so the truncated tail cannot move a power-of-two choice.
 */
const DECAYED = 2 ** -40;
/** Steps (× horizon) after which a loop that has not decayed is treated as a leak-free integrator. */
const CAP_HORIZONS = 64;

export type LoopRange =
  | {
      range: PopulationRange;
      /** False when the loop did not decay: summed over `horizon` steps, as for leak-free integrators. */
      decayed: boolean;
    }
  /** The bound would cost more than LOOP_RANGE_WORK: the caller keeps its generic estimate (and says so). */
  | { range?: undefined; overBudget: true };

const param = (p: ArrayLike<number>, j: number) => p[p.length === 1 ? 0 : j]!;

/**
 * The worst-case range of `pop` when it is a `linear` population with activation none that reads itself
 * through delayed projections; undefined for any other population; `overBudget` when the bound would cost
 * more than LOOP_RANGE_WORK synapse visits.
 *
 * With s = in + bias (the accumulator), payload y = g ⊙ s (g = outMul/2^outShift) and self-projections A_p of
 * delay d_p: s_t = e_t + Σ_p A_p (g ⊙ s_{t−d_p}), e_t = Σ W_q u_t + bias. So s is the causal convolution of e
 * with the impulse response h_0 = e-column, h_k = Σ_p A_p (g ⊙ h_{k−d_p}), and for |u_i| ≤ R_i
 * |s_t|_j ≤ Σ_columns R_col Σ_k |h_k|_j (each source neuron and the bias is one column), which is attained
 * when every input may take its worst sign at every step — unlike |A| entrywise, it keeps the cancellations. The sum runs until the terms have decayed; a loop that
 * has not decayed after CAP_HORIZONS·horizon steps (ρ(A) ≥ 1) is summed over `horizon` steps only.
 */
export function loopRange(
  ir: Pick<NmirModule, "projections">,
  pop: Population,
  srcRange: (id: string) => number,
  horizon: number,
): LoopRange | undefined {
  const m = pop.model;
  if (m.kind !== "linear" || m.activation.kind !== "none") return undefined;
  const into = ir.projections.filter((p) => p.dst === pop.id && p.port === "in");
  const self = into.filter((p) => p.src === pop.id);
  if (self.length === 0) return undefined;
  const n = shapeSize(pop.shape);
  const g = Float64Array.from({ length: n }, (_, j) => param(m.outMul, j) / 2 ** m.outShift);
  if (self.reduce((a, p) => a + p.connectivity.weights.length, 0) > LOOP_RANGE_WORK)
    return { overBudget: true };
  const loops = self.map((p) => bySource(createFan(p.connectivity), g, p.delay));
  const depth = Math.max(...self.map((p) => p.delay));
  const cap = Math.ceil(CAP_HORIZONS * horizon);
  let work = 0;

  const steps = Math.max(1, Math.ceil(horizon));
  // One column h_0, then the recurrence; Σ_k |h_k| until decayed (else over `horizon` steps), or undefined
  // once the work budget is spent.
  const column = (h0: Float64Array): { sum: Float64Array; decayed: boolean } | undefined => {
    const hist: Float64Array[] = [h0]; // h_k, newest last, at most depth + 1 kept
    const sum = Float64Array.from(h0, Math.abs);
    let atHorizon = steps === 1 ? Float64Array.from(sum) : undefined;
    let quiet = 0;
    for (let k = 1; k < cap; k++) {
      const h = new Float64Array(n);
      for (const loop of loops) {
        const prev = hist[hist.length - loop.delay];
        if (prev) work += propagate(loop, prev, h);
      }
      if (work > LOOP_RANGE_WORK) return undefined;
      let top = 0;
      let big = 0;
      for (let j = 0; j < n; j++) {
        const a = Math.abs(h[j]!);
        sum[j]! += a;
        if (a > top) top = a;
        if (sum[j]! > big) big = sum[j]!;
      }
      hist.push(h);
      if (hist.length > depth + 1) hist.shift();
      if (k + 1 === steps) atHorizon = Float64Array.from(sum);
      quiet = top <= DECAYED * big ? quiet + 1 : 0;
      if (quiet >= depth) return { sum, decayed: true };
    }
    return { sum: atHorizon ?? sum, decayed: false };
  };

  const acc = new Float64Array(n);
  let decayed = true;
  const addColumn = (h0: Float64Array, r: number): boolean => {
    const c = column(h0);
    if (!c) return false;
    decayed &&= c.decayed;
    for (let j = 0; j < n; j++) acc[j]! += r * c.sum[j]!;
    return true;
  };
  for (const p of into) {
    if (p.src === pop.id) continue;
    const r = srcRange(p.src);
    if (!(r > 0)) continue;
    const fan = createFan(p.connectivity);
    for (let i = 0; i < fan.inSize; i++) {
      const h0 = new Float64Array(n);
      let any = false;
      fan.forEach(i, (j, w) => {
        if (w !== 0) {
          h0[j]! += w;
          any = true;
        }
      });
      if (any && !addColumn(h0, r)) return { overBudget: true };
    }
  }
  const bias = Float64Array.from({ length: n }, (_, j) => param(m.bias, j));
  if (bias.some((b) => b !== 0) && !addColumn(bias, 1)) return { overBudget: true };

  let accMax = 0;
  let outMax = 0;
  for (let j = 0; j < n; j++) {
    accMax = Math.max(accMax, acc[j]!);
    outMax = Math.max(outMax, acc[j]! * Math.abs(g[j]!));
  }
  return { range: { ports: { in: accMax }, out: outMax }, decayed };
}

/** A self-projection as CSR by source with the payload gain folded in: row i holds (j, w_ji · g_i). */
interface SourceRows {
  start: Int32Array;
  dst: Int32Array;
  w: Float64Array;
  delay: number;
}

/** Walks the fan-out once (any connectivity kind) so the impulse iterations run over flat typed arrays. */
function bySource(fan: Fan, g: Float64Array, delay: number): SourceRows {
  const dst: number[] = [];
  const w: number[] = [];
  const start = new Int32Array(fan.inSize + 1);
  for (let i = 0; i < fan.inSize; i++) {
    fan.forEach(i, (j, x) => {
      if (x === 0) return;
      dst.push(j);
      w.push(x * g[i]!);
    });
    start[i + 1] = dst.length;
  }
  return { start, dst: Int32Array.from(dst), w: Float64Array.from(w), delay };
}

/** out += A (g ⊙ x) through one self-projection; returns the synapses visited. */
function propagate(rows: SourceRows, x: Float64Array, out: Float64Array): number {
  const { start, dst, w } = rows;
  let visits = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v === 0) continue;
    const end = start[i + 1]!;
    for (let r = start[i]!; r < end; r++) out[dst[r]!]! += w[r]! * v;
    visits += end - start[i]!;
  }
  return visits;
}
