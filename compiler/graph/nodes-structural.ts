// Shape, pooling and routing nodes of the float NetGraph: they move or combine values without weights.
// The compiler folds all of them into projections; none survives into NMIR.

import type { NdArray } from "./ndarray.js";

/** Σ over each window of a [C, H, W] input; pads [top, left, bottom, right] are zeros. */
export interface SumPool2dNode {
  kind: "SumPool2d";
  kernel: [number, number];
  stride: [number, number];
  pads: [number, number, number, number];
}

/** NIR AvgPool2d: SumPool2d then ×1/(kh·kw) (padding counts as zeros in the mean). */
export interface AvgPool2dNode {
  kind: "AvgPool2d";
  kernel: [number, number];
  stride: [number, number];
  pads: [number, number, number, number];
}

/** max over each window (on spikes this is an OR); padding is −∞. */
export interface MaxPool2dNode {
  kind: "MaxPool2d";
  kernel: [number, number];
  stride: [number, number];
  pads: [number, number, number, number];
}

/** Merges dims startDim..endDim (inclusive, negative counts from the end; shapes exclude batch). */
export interface FlattenNode {
  kind: "Flatten";
  startDim: number;
  endDim: number;
  /** The input shape the producer recorded (NIR `input_type`), checked against inference when present. */
  inputShape?: number[];
}

/** Row-major reshape to `shape` (same element count). */
export interface ReshapeNode {
  kind: "Reshape";
  shape: number[];
}

/** y = permute(x, perm). */
export interface TransposeNode {
  kind: "Transpose";
  perm: number[];
}

/** Concatenation along `axis` of the inputs on ports in0, in1, … in that order. */
export interface ConcatNode {
  kind: "Concat";
  axis: number;
  inputs: number;
}

/** Sum or mean over `axes` (removed from the shape), e.g. the mean over tokens before a classifier head. */
export interface ReduceNode {
  kind: "Reduce";
  op: "sum" | "mean";
  axes: number[];
}

/** y(t) = x(t − τ), τ in seconds (elementwise); the compiler turns it into whole timesteps with dt. */
export interface DelayNode {
  kind: "Delay";
  delay: NdArray;
}

export type StructuralNode =
  | SumPool2dNode
  | AvgPool2dNode
  | MaxPool2dNode
  | FlattenNode
  | ReshapeNode
  | TransposeNode
  | ConcatNode
  | ReduceNode
  | DelayNode;

type PoolParams = {
  kernel: [number, number];
  stride?: [number, number];
  pads?: [number, number, number, number];
};

function pool<K extends "SumPool2d" | "AvgPool2d" | "MaxPool2d">(kind: K, p: PoolParams) {
  return { kind, kernel: p.kernel, stride: p.stride ?? p.kernel, pads: p.pads ?? [0, 0, 0, 0] };
}
export const createSumPool2d = (p: PoolParams): SumPool2dNode => pool("SumPool2d", p);
export const createAvgPool2d = (p: PoolParams): AvgPool2dNode => pool("AvgPool2d", p);
export const createMaxPool2d = (p: PoolParams): MaxPool2dNode => pool("MaxPool2d", p);

export function createFlatten(startDim = 0, endDim = -1, inputShape?: number[]): FlattenNode {
  return inputShape
    ? { kind: "Flatten", startDim, endDim, inputShape }
    : { kind: "Flatten", startDim, endDim };
}
export function createReshape(shape: number[]): ReshapeNode {
  return { kind: "Reshape", shape };
}
export function createTranspose(perm: number[]): TransposeNode {
  return { kind: "Transpose", perm };
}
export function createConcat(inputs: number, axis = 0): ConcatNode {
  return { kind: "Concat", axis, inputs };
}
export function createReduce(op: "sum" | "mean", axes: number[]): ReduceNode {
  return { kind: "Reduce", op, axes };
}
export function createDelay(delay: NdArray): DelayNode {
  return { kind: "Delay", delay };
}
