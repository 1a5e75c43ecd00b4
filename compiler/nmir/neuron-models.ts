// NMIR neuron models: the kind-tagged union of integer neuron dynamics. Each kind's doc comment is the
// semantics the reference interpreter (simulator/reference) implements; factories: neuron-factories.ts.

/**
 * Notation shared by every update below (all values are integers at stage "quantized"):
 * - `mulShift(x, m, s) = trunc(x·m / 2^s)`: the exact product divided by 2^s, rounded toward zero (s ≥ 0).
 * - `sat(x, bits)`: clamp x to the signed range [-2^(bits-1), 2^(bits-1) - 1]; every clamp that changes x
 *   counts one saturation event (values never wrap).
 * - `in` (per input port) = sat(Σ contributions of all projections into the port this step, 32): summed
 *   exactly, then saturated once (see `Projection`), so the order in which events arrive does not matter.
 * - `p` for a parameter means `p[i]` for neuron i, or `p[0]` when the array has length 1 (broadcast).
 * - `bitsFor(r)` = the bits of an unsigned counter holding 0..r (0 for r = 0, 1 for 1, 2 for 2..3, …).
 * - Arithmetic inside one line is exact (no intermediate rounding or wrapping); only `sat` and `mulShift`
 *   round. Every state variable starts at 0. A population updates each of its neurons once per step.
 * - Decay products stay below 2^53 (|v| ≤ 2^31, dv ≤ 2^21), so float64 computes them exactly; products of
 *   two int32s (linear, product, dynamic matmul) do not, and need BigInt or a split multiply.
 * - Decays are in retention form, as in Loihi/Lava's bit-accurate model (`v·(4096 − dv) >> 12`): the part
 *   kept is `mulShift(v, 2^decayBits − dv, decayBits)`. Truncating the kept part toward zero never overshoots
 *   the fixed point: a spikingjelly LIF (τ = 2 → dv = 2048 at 12 bits, vth = 256, fire "ge") fed in = 128
 *   (input 1.0) settles at v = 255 and never spikes; in = 256 spikes every step, in = 192 every second step.
 * - Stage "lowered" is executable in float: every parameter and weight is a real number in the same units as
 *   its integer counterpart; `mulShift(x, m, s)` is exactly x·m/2^s (no rounding), `sat` does nothing (and
 *   counts nothing), spike tests compare reals and graded payloads are real (an exactly-zero payload is no
 *   event). Integer fields (widths, shifts, decayBits, refractory) keep their meaning. This lets the compiler
 *   test its lowering against the float NetGraph reference before quantizing.
 */

/** A per-neuron parameter: length 1 (broadcast) or n. Float64Array is allowed only at stage "lowered". */
export type Param = Int32Array | Float64Array;

/** What a spiking neuron does to v after it spikes. */
export type ResetMode = "zero" | "subtract" | "none";

/** Spike when `v > vth` ("gt", Loihi/Lava) or when `v >= vth` ("ge", snnTorch/sinabs). */
export type FireRule = "gt" | "ge";

/** Fields shared by the spiking models (lif, cubaLif, if). */
export interface SpikingFields {
  /** Threshold, signed, fits vBits. */
  vth: Param;
  /** Constant input added to v every integrating step, signed, fits vBits. */
  bias: Param;
  /** Value v takes after a spike when reset is "zero" (0 unless the source sets v_reset), fits vBits. */
  vReset: Param;
  /**
   * Optional lower clamp of v, applied last in an integrating step, after spike and reset (sinabs
   * `min_v_mem`, `lif_forward_single`), fits vBits. Same results as clamping before the spike test whenever
   * vMin ≤ min(0, vReset) and vMin < vth (≤ vth with fire "gt").
   */
  vMin?: Param;
  reset: ResetMode;
  fire: FireRule;
  /** Steps a neuron stays silent after a spike; 0 = no refractory period (and no `ref` state). */
  refractory: number;
  /** Width of v, signed, 2..32. */
  vBits: number;
}

/**
 * Leaky integrate-and-fire, current-free (NIR LIF, snnTorch Leaky, Loihi with du = 4096).
 * State: v signed vBits; ref unsigned bitsFor(refractory) (absent when refractory = 0).
 * ```
 * if ref > 0: ref = ref - 1                                    (no integration, no spike; v holds)
 * else:
 *   v = sat(kept(v) + in + bias, vBits)
 *     kept(v) = mulShift(v, 2^decayBits - dv, decayBits)
 *     with leakBelow, when p = v·(2^decayBits − dv) ≠ 0 is a multiple of 2^decayBits: p/2^decayBits − sign(v)
 *   spike = fire == "ge" ? v >= vth : v > vth
 *   if spike: reset "zero": v = vReset | "subtract": v = sat(v - vth, vBits) | "none": v unchanged
 *             ref = refractory
 *   if vMin is set: v = max(v, vMin)                           (last: after spike and reset)
 * ```
 * Output: a spike event.
 */
export interface LifModel extends SpikingFields {
  kind: "lif";
  /** Voltage decay, unsigned, in [0, 2^decayBits]: v keeps (2^decayBits − dv)/2^decayBits of itself. */
  dv: Param;
  /** Fraction bits of the decays, 0..21 (12 = Loihi; ≤ 21 keeps v·dv exact in float64). */
  decayBits: number;
  /**
   * The real decay is a hair below the dyadic (2^decayBits − dv)/2^decayBits (a decimal such as SANA-FE's
   * 0.99975585937 for 4095/4096): truncating v·d toward zero then lands one LSB lower exactly when the dyadic
   * product is a whole number. Exact for trunc(v·d) while |v|·(dyadic − d) < 2^−decayBits. Absent: false.
   */
  leakBelow?: boolean;
}

/**
 * Current-based LIF (NIR CubaLIF, Loihi compartment, lava-dl CUBA).
 * State: u signed uBits; v signed vBits; ref unsigned bitsFor(refractory) (absent when refractory = 0).
 * ```
 * u = sat(mulShift(u, 2^decayBits - du, decayBits) + in, uBits)  (every step, also while refractory)
 * if ref > 0: ref = ref - 1                                    (v holds, no spike)
 * else:
 *   v = sat(mulShift(v, 2^decayBits - dv, decayBits) + u + bias, vBits)  (u is this step's new u)
 *   spike = fire == "ge" ? v >= vth : v > vth
 *   if spike: reset "zero": v = vReset | "subtract": v = sat(v - vth, vBits) | "none": v unchanged
 *             ref = refractory
 *   if vMin is set: v = max(v, vMin)                           (last: after spike and reset)
 * ```
 * Output: a spike event.
 */
export interface CubaLifModel extends SpikingFields {
  kind: "cubaLif";
  /** Current decay, unsigned, in [0, 2^decayBits]. */
  du: Param;
  /** Voltage decay, unsigned, in [0, 2^decayBits]. */
  dv: Param;
  decayBits: number;
  /** Width of u, signed, 2..32. */
  uBits: number;
}

/**
 * Integrate-and-fire without leak (NIR IF, sinabs IAF); its own kind so counts know it has no decay multiply.
 * State: v signed vBits; ref unsigned bitsFor(refractory) (absent when refractory = 0).
 * ```
 * if ref > 0: ref = ref - 1                                    (no integration, no spike; v holds)
 * else:
 *   v = sat(v + in + bias, vBits)
 *   spike = fire == "ge" ? v >= vth : v > vth
 *   if spike: reset "zero": v = vReset | "subtract": v = sat(v - vth, vBits) | "none": v unchanged
 *             ref = refractory
 *   if vMin is set: v = max(v, vMin)                           (last: after spike and reset)
 * ```
 * Output: a spike event.
 */
export interface IfModel extends SpikingFields {
  kind: "if";
}

/** Fields shared by the graded-output integrators (li, cubaLi). */
export interface LeakyReadoutFields {
  /** Voltage decay, unsigned, in [0, 2^decayBits]. */
  dv: Param;
  decayBits: number;
  /** Constant input added to v every step, signed, fits vBits. */
  bias: Param;
  /** Width of v, signed, 2..32. */
  vBits: number;
  /** Right shift from v to the payload, 0..62. */
  outShift: number;
  /** Payload width, signed, 1..32. */
  outBits: number;
}

/**
 * Leaky integrator, never spikes (NIR LI; readout layers).
 * State: v signed vBits.
 * ```
 * v = sat(mulShift(v, 2^decayBits - dv, decayBits) + in + bias, vBits)
 * payload = sat(mulShift(v, 1, outShift), outBits)             (payload 0 = no event)
 * ```
 * Output: a graded event of outBits.
 */
export interface LiModel extends LeakyReadoutFields {
  kind: "li";
}

/**
 * Current-based leaky integrator, never spikes (NIR CubaLI).
 * State: u signed uBits; v signed vBits.
 * ```
 * u = sat(mulShift(u, 2^decayBits - du, decayBits) + in, uBits)
 * v = sat(mulShift(v, 2^decayBits - dv, decayBits) + u + bias, vBits)
 * payload = sat(mulShift(v, 1, outShift), outBits)             (payload 0 = no event)
 * ```
 * Output: a graded event of outBits.
 */
export interface CubaLiModel extends LeakyReadoutFields {
  kind: "cubaLi";
  /** Current decay, unsigned, in [0, 2^decayBits]. */
  du: Param;
  /** Width of u, signed, 2..32. */
  uBits: number;
}

/** Activation of a linear population, applied after requantization and before the final `sat`. */
export type Activation = { kind: "none" } | { kind: "relu" } | { kind: "clamp"; lo: number; hi: number };

/**
 * Stateless graded neuron (ANN-style layer, folded BN/scale, ReLU/clamp activations, SSM/LMU readouts).
 * State: none.
 * ```
 * y = mulShift(in + bias, outMul, outShift)
 * y = activation "none": y | "relu": max(y, 0) | "clamp": min(max(y, lo), hi)
 * payload = sat(y, outBits)                                    (payload 0 = no event)
 * ```
 * Output: a graded event of outBits.
 */
export interface LinearModel {
  kind: "linear";
  /** Added to the input sum, signed int32. */
  bias: Param;
  /** Requantization multiplier, signed int32 (per neuron, so per-channel rescales fold in here). */
  outMul: Param;
  /** Requantization right shift, 0..62. */
  outShift: number;
  activation: Activation;
  /** Payload width, signed, 1..32; clamp bounds lo ≤ hi must fit it. */
  outBits: number;
}

/**
 * Graded gate of two inputs (GLU, LMU/SSM gates, elementwise products). Ports "a" and "b".
 * State: none.
 * ```
 * payload = sat(mulShift(inA, inB, shift), outBits)            (payload 0 = no event)
 * ```
 * Output: a graded event of outBits.
 */
export interface ProductModel {
  kind: "product";
  /** Right shift of the product, 0..62. */
  shift: number;
  /** Payload width, signed, 1..32. */
  outBits: number;
}

/**
 * Stateless spike encoder (NIR Threshold; the first layer of rate/delta encoders).
 * State: none.
 * ```
 * spike = fire == "ge" ? in + bias >= vth : in + bias > vth
 * ```
 * Output: a spike event.
 */
export interface ThresholdModel {
  kind: "threshold";
  /** Threshold, signed int32. */
  vth: Param;
  /** Added to the input sum, signed int32. */
  bias: Param;
  fire: FireRule;
}

/** Most breakpoints a function neuron's table holds (its table is 3K + 1 words per population). */
export const MAX_FUNCTION_POINTS = 1024;

/**
 * Graded function neuron: one piecewise-linear table shared by the population (sigmoid, GELU, tanh, 1/√x of
 * a LayerNorm), for chips whose neurons are programs (Loihi 2 microcode, SpiNNaker2 Arm cores).
 * State: none. Table (not per neuron): K breakpoints `xs[0] < … < xs[K−1]` (2 ≤ K ≤ MAX_FUNCTION_POINTS,
 * int32), values `ys[0..K−1]` (int32), `slopes[0..K]` (int32, in units of 2^−slopeShift): `slopes[0]` left of
 * xs[0], `slopes[k]` on [xs[k−1], xs[k]), `slopes[K]` right of xs[K−1] (so tails can be flat or linear).
 * ```
 * x = in + bias                                                (|x| < 2^32, exact)
 * k = #{j : xs[j] ≤ x}                                          (0..K: a binary search)
 * y = k == 0 ? ys[0] + mulShift(x − xs[0], slopes[0], slopeShift)
 *            : ys[k−1] + mulShift(x − xs[k−1], slopes[k], slopeShift)
 * payload = sat(y, outBits)                                    (payload 0 = no event)
 * ```
 * Output: a graded event of outBits. `fn` names what the table approximates (for reports only).
 */
export interface FunctionModel {
  kind: "function";
  fn: string;
  /** Added to the input sum, signed int32, per neuron. */
  bias: Param;
  xs: Param;
  ys: Param;
  slopes: Param;
  /** Fraction bits of the slopes, 0..62. */
  slopeShift: number;
  /** Payload width, signed, 1..32. */
  outBits: number;
}

export type NeuronModel =
  | LifModel
  | CubaLifModel
  | IfModel
  | LiModel
  | CubaLiModel
  | LinearModel
  | ProductModel
  | ThresholdModel
  | FunctionModel;

export type NeuronKind = NeuronModel["kind"];

/** Every neuron kind, in a fixed order (for tests, printing and registries). */
export const NEURON_KINDS: readonly NeuronKind[] = [
  "lif",
  "cubaLif",
  "if",
  "li",
  "cubaLi",
  "linear",
  "product",
  "threshold",
  "function",
];
