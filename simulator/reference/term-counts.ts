// Counts of the term neurons a dynamic matmul realised by counted term neurons stands for (NMIR `realisation`):
// the rows lowerAttention's explicit populations and projections would give, derived from the operands' events
// each step (a term fires exactly when both its operands are nonzero), so they equal the explicit form's counts.

import type { DynamicMatmul } from "../../compiler/nmir/types.js";
import {
  type PopulationCounts,
  type ProjectionCounts,
  zeroPopulationCounts,
  zeroProjectionCounts,
} from "./counts.js";
import type { Frame } from "./schedule.js";

/** The explicit form's rows: projections `<id>.terms.a`, `.terms.b`, `<id>.sum`; populations `<id>.terms`, `<id>`. */
export interface TermRows {
  fromA: ProjectionCounts;
  fromB: ProjectionCounts;
  sum: ProjectionCounts;
  terms: PopulationCounts;
  accumulators: PopulationCounts;
}

/** Zeroed rows for `dm`, marked counted (not instantiated); `aSpike`/`bSpike`: the operands' event kinds. */
export function termRows(dm: DynamicMatmul, aSpike: boolean, bSpike: boolean): TermRows {
  const form = dm.realisation!.form;
  const terms = `${dm.id}.terms`;
  const [pa, pb] = form === "coincidence" ? ["in", "in"] : ["a", "b"];
  const proj = (id: string, src: string, dst: string, port: string, spike: boolean): ProjectionCounts => ({
    ...zeroProjectionCounts({ id, src, dst, port }, spike ? "spike" : "graded"),
    counted: true,
  });
  return {
    fromA: proj(`${terms}.a`, dm.a, terms, pa!, aSpike),
    fromB: proj(`${terms}.b`, dm.b, terms, pb!, bSpike),
    sum: proj(`${dm.id}.sum`, terms, dm.id, "in", form === "coincidence"),
    terms: {
      ...zeroPopulationCounts(terms, form === "coincidence" ? "threshold" : "product", dm.m * dm.k * dm.n),
      counted: true,
    },
    accumulators: { ...zeroPopulationCounts(dm.id, "linear", dm.m * dm.n), counted: true },
  };
}

export const termProjectionRows = (r: TermRows) => [r.fromA, r.fromB, r.sum];
export const termPopulationRows = (r: TermRows) => [r.terms, r.accumulators];

/** Per operand-row index l: nonzero A[·, l] and nonzero B[l, ·] (reused buffers). */
export class TermCounter {
  private readonly colsA: Int32Array;
  private readonly rowsB: Int32Array;

  constructor(
    private readonly dm: DynamicMatmul,
    readonly rows: TermRows,
  ) {
    this.colsA = new Int32Array(dm.k);
    this.rowsB = new Int32Array(dm.k);
  }

  /**
   * One step: A and B (undefined before step 0 in pipelined mode) reach m·k·n terms through one synapse each;
   * a term is active when either operand is nonzero and fires (a spike, or a nonzero product) when both are;
   * each firing term is one event into its accumulator; `nonzeroSums` accumulators had a nonzero input,
   * `outEvents` sent one. The matmul's clamps are the accumulators' (`saturations`, `overshoot`).
   */
  step(
    A: Frame | undefined,
    B: Frame | undefined,
    nonzeroSums: number,
    outEvents: number,
    sat: { saturations: number; overshoot: number },
  ): void {
    const { m, k, n, transposeB } = this.dm;
    const r = this.rows;
    const size = m * k * n;
    const { colsA, rowsB } = this;
    colsA.fill(0);
    rowsB.fill(0);
    const aCount = A?.count ?? 0;
    const bCount = B?.count ?? 0;
    for (let e = 0; e < aCount; e++) colsA[A!.idx[e]! % k]!++;
    for (let e = 0; e < bCount; e++) {
      const bi = B!.idx[e]!;
      rowsB[transposeB ? bi % k : Math.floor(bi / n)]!++;
    }
    let fired = 0;
    let active = 0;
    for (let l = 0; l < k; l++) {
      const both = colsA[l]! * rowsB[l]!;
      fired += both;
      active += colsA[l]! * n + m * rowsB[l]! - both;
    }
    const deliver = (p: ProjectionCounts, events: number, fanOut: number) => {
      p.events += events;
      if (p.srcEvent === "spike") p.ac += events * fanOut;
      else p.mac += events * fanOut;
      p.dense += size;
    };
    deliver(r.fromA, aCount, n);
    deliver(r.fromB, bCount, m);
    deliver(r.sum, fired, 1);
    r.terms.neuronUpdates += size;
    r.terms.activeNeuronUpdates += active;
    if (r.terms.kind === "threshold") r.terms.spikes += fired;
    else r.terms.gradedEvents += fired;
    const acc = r.accumulators;
    acc.neuronUpdates += m * n;
    acc.activeNeuronUpdates += nonzeroSums;
    acc.gradedEvents += outEvents;
    acc.saturations += sat.saturations;
    acc.overshoot = Math.max(acc.overshoot, sat.overshoot);
  }
}
