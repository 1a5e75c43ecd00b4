// Weighted (synaptic) nodes of the float NetGraph: Affine, Linear, Scale, Conv1d, Conv2d, BatchNorm, TemporalConv.
// Conventions follow PyTorch: weights [out, in] and [C_out, C_in/groups, k…]; convs are cross-correlations.

import type { NdArray } from "./ndarray.js";

/** y = W·x + b; W [out, in], b [out]. Input [in] (or any shape of size in), output [out]. */
export interface AffineNode {
  kind: "Affine";
  weight: NdArray;
  bias: NdArray;
}

/** y = W·x; W [out, in]. */
export interface LinearNode {
  kind: "Linear";
  weight: NdArray;
}

/** y = x ⊙ s; s broadcasts to the input shape. */
export interface ScaleNode {
  kind: "Scale";
  scale: NdArray;
}

/**
 * 1-d convolution over a spatial axis: input [C_in, L], output [C_out, L_out],
 * L_out = ⌊(L + padBegin + padEnd − dilation·(K−1) − 1)/stride⌋ + 1. Zero padding.
 */
export interface Conv1dNode {
  kind: "Conv1d";
  weight: NdArray;
  bias?: NdArray;
  stride: number;
  /** [begin, end]. */
  pads: [number, number];
  dilation: number;
  groups: number;
  /** The input length recorded by the producer (NIR `input_shape`), checked against inference when present. */
  inputLength?: number;
}

/** 2-d convolution: input [C_in, H, W], output [C_out, H_out, W_out]; pads [top, left, bottom, right]. */
export interface Conv2dNode {
  kind: "Conv2d";
  weight: NdArray;
  bias?: NdArray;
  stride: [number, number];
  pads: [number, number, number, number];
  dilation: [number, number];
  groups: number;
  inputSize?: [number, number];
}

/** Inference BatchNorm over `axis` (0 = channels): y = γ·(x − μ)/√(σ² + ε) + β. Folded away by the compiler. */
export interface BatchNormNode {
  kind: "BatchNorm";
  mean: NdArray;
  variance: NdArray;
  gamma: NdArray;
  beta: NdArray;
  eps: number;
  axis: number;
}

/**
 * Convolution along time (a Conv1d whose axis is the timestep): input [C_in] per step, output [C_out] per step,
 * y_t = b + Σ_{k=0}^{K−1} W[:, :, k]·x_{t + k − (K − 1 − lookahead)}, with x outside the clip equal to 0.
 * `lookahead` future steps make it non-causal (a PyTorch Conv1d k=3, pad=1 has lookahead 1). Step-by-step
 * execution is causal: frames are emitted late by the look-ahead summed along the path (lookaheadPlan in
 * lookahead.ts); paths that meet are delayed to the same frame, nodes output 0 before their frame 0, so a
 * stream equals the whole-clip definition delayed by the algorithmic delay, except its last frames.
 */
export interface TemporalConvNode {
  kind: "TemporalConv";
  weight: NdArray;
  bias?: NdArray;
  lookahead: number;
  groups: number;
}

export type SynapticNode =
  | AffineNode
  | LinearNode
  | ScaleNode
  | Conv1dNode
  | Conv2dNode
  | BatchNormNode
  | TemporalConvNode;

export function createAffine(weight: NdArray, bias: NdArray): AffineNode {
  return { kind: "Affine", weight, bias };
}
export function createLinear(weight: NdArray): LinearNode {
  return { kind: "Linear", weight };
}
export function createScale(scale: NdArray): ScaleNode {
  return { kind: "Scale", scale };
}
export function createConv1d(
  p: Pick<Conv1dNode, "weight"> & Partial<Omit<Conv1dNode, "kind" | "weight">>,
): Conv1dNode {
  return { kind: "Conv1d", stride: 1, pads: [0, 0], dilation: 1, groups: 1, ...p };
}
export function createConv2d(
  p: Pick<Conv2dNode, "weight"> & Partial<Omit<Conv2dNode, "kind" | "weight">>,
): Conv2dNode {
  return { kind: "Conv2d", stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, ...p };
}
export function createBatchNorm(
  p: Omit<BatchNormNode, "kind" | "eps" | "axis"> & { eps?: number; axis?: number },
): BatchNormNode {
  return { kind: "BatchNorm", eps: 1e-5, axis: 0, ...p };
}
export function createTemporalConv(
  p: Pick<TemporalConvNode, "weight"> & Partial<Omit<TemporalConvNode, "kind" | "weight">>,
): TemporalConvNode {
  return { kind: "TemporalConv", lookahead: 0, groups: 1, ...p };
}
