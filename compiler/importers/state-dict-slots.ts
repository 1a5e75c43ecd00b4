// Checkpoint slots whose PyTorch tensor is not a NetGraph field as it stands: the S4D kernel's parameters
// (stanmatei/learning_long_sequences_snns s4_surrogate.py / s4_gsu.py on state-spaces/s4, SSKernelDiag with
// real_type "exp"), the GSU matrix and nn.Embedding weights. Each slot names the official key, the official
// shape, and how the tensor becomes graph fields.

import type { NdArray } from "../graph/ndarray.js";
import type { DiagonalSsmNode, TernaryGatedMixNode } from "../graph/nodes.js";

export interface CustomSlot {
  key: string;
  /** The tensor shape the official module holds. */
  shape: number[];
  write(t: NdArray): void;
}

const f64 = (shape: number[], data: ArrayLike<number>): NdArray => ({ shape, data: Float64Array.from(data) });

/** Complex [..., 2] (torch.view_as_real) → real and imaginary parts of `shape`. */
function split(t: NdArray, shape: number[], from = 0): [NdArray, NdArray] {
  const n = shape.reduce((a, b) => a * b, 1);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = t.data[2 * (from + i)]!;
    im[i] = t.data[2 * (from + i) + 1]!;
  }
  return [
    { shape, data: re },
    { shape, data: im },
  ];
}

/**
 * S4 layer at `id` (module `S4`): `D` [1, H]; its `kernel` (SSKernel) wraps SSKernelDiag as `kernel.kernel`:
 * `log_dt` [H], `inv_A_real` [S, N/2] (A_real = −exp(inv_A_real)), `A_imag` [S, N/2], `B` [S, N/2, 2] and
 * `C` [channels, H, N/2, 2] (channels = 2 when bidirectional: C[0] forward, C[1] the reversed kernel).
 */
export function diagonalSsmSlots(id: string, node: DiagonalSsmNode): CustomSlot[] {
  const [h, m] = node.cRe.shape as [number, number];
  const s = node.lambdaRe.shape[0]!;
  const k = `${id}.kernel.kernel`;
  const ch = node.bidirectional ? 2 : 1;
  return [
    {
      key: `${id}.D`,
      shape: [1, h],
      write: (t) => {
        node.d = f64([h], t.data);
      },
    },
    {
      key: `${k}.log_dt`,
      shape: [h],
      write: (t) => {
        node.logStep = f64([h], t.data);
      },
    },
    {
      key: `${k}.inv_A_real`,
      shape: [s, m],
      write: (t) => {
        node.lambdaRe = f64(
          [s, m],
          Array.from(t.data, (v) => -Math.exp(v)),
        );
      },
    },
    {
      key: `${k}.A_imag`,
      shape: [s, m],
      write: (t) => {
        node.lambdaIm = f64([s, m], t.data);
      },
    },
    {
      key: `${k}.B`,
      shape: [s, m, 2],
      write: (t) => {
        [node.bRe, node.bIm] = split(t, [s, m]);
      },
    },
    {
      key: `${k}.C`,
      shape: [ch, h, m, 2],
      write: (t) => {
        [node.cRe, node.cIm] = split(t, [h, m]);
        if (node.bidirectional) [node.cBackRe, node.cBackIm] = split(t, [h, m], h * m);
      },
    },
  ];
}

/** The GSU matrix `GSU` [H_in, H_out] (the node's id is the parameter's path) and its bias `GSU_bias`. */
export function ternaryGatedMixSlots(id: string, node: TernaryGatedMixNode): CustomSlot[] {
  return [
    {
      key: id,
      shape: [...node.weight.shape],
      write: (t) => {
        node.weight = f64(t.shape, t.data);
      },
    },
    {
      key: `${id}_bias`,
      shape: [...node.bias.shape],
      write: (t) => {
        node.bias = f64(t.shape, t.data);
      },
    },
  ];
}

/** nn.Embedding `weight` [vocab, H] applied to one-hot tokens: the graph's Linear holds its transpose. */
export function embeddingSlot(key: string, node: { weight: NdArray }): CustomSlot {
  const [h, vocab] = node.weight.shape as [number, number];
  return {
    key,
    shape: [vocab, h],
    write: (t) => {
      const w = new Float64Array(h * vocab);
      for (let v = 0; v < vocab; v++) for (let j = 0; j < h; j++) w[j * vocab + v] = t.data[v * h + j]!;
      node.weight = { shape: [h, vocab], data: w };
    },
  };
}
