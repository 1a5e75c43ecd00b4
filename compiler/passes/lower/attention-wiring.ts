// Structured wiring of a lowered dynamic matmul: the operand fan-outs and the term sums as conv2d broadcasts
// and strided sums, which store m + m·n + k weights (or fewer) where explicit lists would store 3·m·k·n synapses,
// and which the mapper and both simulators read as tap tables.

import { type Connectivity, createConv2d, type DynamicMatmul } from "../../nmir/index.js";

const ones = (n: number) => new Int32Array(n).fill(1);

/**
 * The term population's shape [m, X, Y] and its three connectivities. B is read in its stored layout [X, Y]
 * (transposeB: [n, k], else [k, n]), so the terms are (i, j, l) → (i·n + j)·k + l when B is transposed and
 * (i, l, j) → (i·k + l)·n + j otherwise; every term neuron holds A[i,l]·B[l,j] and reads exactly one A and one
 * B synapse, and the accumulator (i, j) = i·n + j sums its k terms.
 */
export function attentionWiring(dm: DynamicMatmul): {
  shape: [number, number, number];
  fromA: Connectivity;
  fromB: Connectivity;
  sum: Connectivity;
} {
  const { m, k, n } = dm;
  const [X, Y] = dm.transposeB ? [n, k] : [k, n];
  // B [1, X, Y] copied to each of m output channels: term (i, x, y) = B[x, y].
  const fromB = createConv2d({ inShape: [1, X, Y], kernel: [m, 1, 1, 1], weights: ones(m) });
  if (dm.transposeB) {
    return {
      shape: [m, n, k],
      // A row i (a channel [1, k]) copied to its group of n channels i·n + j: term (i, j, l) = A[i, l].
      fromA: createConv2d({ inShape: [m, 1, k], kernel: [m * n, 1, 1, 1], weights: ones(m * n), groups: m }),
      fromB,
      // terms as [1, m·n, k]: a 1×k window per row sums the k terms of (i, j).
      sum: createConv2d({ inShape: [1, m * n, k], kernel: [1, 1, 1, k], weights: ones(k) }),
    };
  }
  return {
    shape: [m, k, n],
    // A as [1, m·k, 1] widened to n columns: a 1×n kernel padded by n − 1 has exactly one tap in range for
    // each output column, so term (i, l, j) = A[i, l].
    fromA: createConv2d({
      inShape: [1, m * k, 1],
      kernel: [1, 1, 1, n],
      weights: ones(n),
      padding: [0, n - 1],
    }),
    fromB,
    // terms as [1, m·k, n]: a k×1 window with stride k sums rows i·k .. i·k + k − 1 of column j.
    sum: createConv2d({ inShape: [1, m * k, n], kernel: [1, 1, k, 1], weights: ones(k), stride: [k, 1] }),
  };
}
