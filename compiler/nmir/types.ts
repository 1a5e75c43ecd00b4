// NMIR, the integer IR: the compiler's output and the only input of the mapper and the simulators.
// This file holds the module-level types and their semantics; models and connectivity have their own files.

import type { Connectivity } from "./connectivity.js";
import type { NeuronModel } from "./neuron-models.js";

/** Version of the NMIR schema and of the .nmir file format; bump on any incompatible change. */
export const NMIR_FORMAT_VERSION = 1;

/**
 * `lowered`: straight after lowering from the float graph; weights and parameters may be floats, and the
 *   module executes in float (no rounding, no saturation; see the notation in neuron-models.ts).
 * `quantized`: every weight, parameter and threshold is an integer that fits its declared width.
 */
export type Stage = "lowered" | "quantized";

/**
 * What one neuron emits. `spike`: a 1-bit event, read as x = 1 by projections. `graded`: a signed payload of
 * `bits` (1..32), read as x = payload; a zero payload is not an event (not sent, not counted).
 */
export type EventKind = { kind: "spike" } | { kind: "graded"; bits: number };

/** A source of events fed from outside each step (pixels, audio frames, tokens). */
export interface InputPort {
  id: string;
  /** Shape without batch and time; neurons are numbered row-major, size = product. */
  shape: number[];
  event: EventKind;
}

/**
 * n = product(shape) neurons sharing one model. Projections target its named input ports
 * (`inputPorts(model)`: "in", or "a"/"b" for product); every port must receive at least one projection.
 */
export interface Population {
  id: string;
  shape: number[];
  model: NeuronModel;
  /** Must equal `modelOutput(model)`: spike for lif/cubaLif/if/threshold, graded outBits otherwise. */
  output: EventKind;
}

/**
 * Power-of-two weight scale: effective weight = w · 2^exp. `perChannel` has one exponent per output channel
 * (`outChannels(connectivity)`). Exponents are integers in -31..31.
 */
export type Scale = { kind: "perProjection"; exp: number } | { kind: "perChannel"; exps: Int32Array };

/**
 * Synapses from one source (input, population or dynamic matmul) into one port of a population.
 *
 * Each step, per destination neuron j: `acc[j]` = the connectivity's sum over source events (exact, then
 * saturated to int32); `contribution[j] = sat(exp ≥ 0 ? acc[j] · 2^exp : mulShift(acc[j], 1, -exp), 32)`,
 * with exp the projection's exponent or that of j's channel. The port's `in` sums the contributions.
 * At stage "lowered" (real weights and payloads) the contribution is exactly `acc[j] · 2^exp`: no rounding,
 * no saturation.
 *
 * `delay` (whole steps ≥ 0): the projection reads the source's output of `delay` steps earlier.
 * - layer-sync mode: populations update in dependency order of the delay-0 projections (and of dynamic
 *   matmul inputs), so delay 0 sees this step's output; that sub-graph must be acyclic — recurrent edges
 *   carry delay ≥ 1.
 * - pipelined mode: every projection delivers at the next step at the earliest: after max(delay, 1) steps.
 */
export interface Projection {
  id: string;
  /** Id of an input, population or dynamic matmul. */
  src: string;
  /** Id of a population. */
  dst: string;
  /** One of `inputPorts(dst.model)`. */
  port: string;
  connectivity: Connectivity;
  /** Declared signed width of every stored weight, 1..32. */
  weightBits: number;
  scale: Scale;
  delay: number;
}

/**
 * How a chip without native dynamic matmul realises one whose explicit lowering was too large to instantiate
 * (lowerAttention's `termNeuronLimit`): by exactly the neurons lowerAttention would build — one term neuron per
 * A[i,l]·B[l,j] (m·k·n; `coincidence`: an AND of two spikes, `product`: a product neuron dropping `preShift`
 * exact low bits) and one linear accumulator per output (m·n) — counted, not instantiated. The mapper reserves
 * their cores by count; both simulators compute the product as the matmul (bit-exact with the explicit form in
 * layer-sync mode) and charge the events those neurons would make. Timing stays the matmul's: in pipelined
 * mode the explicit form's term hop (one more step, plus relays) is not modelled.
 */
export interface TermRealisation {
  kind: "termNeurons";
  form: "coincidence" | "product";
  /** Low bits every product neuron drops (all zero by the operands' grains), 0..62, ≤ shift; 0 for coincidence. */
  preShift: number;
}

/**
 * A matrix product of two event streams computed each step (spiking self-attention Q·Kᵀ, attn·V):
 * `Y[m×n] = sat(mulShift(A·B, 1, shift), outBits)`, A = source `a` read row-major as m×k, B = source `b`
 * read as k×n (or as n×k and transposed when `transposeB`); spikes read as 1, graded events as their
 * payload; A·B is exact. It reads its sources like a delay-0 projection (in pipelined mode: their outputs of
 * the previous step) and can itself be a projection source (shape [m, n], zero entries send no event); at
 * stage "lowered" Y = A·B / 2^shift exactly. Only chip profiles that declare the dynamic-matmul
 * capability can map it as is; one with `realisation` set maps on profiles with the neurons its form needs
 * (product neurons, or compartment joins for coincidence); the mapper reports it as not mappable elsewhere.
 */
export interface DynamicMatmul {
  id: string;
  a: string;
  b: string;
  m: number;
  k: number;
  n: number;
  transposeB: boolean;
  /** Right shift of the exact product, 0..62. */
  shift: number;
  /** Payload width, signed, 1..32. */
  outBits: number;
  /** Must be `{ kind: "graded", bits: outBits }`. */
  output: EventKind;
  /** Set when the product stands for term neurons on a chip without dynamic matmul (see TermRealisation). */
  realisation?: TermRealisation;
}

/** A network output read each step from a source; its float value is `value · 2^scaleExp`. */
export interface OutputPort {
  id: string;
  src: string;
  scaleExp: number;
}

/**
 * A whole network. Ids are unique across inputs, populations, projections, dynamic matmuls and outputs.
 * `dt` (seconds) is informational: integer dynamics do not depend on it.
 */
export interface NmirModule {
  formatVersion: number;
  name: string;
  stage: Stage;
  dt?: number;
  inputs: InputPort[];
  populations: Population[];
  projections: Projection[];
  dynamicMatmuls: DynamicMatmul[];
  outputs: OutputPort[];
  metadata: Record<string, string>;
}

/** Number of elements of a shape (1 for []). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** "spike" or "graded 8-bit". */
export function describeEvent(e: EventKind): string {
  return e.kind === "spike" ? "spike" : `graded ${e.bits}-bit`;
}
