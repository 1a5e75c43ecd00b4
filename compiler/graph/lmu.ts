// The Legendre Memory Unit's matrices: continuous (A, B) of Voelker et al. 2019 discretised by zero-order hold,
// and its impulse response (the causal-convolution form LMUFormer trains with). Pure functions of a node's
// settings, shared by the compiler (lowering) and the float reference (its kernel).

import { expm, matmul, solve } from "./linalg.js";

export interface LmuMatrices {
  /** Continuous A [order, order] and B [order] with 1/θ folded in (keras-lmu / LMUFormer convention). */
  A: Float64Array;
  B: Float64Array;
  /** ZOH: Ā = expm(A·Δ) [order, order], B̄ = A⁻¹(Ā − I)B [order]; Δ = dtSteps. */
  Abar: Float64Array;
  Bbar: Float64Array;
}

/**
 * A_ij = (2i+1)/θ·(−1 if i < j else (−1)^(i−j+1)), B_i = (2i+1)/θ·(−1)^i, then ZOH with step `dtSteps`
 * (scipy.signal.cont2discrete(…, method="zoh")). All matrices row-major.
 */
export function lmuMatrices(order: number, theta: number, dtSteps = 1): LmuMatrices {
  const key = `${order}/${theta}/${dtSteps}`;
  let m = cache.get(key);
  if (!m) {
    m = computeLmuMatrices(order, theta, dtSteps);
    cache.set(key, m);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  // copies: callers own (and may modify) what they get
  return { A: m.A.slice(), B: m.B.slice(), Abar: m.Abar.slice(), Bbar: m.Bbar.slice() };
}

/** expm of a d = 512 matrix takes seconds; runners, the compiler and the zoo ask for the same few LMUs. */
const cache = new Map<string, LmuMatrices>();
const CACHE_SIZE = 8;

function computeLmuMatrices(order: number, theta: number, dtSteps: number): LmuMatrices {
  const d = order;
  const A = new Float64Array(d * d);
  const B = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const r = (2 * i + 1) / theta;
    for (let j = 0; j < d; j++) A[i * d + j] = r * (i < j ? -1 : (i - j + 1) % 2 === 0 ? 1 : -1);
    B[i] = r * (i % 2 === 0 ? 1 : -1);
  }
  const Abar = expm(
    A.map((v) => v * dtSteps),
    d,
  );
  // B̄ = A⁻¹(Ā − I)B, by solving A·B̄ = (Ā − I)B rather than forming A⁻¹.
  const rhs = matmul(Abar, B, d, d, 1);
  for (let i = 0; i < d; i++) rhs[i]! -= B[i]!;
  const Bbar = solve(A, rhs, d, 1);
  return { A, B, Abar, Bbar };
}

/** H [order, steps] row-major with H[:, t] = Ā^t B̄: m_t = Σ_k H[:, k]·u_{t−k} equals the recurrent memory. */
export function lmuImpulseResponse(order: number, theta: number, steps: number, dtSteps = 1): Float64Array {
  const { Abar, Bbar } = lmuMatrices(order, theta, dtSteps);
  const h = new Float64Array(order * steps);
  let col: Float64Array = Float64Array.from(Bbar);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < order; i++) h[i * steps + t] = col[i]!;
    col = matmul(Abar, col, order, order, 1);
  }
  return h;
}
