// NetGraph nodes beyond NIR that the seed models need: LMU memory, diagonal SSMs, fixed-basis transforms,
// graded activations, gates and spiking self-attention. Each doc comment is the node's float semantics.

import type { NdArray } from "./ndarray.js";

/**
 * Legendre Memory Unit memory (Voelker et al. 2019): for each of the U input channels an `order`-dim state
 * m_t = Ā m_{t−1} + B̄ u_t, where (Ā, B̄) discretise θ·ṁ = A m + B u (A_ij = (2i+1)·(−1 if i<j else (−1)^(i−j+1)),
 * B_i = (2i+1)(−1)^i, both ÷θ) by zero-order hold with step `dtSteps` timesteps. Input [U], output [U·order]
 * (channel-major: m[u·order + i]).
 */
export interface LmuMemoryNode {
  kind: "LmuMemory";
  order: number;
  theta: number;
  dtSteps: number;
}

/**
 * Diagonal state-space layer (S4D): H channels, each with `N/2` complex modes λ_n = λre + i·λim, continuous
 * x' = λx + B u, y = 2·Re(Σ_n C_n x_n) + D u, discretised per channel with step Δ = exp(logStep) by `zoh`
 * (λ̄ = e^{λΔ}, B̄ = (λ̄ − 1)/λ·B) or `bilinear` (λ̄ = (1 + λΔ/2)/(1 − λΔ/2), B̄ = Δ/(1 − λΔ/2)·B).
 * Arrays: cRe, cIm are [H, N/2]; d and logStep are [H]; lambdaRe, lambdaIm, bRe, bIm are [S, N/2] with S dividing
 * H (S4's `n_ssm`): channel h uses row h mod S (the official `repeat('t n -> (v t) n')`). Input and output [H].
 * `bidirectional` (S4's two-sided kernel) adds, with its own C (cBackRe/cBackIm, [H, N/2]), the time-reversed
 * term Σ_{m>t} 2·Re(C_back B̄ λ̄^{m−t−1}) u_m: y_t depends on every later input (non-causal; not streamable).
 */
export interface DiagonalSsmNode {
  kind: "DiagonalSsm";
  lambdaRe: NdArray;
  lambdaIm: NdArray;
  bRe: NdArray;
  bIm: NdArray;
  cRe: NdArray;
  cIm: NdArray;
  d: NdArray;
  logStep: NdArray;
  discretization: "zoh" | "bilinear";
  bidirectional: boolean;
  /** The reversed-time kernel's C (S4 `kernel.C[1]`); present exactly when `bidirectional`. */
  cBackRe?: NdArray;
  cBackIm?: NdArray;
}

/** Fixed (unlearned) linear bases applied along one axis of the input; the output keeps the input shape. */
export type FixedBasis = "dft-real" | "dft-imag" | "haar";

/**
 * y = M·x along `axis`, M fixed: `dft-real`/`dft-imag` are Re/Im of the N-point DFT matrix e^{−2πi jk/N};
 * `haar` is the orthonormal Haar wavelet transform with `levels` levels (N divisible by 2^levels), coefficients in
 * pywt.wavedec order [a_L, d_L, …, d_1] with a = (x_2k + x_2k+1)/√2, d = (x_2k − x_2k+1)/√2.
 * `normalize: "ortho"` scales the DFT by 1/√N (the Haar matrix is always orthonormal).
 */
export interface FixedTransformNode {
  kind: "FixedTransform";
  basis: FixedBasis;
  axis: number;
  levels: number;
  normalize: "none" | "ortho";
}

export type ActivationFn = "relu" | "clamp" | "gelu" | "sigmoid" | "tanh" | "identity" | "table";

/**
 * A piecewise-linear function of one real (what a chip's function neuron evaluates, NMIR `function`):
 * breakpoints xs (K ≥ 2, strictly increasing), values ys at them, slopes (K + 1): slopes[0] left of xs[0],
 * slopes[k] on [xs[k−1], xs[k]), slopes[K] right of xs[K−1]; `fn` names what it approximates.
 */
export interface PwlTable {
  fn: string;
  xs: readonly number[];
  ys: readonly number[];
  slopes: readonly number[];
}

/**
 * Graded elementwise activation; `clamp` uses [min, max]; `gelu` is the exact erf form; `table` is the
 * piecewise-linear `table` (the compiler's approximation of a smooth function).
 */
export interface ActivationNode {
  kind: "Activation";
  fn: ActivationFn;
  min?: number;
  max?: number;
  table?: PwlTable;
}

/** Elementwise product of ports `a` and `b` (gates, GLU); equal shapes. */
export interface ProductNode {
  kind: "Product";
}

/**
 * Dynamic matmul (spiking self-attention): Y = scale · A·B (or A·Bᵀ) of this step's inputs a [m,k] and
 * b [k,n] (or [n,k] when transposeB), both produced by the network; output [m,n].
 */
export interface DynamicMatmulNode {
  kind: "DynamicMatmul";
  transposeB: boolean;
  scale: number;
}

export type ExtraNode =
  | LmuMemoryNode
  | DiagonalSsmNode
  | FixedTransformNode
  | ActivationNode
  | ProductNode
  | DynamicMatmulNode;

export function createLmuMemory(order: number, theta: number, dtSteps = 1): LmuMemoryNode {
  return { kind: "LmuMemory", order, theta, dtSteps };
}
export function createDiagonalSsm(
  p: Omit<DiagonalSsmNode, "kind" | "discretization" | "bidirectional"> &
    Partial<Pick<DiagonalSsmNode, "discretization" | "bidirectional">>,
): DiagonalSsmNode {
  return { kind: "DiagonalSsm", discretization: "bilinear", bidirectional: false, ...p };
}
export function createFixedTransform(
  basis: FixedBasis,
  axis: number,
  opts: { levels?: number; normalize?: "none" | "ortho" } = {},
): FixedTransformNode {
  return {
    kind: "FixedTransform",
    basis,
    axis,
    levels: opts.levels ?? 1,
    normalize: opts.normalize ?? "none",
  };
}
export function createActivation(
  fn: ActivationFn,
  range: { min?: number; max?: number } = {},
): ActivationNode {
  return { kind: "Activation", fn, ...range };
}
export function createTableActivation(table: PwlTable): ActivationNode {
  return { kind: "Activation", fn: "table", table };
}

/** The value of a piecewise-linear table at x (real arithmetic; NMIR's function neuron at stage lowered). */
export function pwlValue(t: PwlTable, x: number): number {
  let lo = 0;
  let hi = t.xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  const at = lo === 0 ? 0 : lo - 1;
  return t.ys[at]! + (x - t.xs[at]!) * t.slopes[lo]!;
}
export function createProduct(): ProductNode {
  return { kind: "Product" };
}
export function createDynamicMatmul(transposeB = false, scale = 1): DynamicMatmulNode {
  return { kind: "DynamicMatmul", transposeB, scale };
}
