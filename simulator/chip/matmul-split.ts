// What a dynamic matmul did on each of its cores in one step, from the operand frames its kernel read: the
// products Y[i, j] += A[i, l]·B[l, j] (both nonzero) on the core of Y[i, j], and, for counted term neurons, the
// operand events into the terms of the outputs there — so each core is charged for what it received.

import type { DynamicMatmul } from "../../compiler/nmir/types.js";
import type { Frame } from "../reference/schedule.js";
import type { MatmulUnit } from "./datapath.js";

export class MatmulSplit {
  /** Per output row i, runs [rowStart[i], rowStart[i + 1]) of outputs on one core: core q, columns [j0, j1). */
  private readonly rowStart: Int32Array;
  private readonly runQ: Int32Array;
  private readonly runJ0: Int32Array;
  private readonly runJ1: Int32Array;
  /** Per A row: its events; per B column: prefix count of its events; per B row l: prefix of nonzeros along j. */
  private readonly rowEvents: Int32Array;
  private readonly colPrefix: Int32Array;
  private readonly bPrefix: Int32Array;
  /** Per core (index among the matmul's cores): products, A events × its outputs in their rows, B events × its
   * outputs in their columns. */
  readonly products: Float64Array;
  readonly fromA: Float64Array;
  readonly fromB: Float64Array;

  /** `coreOf`: per output, the index of its core among the matmul's `cores` cores. */
  constructor(
    private readonly dm: DynamicMatmul,
    coreOf: ArrayLike<number>,
    cores: number,
  ) {
    const { m, k, n } = dm;
    const q: number[] = [];
    const j0: number[] = [];
    const j1: number[] = [];
    this.rowStart = new Int32Array(m + 1);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const c = coreOf[i * n + j]!;
        if (j > 0 && q[q.length - 1] === c) j1[j1.length - 1] = j + 1;
        else {
          q.push(c);
          j0.push(j);
          j1.push(j + 1);
        }
      }
      this.rowStart[i + 1] = q.length;
    }
    this.runQ = Int32Array.from(q);
    this.runJ0 = Int32Array.from(j0);
    this.runJ1 = Int32Array.from(j1);
    this.rowEvents = new Int32Array(m);
    this.colPrefix = new Int32Array(n + 1);
    this.bPrefix = new Int32Array(k * (n + 1));
    this.products = new Float64Array(cores);
    this.fromA = new Float64Array(cores);
    this.fromB = new Float64Array(cores);
  }

  /** One step from the frames the kernel read (undefined before step 0 in pipelined mode). */
  step(A: Frame | undefined, B: Frame | undefined): void {
    const { m, k, n, transposeB } = this.dm;
    const { rowStart, runQ, runJ0, runJ1, rowEvents, colPrefix, bPrefix, products, fromA, fromB } = this;
    products.fill(0);
    fromA.fill(0);
    fromB.fill(0);
    rowEvents.fill(0);
    colPrefix.fill(0);
    const aCount = A?.count ?? 0;
    const bCount = B?.count ?? 0;
    for (let e = 0; e < aCount; e++) rowEvents[Math.floor(A!.idx[e]! / k)]!++;
    for (let e = 0; e < bCount; e++) {
      const bi = B!.idx[e]!;
      colPrefix[(transposeB ? Math.floor(bi / k) : bi % n) + 1]!++;
    }
    for (let j = 0; j < n; j++) colPrefix[j + 1]! += colPrefix[j]!;
    // a term (i, l, j) sits with Y[i, j]: A[i, l] reaches the terms of row i's outputs, B[l, j] column j's
    for (let i = 0; i < m; i++)
      for (let r = rowStart[i]!; r < rowStart[i + 1]!; r++) {
        fromA[runQ[r]!]! += rowEvents[i]! * (runJ1[r]! - runJ0[r]!);
        fromB[runQ[r]!]! += colPrefix[runJ1[r]!]! - colPrefix[runJ0[r]!]!;
      }
    if (aCount === 0 || bCount === 0) return;
    // B[l, j] at l·n + j (transposed: j·k + l); per l, nonzeros over columns [0, j) at bPrefix[l·(n + 1) + j]
    const bv = B!.values;
    for (let l = 0; l < k; l++) {
      const p = l * (n + 1);
      bPrefix[p] = 0;
      for (let j = 0; j < n; j++)
        bPrefix[p + j + 1] = bPrefix[p + j]! + (bv[transposeB ? j * k + l : l * n + j] !== 0 ? 1 : 0);
    }
    for (let e = 0; e < aCount; e++) {
      const ai = A!.idx[e]!;
      const i = Math.floor(ai / k);
      const p = (ai - i * k) * (n + 1);
      for (let r = rowStart[i]!; r < rowStart[i + 1]!; r++)
        products[runQ[r]!]! += bPrefix[p + runJ1[r]!]! - bPrefix[p + runJ0[r]!]!;
    }
  }
}

/** Per core of a matmul this step: AC, MAC, and (term neurons) all and active updates, term events. */
export interface MatmulShares {
  ac: Float64Array;
  mac: Float64Array;
  all: Float64Array;
  active: Float64Array;
  fired: Float64Array;
}

const shareBuffers = new WeakMap<MatmulSplit, MatmulShares>();

/**
 * The matmul's work this step per core, from `split` (stepped on this step's operands). `d`: its totals this
 * step [AC, MAC, all updates, active updates, term events] (natively AC and MAC only); `asTerms`: charged as
 * the term neurons that realise it (the chip has their neurons). Natively a core does
 * the products of its outputs; realised by term neurons (term-counts.ts), a core holds its outputs' k terms
 * each and their accumulators: the operand events into those terms, the term events (its products) into the
 * accumulators, and active terms (an operand nonzero) exactly; the accumulators' active updates (a nonzero sum)
 * go by the cores' term events, the only cores whose sums can be nonzero. The shares sum to `d`.
 */
export function matmulShares(
  unit: MatmulUnit,
  split: MatmulSplit,
  counts: Int32Array,
  d: Float64Array,
  asTerms: boolean,
): MatmulShares {
  const cores = counts.length;
  let s = shareBuffers.get(split);
  if (!s) {
    const z = () => new Float64Array(cores);
    s = { ac: z(), mac: z(), all: z(), active: z(), fired: z() };
    shareBuffers.set(split, s);
  }
  const { products, fromA, fromB } = split;
  const terms = unit.terms;
  if (!terms || !asTerms) {
    // natively: the products, accumulates when an operand spikes (the kernel counted them as AC or MAC)
    const asMac = d[1]! > 0;
    for (let q = 0; q < cores; q++) {
      s.ac[q] = asMac ? 0 : products[q]!;
      s.mac[q] = asMac ? products[q]! : 0;
      s.all[q] = s.active[q] = s.fired[q] = 0;
    }
    return checked(unit, s, d, 2);
  }
  const spike = (p: { srcEvent: string }) => p.srcEvent === "spike";
  const k = unit.dm.k;
  let termActive = 0;
  let fired = 0;
  for (let q = 0; q < cores; q++) {
    s.ac[q] = s.mac[q] = 0;
    (spike(terms.fromA) ? s.ac : s.mac)[q]! += fromA[q]!;
    (spike(terms.fromB) ? s.ac : s.mac)[q]! += fromB[q]!;
    (spike(terms.sum) ? s.ac : s.mac)[q]! += products[q]!;
    s.all[q] = (k + 1) * counts[q]!;
    s.fired[q] = products[q]!;
    s.active[q] = fromA[q]! + fromB[q]! - products[q]!;
    termActive += s.active[q]!;
    fired += products[q]!;
  }
  const sums = d[3]! - termActive;
  let most = 0;
  let given = 0;
  for (let q = 0; q < cores && fired > 0; q++) {
    const x = Math.floor((sums * products[q]!) / fired);
    s.active[q]! += x;
    given += x;
    if (products[q]! > products[most]!) most = q;
  }
  s.active[most]! += sums - given;
  return checked(unit, s, d, 5);
}

/** The shares must add up to the matmul's own totals (the first `n` of AC, MAC, all, active, fired). */
function checked(unit: MatmulUnit, s: MatmulShares, d: Float64Array, n: number): MatmulShares {
  const cols = [s.ac, s.mac, s.all, s.active, s.fired];
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const x of cols[i]!) sum += x;
    if (sum !== d[i])
      throw new Error(`dynamic matmul "${unit.id}": per-core shares ${sum} ≠ ${d[i]} (column ${i})`);
  }
  return s;
}
