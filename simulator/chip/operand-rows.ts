// Where a dynamic matmul's operand neurons must go: each only to the cores whose output slices read it (an
// output Y[i, j] reads row i of A and column j of B; compiler/mapping/operand-reads.ts), not to every core of
// the matmul. Counted before any table is built so a module past DEST_ROW_LIMIT is refused at once.

import { SpikegridError } from "../../common/errors.js";
import { type Operand, operandLine, readersByLine } from "../../compiler/mapping/operand-reads.js";
import type { DynamicMatmul, NmirModule } from "../../compiler/nmir/types.js";
import type { Layout } from "./layout.js";

/** Destination rows the simulator can index: rows are numbered in Int32 arrays (CSR starts, Router.base). */
export const DEST_ROW_LIMIT = 2 ** 31 - 1;

/** One matmul reading a source as one of its operands: the slots reading each of the operand's lines. */
export interface OperandReader {
  dm: DynamicMatmul;
  operand: Operand;
  slotsByLine: number[][];
}

/** Per source id, the matmuls reading it (a source read as both operands of one matmul appears twice). */
export function operandReaders(ir: NmirModule, layout: Layout): Map<string, OperandReader[]> {
  const out = new Map<string, OperandReader[]>();
  for (const dm of ir.dynamicMatmuls) {
    const slices = layout.slices.get(dm.id)!;
    for (const operand of ["a", "b"] as const) {
      const src = operand === "a" ? dm.a : dm.b;
      const slotsByLine = readersByLine(dm, operand, slices, (s) => (s as (typeof slices)[number]).slot);
      out.set(src, [...(out.get(src) ?? []), { dm, operand, slotsByLine }]);
    }
  }
  return out;
}

/** The slots reading operand neuron `i` (one reader's list, not copied). */
export function readingSlots(r: OperandReader, i: number): number[] {
  return r.slotsByLine[operandLine(r.dm, r.operand, i)]!;
}

/**
 * The destination rows the dynamic matmuls' operands need (each operand neuron reaching the cores that read
 * it), exact, counting stopped once past `stopAt`; `worst`: the source with the most rows and the most cores
 * one of its neurons reaches.
 */
export function matmulOperandRows(
  sizes: ReadonlyMap<string, number>,
  slots: number,
  readers: ReadonlyMap<string, OperandReader[]>,
  stopAt = Number.POSITIVE_INFINITY,
): { rows: number; worst: { id: string; rows: number; cores: number } } {
  let rows = 0;
  let worst = { id: "", rows: 0, cores: 0 };
  const mark = new Int32Array(slots).fill(-1);
  for (const [src, rs] of readers) {
    const n = sizes.get(src) ?? 0;
    let here = 0;
    let most = 0;
    if (rs.length === 1) {
      // every line holds k neurons with the same readers
      for (const list of rs[0]!.slotsByLine) {
        here += list.length * rs[0]!.dm.k;
        most = Math.max(most, list.length);
      }
    } else
      for (let i = 0; i < n && rows + here <= stopAt; i++) {
        let m = 0;
        for (const r of rs)
          for (const s of readingSlots(r, i))
            if (mark[s] !== i) {
              mark[s] = i;
              m++;
            }
        here += m;
        most = Math.max(most, m);
      }
    rows += here;
    if (here > worst.rows) worst = { id: src, rows: here, cores: most };
    if (rows > stopAt) break;
  }
  return { rows, worst };
}

/**
 * Refuses a module whose dynamic matmuls' operands alone need more destination rows than the simulator can
 * index, before any table is built: spikformer-8-768 at 224×224 on loihi2-hala-point needed ≈ 2.8 G rows when
 * every operand neuron reached every core of its matmul.
 */
export function checkMatmulOperandRows(
  ir: NmirModule,
  sizes: ReadonlyMap<string, number>,
  layout: Layout,
  readers: ReadonlyMap<string, OperandReader[]> = operandReaders(ir, layout),
): void {
  const { rows, worst } = matmulOperandRows(sizes, layout.slots, readers, DEST_ROW_LIMIT);
  if (rows > DEST_ROW_LIMIT)
    throw new SpikegridError(
      "RESOURCE_LIMIT",
      `the chip simulator would need more than ${DEST_ROW_LIMIT.toLocaleString("en-US")} destination rows (operand neuron × reading core) for the dynamic matmuls' operands alone, the most it can index (DEST_ROW_LIMIT): ${rows.toLocaleString("en-US")} counted so far; each operand neuron reaches the cores whose outputs read it ("${worst.id}": ${worst.rows.toLocaleString("en-US")} rows, up to ${worst.cores.toLocaleString("en-US")} cores per neuron)`,
      {
        hint: "compile and map still give the cores, chips and memory; to simulate, use a smaller input (zoo setting imageSize, e.g. --set imageSize=112) or fewer tokens per matmul",
      },
    );
}
