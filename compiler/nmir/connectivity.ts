// NMIR connectivity: how a projection's weights connect source neurons to destination neurons (the integer
// synaptic op of each kind), factories, and the size/count helpers verify, print and the mapper share.

import { assertNever } from "../../common/errors.js";

/** Synaptic weights. Float32Array is allowed only at stage "lowered". */
export type Weights = Int32Array | Float32Array;

/**
 * Fully connected. `acc[j] = Σ_i weights[j·inSize + i] · x[i]` (row-major [out][in]).
 */
export interface DenseConn {
  kind: "dense";
  inSize: number;
  outSize: number;
  weights: Weights;
}

/**
 * CSR by source neuron (each row is the fan-out list a chip stores for one axon):
 * `for r in rowPtr[i] .. rowPtr[i+1]-1: acc[colIdx[r]] += weights[r] · x[i]`.
 * rowPtr has inSize + 1 entries from 0 to nnz, non-decreasing; entries of a row may come in any order, and
 * repeated (i, j) pairs add up.
 */
export interface SparseConn {
  kind: "sparse";
  inSize: number;
  outSize: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  weights: Weights;
}

/**
 * PyTorch Conv1d (cross-correlation, zero padding), source read as [C, L], destination as [C', L'] with
 * `L' = floor((L + 2·padding − dilation·(K − 1) − 1) / stride) + 1`, groups g dividing C and C':
 * `acc[co, l] = Σ_{ci, k} weights[co][ci mod C/g][k] · x[ci, l·stride − padding + k·dilation]`,
 * where ci runs over co's group (channels [q·C/g, (q+1)·C/g) with q = floor(co / (C'/g))) and x outside
 * [0, L) is 0.
 */
export interface Conv1dConn {
  kind: "conv1d";
  inShape: [number, number];
  outShape: [number, number];
  /** Kernel shape [Cout, Cin/groups, K]; weights are stored in this order. */
  kernel: [number, number, number];
  weights: Weights;
  stride: number;
  padding: number;
  dilation: number;
  groups: number;
}

/**
 * PyTorch Conv2d, source [C, H, W], destination [C', H', W'], each spatial axis as conv1d's L:
 * `acc[co, r, c] = Σ_{ci, ky, kx} weights[co][ci mod C/g][ky][kx] ·
 *                   x[ci, r·sh − ph + ky·dh, c·sw − pw + kx·dw]`
 * with ci over co's group as in conv1d; (sh, sw) = stride, (ph, pw) = padding, (dh, dw) = dilation.
 */
export interface Conv2dConn {
  kind: "conv2d";
  inShape: [number, number, number];
  outShape: [number, number, number];
  /** Kernel shape [Cout, Cin/groups, Kh, Kw]; weights are stored in this order. */
  kernel: [number, number, number, number];
  weights: Weights;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** Neuron i to neuron i: `acc[i] = w[i] · x[i]` (weights of length 1 are shared). */
export interface OneToOneConn {
  kind: "oneToOne";
  size: number;
  weights: Weights;
}

/**
 * One matrix W [outFeatures, inFeatures] applied to each of `rows` rows with the same weights (a per-token
 * Linear: every token shares W, as a 1×1 conv shares its kernel), either end read in either layout. Source
 * element (r, i) is neuron `srcTransposed ? i·rows + r : r·inFeatures + i`, destination element (r, o) is
 * neuron `dstTransposed ? o·rows + r : r·outFeatures + o`:
 * `acc[dst(r, o)] = Σ_i weights[o·inFeatures + i] · x[src(r, i)]`.
 * It stores inFeatures·outFeatures weights for rows·inFeatures·outFeatures synapses; the output channel of
 * destination (r, o) is o (`destinationChannel`).
 */
export interface RowwiseConn {
  kind: "rowwise";
  rows: number;
  /** [outFeatures, inFeatures]; weights are stored in this order. */
  kernel: [number, number];
  weights: Weights;
  srcTransposed: boolean;
  dstTransposed: boolean;
}

export type Connectivity = DenseConn | SparseConn | Conv1dConn | Conv2dConn | OneToOneConn | RowwiseConn;
export type ConnectivityKind = Connectivity["kind"];

export const CONNECTIVITY_KINDS: readonly ConnectivityKind[] = [
  "dense",
  "sparse",
  "conv1d",
  "conv2d",
  "oneToOne",
  "rowwise",
];

/** PyTorch's output length of a convolution along one axis. */
export function convOutLength(inLen: number, k: number, stride: number, padding: number, dilation: number) {
  return Math.floor((inLen + 2 * padding - dilation * (k - 1) - 1) / stride) + 1;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Number of source neurons the connectivity reads. */
export function connInSize(c: Connectivity): number {
  switch (c.kind) {
    case "dense":
    case "sparse":
      return c.inSize;
    case "conv1d":
    case "conv2d":
      return product(c.inShape);
    case "oneToOne":
      return c.size;
    case "rowwise":
      return c.rows * c.kernel[1];
    default:
      return assertNever(c, "connectivity");
  }
}

/** Number of destination neurons the connectivity writes. */
export function connOutSize(c: Connectivity): number {
  switch (c.kind) {
    case "dense":
    case "sparse":
      return c.outSize;
    case "conv1d":
    case "conv2d":
      return product(c.outShape);
    case "oneToOne":
      return c.size;
    case "rowwise":
      return c.rows * c.kernel[0];
    default:
      return assertNever(c, "connectivity");
  }
}

/**
 * Output channels, the unit of a perChannel scale: Cout for convolutions, outFeatures for rowwise, every
 * destination neuron otherwise. Destination neuron j belongs to channel `destinationChannel(c, j)`.
 */
export function outChannels(c: Connectivity): number {
  if (c.kind === "rowwise") return c.kernel[0];
  return c.kind === "conv1d" || c.kind === "conv2d" ? c.outShape[0] : connOutSize(c);
}

/**
 * The output channel of destination neuron j: `floor(j / (connOutSize / outChannels))`, except rowwise with
 * a row-major destination, where channels interleave (j mod outFeatures).
 */
export function destinationChannel(c: Connectivity, j: number): number {
  if (c.kind === "rowwise") return c.dstTransposed ? Math.floor(j / c.rows) : j % c.kernel[0];
  return Math.floor(j / (connOutSize(c) / outChannels(c)));
}

/** Weights the connectivity stores (conv kernels are shared, so far fewer than synapses). */
export function expectedWeightCount(c: Connectivity): number {
  switch (c.kind) {
    case "dense":
      return c.inSize * c.outSize;
    case "sparse":
      return c.colIdx.length;
    case "conv1d":
    case "conv2d":
      return product(c.kernel);
    case "oneToOne":
      return c.weights.length === 1 ? 1 : c.size;
    case "rowwise":
      return c.kernel[0] * c.kernel[1];
    default:
      return assertNever(c, "connectivity");
  }
}

/** Kernel taps that land inside the input, summed over all output positions of one axis. */
function validTaps(inLen: number, outLen: number, k: number, stride: number, pad: number, dil: number) {
  let n = 0;
  for (let o = 0; o < outLen; o++) {
    for (let t = 0; t < k; t++) {
      const i = o * stride - pad + t * dil;
      if (i >= 0 && i < inLen) n++;
    }
  }
  return n;
}

/** (source neuron, destination neuron) connections, padding excluded: the synaptic ops of one full input. */
export function synapseCount(c: Connectivity): number {
  switch (c.kind) {
    case "dense":
      return c.inSize * c.outSize;
    case "sparse":
      return c.colIdx.length;
    case "conv1d": {
      const [cout, cinG, k] = c.kernel;
      return cout * cinG * validTaps(c.inShape[1], c.outShape[1], k, c.stride, c.padding, c.dilation);
    }
    case "conv2d": {
      const [cout, cinG, kh, kw] = c.kernel;
      const rows = validTaps(c.inShape[1], c.outShape[1], kh, c.stride[0], c.padding[0], c.dilation[0]);
      const cols = validTaps(c.inShape[2], c.outShape[2], kw, c.stride[1], c.padding[1], c.dilation[1]);
      return cout * cinG * rows * cols;
    }
    case "oneToOne":
      return c.size;
    case "rowwise":
      return c.rows * c.kernel[0] * c.kernel[1];
    default:
      return assertNever(c, "connectivity");
  }
}

export function createDense(o: { inSize: number; outSize: number; weights: Weights }): DenseConn {
  return { kind: "dense", inSize: o.inSize, outSize: o.outSize, weights: o.weights };
}

export function createSparse(o: {
  inSize: number;
  outSize: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  weights: Weights;
}): SparseConn {
  return { kind: "sparse", ...o };
}

/** Defaults: stride 1, padding 0, dilation 1, groups 1; outShape from PyTorch's formula when omitted. */
export function createConv1d(o: {
  inShape: [number, number];
  kernel: [number, number, number];
  weights: Weights;
  outShape?: [number, number];
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}): Conv1dConn {
  const stride = o.stride ?? 1;
  const padding = o.padding ?? 0;
  const dilation = o.dilation ?? 1;
  const outShape: [number, number] = o.outShape ?? [
    o.kernel[0],
    convOutLength(o.inShape[1], o.kernel[2], stride, padding, dilation),
  ];
  const { inShape, kernel, weights } = o;
  return {
    kind: "conv1d",
    inShape,
    outShape,
    kernel,
    weights,
    stride,
    padding,
    dilation,
    groups: o.groups ?? 1,
  };
}

type Pair = [number, number];
const pair = (x: number | Pair | undefined, dflt: number): Pair =>
  x === undefined ? [dflt, dflt] : typeof x === "number" ? [x, x] : x;

/** Defaults as createConv1d; a single number for stride/padding/dilation applies to both axes. */
export function createConv2d(o: {
  inShape: [number, number, number];
  kernel: [number, number, number, number];
  weights: Weights;
  outShape?: [number, number, number];
  stride?: number | Pair;
  padding?: number | Pair;
  dilation?: number | Pair;
  groups?: number;
}): Conv2dConn {
  const stride = pair(o.stride, 1);
  const padding = pair(o.padding, 0);
  const dilation = pair(o.dilation, 1);
  const outShape: [number, number, number] = o.outShape ?? [
    o.kernel[0],
    convOutLength(o.inShape[1], o.kernel[2], stride[0], padding[0], dilation[0]),
    convOutLength(o.inShape[2], o.kernel[3], stride[1], padding[1], dilation[1]),
  ];
  const { inShape, kernel, weights } = o;
  return {
    kind: "conv2d",
    inShape,
    outShape,
    kernel,
    weights,
    stride,
    padding,
    dilation,
    groups: o.groups ?? 1,
  };
}

export function createOneToOne(o: { size: number; weights: Weights }): OneToOneConn {
  return { kind: "oneToOne", size: o.size, weights: o.weights };
}

/** Layouts default to row-major at both ends. */
export function createRowwise(o: {
  rows: number;
  kernel: [number, number];
  weights: Weights;
  srcTransposed?: boolean;
  dstTransposed?: boolean;
}): RowwiseConn {
  return {
    kind: "rowwise",
    rows: o.rows,
    kernel: o.kernel,
    weights: o.weights,
    srcTransposed: o.srcTransposed ?? false,
    dstTransposed: o.dstTransposed ?? false,
  };
}

/** Source and destination neuron of element (r, i) / (r, o) of a rowwise connectivity. */
export function rowwiseIndex(c: RowwiseConn) {
  const [nOut, nIn] = c.kernel;
  const { rows } = c;
  return {
    src: c.srcTransposed ? (r: number, i: number) => i * rows + r : (r: number, i: number) => r * nIn + i,
    dst: c.dstTransposed ? (r: number, o: number) => o * rows + r : (r: number, o: number) => r * nOut + o,
  };
}
