// lowerToNmir, step 5b: terms whose matrix has a structure NMIR keeps without composing it from unit vectors —
// a per-row Linear between permutations (rowwise), pure re-indexing and selection (a gather), a Reduce with
// an optional Linear after it — each built in time linear in its synapses.

import { type Connectivity, createRowwise } from "../../nmir/index.js";
import { type Csr, termFunction } from "./compose.js";
import { realWeights } from "./connectivity.js";
import type { Term, TermStep } from "./paths.js";

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Kinds that only move values (a permutation of a tensor's elements). */
const MOVES = new Set(["Transpose", "Reshape", "Flatten"]);
/** Kinds whose matrix has only 0/1 coefficients, summing (pad and Concat's other ports read zeros). */
const GATHERS = new Set([...MOVES, "Concat", "SumPool2d"]);

function subTerm(steps: TermStep[], inShape: number[], outShape: number[]): Term {
  return { steps, inShape, outShape, delay: 0, label: "" };
}

/**
 * Pushes the probe x[k] = k + 1 and the all-ones vector through a chain of 0/1-coefficient steps. Where the
 * ones give 1, exactly one input reaches that output with coefficient 1, and the probe names it (values up to
 * 2^26 are exact in float64). Returns source index per output (−1: zero), or undefined when some output sums
 * more than one input.
 */
function gatherIndex(steps: TermStep[], inShape: number[], outShape: number[]): Int32Array | undefined {
  const n = size(inShape);
  const f = termFunction(subTerm(steps, inShape, outShape));
  const ones = Float64Array.from(f(new Float64Array(n).fill(1)));
  const probe = f(Float64Array.from({ length: n }, (_, k) => k + 1));
  const src = new Int32Array(ones.length);
  for (let j = 0; j < ones.length; j++) {
    if (ones[j] === 0) src[j] = -1;
    else if (ones[j] === 1 && Number.isInteger(probe[j]) && probe[j]! >= 1 && probe[j]! <= n)
      src[j] = probe[j]! - 1;
    else return undefined;
  }
  return src;
}

/** A chain of re-indexing and selection steps as CSR by source (weight 1 per kept element), or undefined. */
export function gatherCsr(term: Term): Csr | undefined {
  if (term.steps.length === 0 || !term.steps.every((s) => GATHERS.has(s.node.kind))) return undefined;
  const src = gatherIndex(term.steps, term.inShape, term.outShape);
  if (!src) return undefined;
  const inSize = size(term.inShape);
  const rowPtr = new Int32Array(inSize + 1);
  for (const s of src) if (s >= 0) rowPtr[s + 1]!++;
  for (let i = 0; i < inSize; i++) rowPtr[i + 1]! += rowPtr[i]!;
  const fill = rowPtr.slice(0, inSize);
  const colIdx = new Int32Array(rowPtr[inSize]!);
  src.forEach((s, j) => {
    if (s >= 0) colIdx[fill[s]!++] = j;
  });
  return { inSize, outSize: src.length, rowPtr, colIdx, values: new Float64Array(colIdx.length).fill(1) };
}

/** Whether `perm` (output → input) is the identity, or the transpose of a [a, b] row-major matrix. */
function layoutOf(perm: Int32Array, a: number, b: number): "rowMajor" | "transposed" | undefined {
  let same = true;
  let transposed = true;
  for (let j = 0; j < perm.length && (same || transposed); j++) {
    if (perm[j] !== j) same = false;
    // output [b, a]: j = q·a + p reads input p·b + q
    const q = Math.floor(j / a);
    const p = j % a;
    if (perm[j] !== p * b + q) transposed = false;
  }
  return same ? "rowMajor" : transposed ? "transposed" : undefined;
}

/**
 * [moves] → Linear → [moves] as one rowwise connectivity: the Linear's rows, with the moves before it reading
 * the source as [rows, in] or [in, rows] and those after it writing [rows, out] or [out, rows]. The gain must
 * be the same for every row of an output feature (weights are shared across rows).
 */
export function rowwiseConnectivity(
  term: Term,
  core: TermStep[],
  gain: Float64Array,
): Connectivity | undefined {
  const at = core.findIndex((s) => s.node.kind === "Linear");
  const lin = core[at];
  if (lin?.node.kind !== "Linear") return undefined;
  if (!core.every((s, k) => k === at || MOVES.has(s.node.kind))) return undefined;
  const [nOut, nIn] = lin.node.weight.shape as [number, number];
  const linIn = lin.inShapes[lin.port]!;
  const rows = size(linIn) / nIn;
  if (rows < 2 || size(term.inShape) !== rows * nIn || size(term.outShape) !== rows * nOut) return undefined;
  // moves before: input element read by each Linear input (as rows × in); after: Linear output per destination
  const before = core.slice(0, at);
  const after = core.slice(at + 1);
  const pre = before.length
    ? gatherIndex(before, term.inShape, linIn)
    : Int32Array.from({ length: rows * nIn }, (_, k) => k);
  const post = after.length
    ? gatherIndex(after, lin.outShape, term.outShape)
    : Int32Array.from({ length: rows * nOut }, (_, k) => k);
  if (!pre || !post) return undefined;
  // pre: Linear input (r, i) ← source; rowMajor means source r·in + i, transposed means source i·rows + r
  const src = layoutOf(pre, nIn, rows);
  // post: destination j ← Linear output; invert to destination of (r, o)
  const inv = new Int32Array(post.length).fill(-1);
  post.forEach((k, j) => {
    if (k >= 0) inv[k] = j;
  });
  const dst = layoutOf(inv, nOut, rows);
  if (!src || !dst) return undefined;
  const dstT = dst === "transposed";
  const dstOf = (r: number, o: number) => (dstT ? o * rows + r : r * nOut + o);
  const w = lin.node.weight.data;
  const weights = new Float64Array(nOut * nIn);
  for (let o = 0; o < nOut; o++) {
    const g = gain[dstOf(0, o)]!;
    for (let r = 1; r < rows; r++) if (gain[dstOf(r, o)] !== g) return undefined;
    for (let i = 0; i < nIn; i++) weights[o * nIn + i] = w[o * nIn + i]! * g;
  }
  return createRowwise({
    rows,
    kernel: [nOut, nIn],
    weights: realWeights(weights),
    srcTransposed: src === "transposed",
    dstTransposed: dstT,
  });
}

/**
 * [moves] → Reduce (sum or mean over axes) → [Linear on the reduced vector], as CSR by source: source s
 * reaches kept index keep(s) with coefficient c (1, or 1 / the reduced count), then W[:, keep(s)]·c.
 */
export function reduceCsr(term: Term): Csr | undefined {
  const at = term.steps.findIndex((s) => s.node.kind === "Reduce");
  const red = term.steps[at];
  const [lin, ...rest] = term.steps.slice(at + 1);
  if (red?.node.kind !== "Reduce" || rest.length) return undefined;
  if (lin && (lin.node.kind !== "Linear" || lin.node.weight.shape[1] !== size(red.outShape)))
    return undefined;
  const moves = term.steps.slice(0, at);
  if (!moves.every((s) => MOVES.has(s.node.kind))) return undefined;
  const shape = red.inShapes[red.port]!;
  if (size(shape) !== size(term.inShape)) return undefined;
  // Reduce input k reads source pre[k]
  const pre = moves.length ? gatherIndex(moves, term.inShape, shape) : undefined;
  if (moves.length && !pre) return undefined;
  const axes = new Set(red.node.axes.map((a) => (a < 0 ? a + shape.length : a)));
  const reduced = shape.reduce((p, d, ax) => (axes.has(ax) ? p * d : p), 1);
  const c = red.node.op === "mean" ? 1 / reduced : 1;
  const inSize = size(shape);
  const keep = new Int32Array(inSize);
  // row-major strides of the kept axes
  const strides = new Array<number>(shape.length).fill(0);
  for (let ax = shape.length - 1, s = 1; ax >= 0; ax--) {
    if (axes.has(ax)) continue;
    strides[ax] = s;
    s *= shape[ax]!;
  }
  for (let k = 0; k < inSize; k++) {
    let rem = k;
    let kept = 0;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      const d = shape[ax]!;
      kept += (rem % d) * strides[ax]!;
      rem = Math.floor(rem / d);
    }
    keep[pre ? pre[k]! : k] = kept;
  }
  const outSize = size(term.outShape);
  if (lin?.node.kind !== "Linear") {
    const rowPtr = Int32Array.from({ length: inSize + 1 }, (_, i) => i);
    return { inSize, outSize, rowPtr, colIdx: keep, values: new Float64Array(inSize).fill(c) };
  }
  const [nOut, nIn] = lin.node.weight.shape as [number, number];
  const w = lin.node.weight.data;
  const rowPtr = Int32Array.from({ length: inSize + 1 }, (_, i) => i * nOut);
  const colIdx = new Int32Array(inSize * nOut);
  const values = new Float64Array(inSize * nOut);
  for (let s = 0; s < inSize; s++)
    for (let o = 0; o < nOut; o++) {
      colIdx[s * nOut + o] = o;
      values[s * nOut + o] = w[o * nIn + keep[s]!]! * c;
    }
  return { inSize, outSize, rowPtr, colIdx, values };
}
