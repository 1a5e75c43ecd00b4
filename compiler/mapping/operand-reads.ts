// Which operand neurons a slice of a dynamic matmul reads: output Y[i, j] = Σ_l A[i, l]·B[l, j] reads row i of
// A and column j of B, so a slice (a contiguous range of the flattened m × n output) reads the A rows and B
// columns it touches. Shared by the chip simulator's destination rows and the mapper's traffic graph.

/** The shape of a dynamic matmul: A is m × k (row-major), B is k × n (or n × k when `transposeB`). */
export interface MatmulDims {
  m: number;
  k: number;
  n: number;
  transposeB: boolean;
}

/** Half-open range [lo, hi). */
export interface Span {
  lo: number;
  hi: number;
}

export type Operand = "a" | "b";

/** Output rows (= A rows) and output columns (= B columns) of the flattened outputs [start, start + count). */
export function sliceLines(dm: MatmulDims, start: number, count: number): { rows: Span; cols: Span[] } {
  if (count <= 0) return { rows: { lo: 0, hi: 0 }, cols: [] };
  const { n } = dm;
  const last = start + count - 1;
  const first = Math.floor(start / n);
  const final = Math.floor(last / n);
  const rows = { lo: first, hi: final + 1 };
  const c0 = start - first * n;
  const c1 = last - final * n + 1;
  if (final === first) return { rows, cols: [{ lo: c0, hi: c1 }] };
  // two rows: the first row's tail and the last row's head, one span when they meet; more rows: every column
  if (final === first + 1 && c1 < c0)
    return {
      rows,
      cols: [
        { lo: 0, hi: c1 },
        { lo: c0, hi: n },
      ],
    };
  return { rows, cols: [{ lo: 0, hi: n }] };
}

/** Lines of an operand: rows of A (m), columns of B (n); each holds k neurons. */
export function operandLines(dm: MatmulDims, operand: Operand): number {
  return operand === "a" ? dm.m : dm.n;
}

/** The line (A row i, or B column j) of operand neuron `index`. */
export function operandLine(dm: MatmulDims, operand: Operand, index: number): number {
  if (operand === "a") return Math.floor(index / dm.k);
  return dm.transposeB ? Math.floor(index / dm.k) : index % dm.n;
}

/** The lines of `operand` the outputs [start, start + count) read. */
export function linesRead(dm: MatmulDims, operand: Operand, start: number, count: number): Span[] {
  const s = sliceLines(dm, start, count);
  return operand === "a" ? (count > 0 ? [s.rows] : []) : s.cols;
}

/** The operand neuron index ranges (ascending, disjoint) the outputs [start, start + count) read. */
export function operandReads(dm: MatmulDims, operand: Operand, start: number, count: number): Span[] {
  const lines = linesRead(dm, operand, start, count);
  const { k, n } = dm;
  // A rows and Bᵀ rows are contiguous runs of k neurons; B columns are strided by n
  if (operand === "a" || dm.transposeB) return lines.map((l) => ({ lo: l.lo * k, hi: l.hi * k }));
  if (lines.length === 1 && lines[0]!.lo === 0 && lines[0]!.hi === n) return [{ lo: 0, hi: k * n }];
  const out: Span[] = [];
  for (let l = 0; l < k; l++) for (const c of lines) out.push({ lo: l * n + c.lo, hi: l * n + c.hi });
  return out;
}

/**
 * Per line of `operand`, the ascending distinct keys (cores, bins) of the slices reading it. Work is
 * Σ over slices of the lines each reads.
 */
export function readersByLine(
  dm: MatmulDims,
  operand: Operand,
  slices: Iterable<{ start: number; count: number }>,
  keyOf: (slice: { start: number; count: number }) => number,
): number[][] {
  const out: number[][] = Array.from({ length: operandLines(dm, operand) }, () => []);
  for (const s of slices) {
    const key = keyOf(s);
    for (const span of linesRead(dm, operand, s.start, s.count))
      for (let line = span.lo; line < span.hi; line++) {
        const list = out[line]!;
        if (list[list.length - 1] !== key) list.push(key);
      }
  }
  for (const list of out) {
    list.sort((x, y) => x - y);
    let w = 0;
    for (let r = 0; r < list.length; r++) if (r === 0 || list[r] !== list[w - 1]) list[w++] = list[r]!;
    list.length = w;
  }
  return out;
}
