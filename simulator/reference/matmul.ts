// Dynamic matmul kernel (spiking self-attention Q·Kᵀ, attn·V): Y = sat(mulShift(A·B, 1, shift), outBits) with an
// exact A·B (float64 when max|A|·max|B|·k < 2^53, BigInt otherwise), event-driven over A's nonzero entries.

import type { DynamicMatmul } from "../../compiler/nmir/types.js";
import { bigShift, EXACT, satBounds } from "./arith.js";
import type { MatmulCounts } from "./counts.js";
import { emit, SatCounter } from "./models.js";
import type { Frame } from "./schedule.js";
import type { TermCounter } from "./term-counts.js";

export interface MatmulKernel {
  /** One step from the operand frames (undefined before step 0 in pipelined mode); adds to `tally`. */
  step(a: Frame | undefined, b: Frame | undefined, out: Frame, tally: MatmulCounts): void;
}

/**
 * `binary`: either operand is a spike source, so each product is an accumulate (AC), else a MAC. `terms`: the
 * matmul is realised by counted term neurons; each step also counts what they would do (term-counts.ts).
 */
export function createMatmulKernel(
  dm: DynamicMatmul,
  quantized: boolean,
  binary: boolean,
  terms?: TermCounter,
): MatmulKernel {
  const { m, k, n, transposeB } = dm;
  const div = 2 ** dm.shift;
  const [lo, hi] = satBounds(dm.outBits, quantized);
  const y = new Float64Array(m * n);
  const c = new SatCounter();
  // B[l, j] lives at l·bRow + j·bCol.
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;

  /** Calls add(o, a, b) for every product with both operands nonzero; returns their number. */
  const pairs = (A: Frame, B: Frame, add: (o: number, a: number, b: number) => void) => {
    let ops = 0;
    for (let e = 0; e < A.count; e++) {
      const ai = A.idx[e]!;
      const a = A.values[ai]!;
      const i = Math.floor(ai / k);
      const l = ai - i * k;
      for (let j = 0; j < n; j++) {
        const b = B.values[l * bRow + j * bCol]!;
        if (b !== 0) {
          add(i * n + j, a, b);
          ops++;
        }
      }
    }
    return ops;
  };

  return {
    step(A, B, out, tally) {
      tally.dense += m * k * n;
      y.fill(0);
      let ops = 0;
      let big: bigint[] | undefined;
      if (A && B && A.count > 0 && B.count > 0) {
        if (!quantized || A.maxAbs * B.maxAbs * k < EXACT) {
          ops = pairs(A, B, (o, a, b) => {
            y[o]! += a * b;
          });
        } else {
          const acc: bigint[] = new Array(m * n).fill(0n);
          ops = pairs(A, B, (o, a, b) => {
            acc[o]! += BigInt(a) * BigInt(b);
          });
          big = acc;
        }
      }
      let nonzeroSums = 0;
      for (let o = 0; o < m * n; o++) {
        if (terms && (big ? big[o] !== 0n : y[o] !== 0)) nonzeroSums++;
        const v = big ? bigShift(big[o]!, dm.shift) : quantized ? Math.trunc(y[o]! / div) : y[o]! / div;
        emit(out, o, c.sat(v, lo, hi));
      }
      if (binary) tally.ac += ops;
      else tally.mac += ops;
      tally.gradedEvents += out.count;
      const before = { saturations: tally.saturations, overshoot: tally.overshoot };
      c.drainInto(tally);
      terms?.step(A, B, nonzeroSums, out.count, {
        saturations: tally.saturations - before.saturations,
        overshoot: tally.overshoot,
      });
    },
  };
}
