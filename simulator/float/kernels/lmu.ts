// The Legendre Memory Unit memory's recurrent kernel; its matrices (ZOH-discretised A, B) are compiler/graph's.

import type { LmuMemoryNode } from "../../../compiler/graph/index.js";
import { lmuMatrices } from "../../../compiler/graph/lmu.js";
import type { Kernel, KernelContext } from "./types.js";

/** m_u ← Ā m_u + B̄ x_u for each of the U input channels; output [U·order], channel-major. */
export function lmuKernel(node: LmuMemoryNode, ctx: KernelContext): Kernel {
  const d = node.order;
  const u = ctx.inShapes[0]![0]!;
  const { Abar, Bbar } = lmuMatrices(d, node.theta, node.dtSteps);
  const m = new Float64Array(u * d);
  const prev = new Float64Array(d);
  return {
    out: m,
    step([x]) {
      for (let c = 0; c < u; c++) {
        const base = c * d;
        prev.set(m.subarray(base, base + d));
        const xc = x![c]!;
        for (let i = 0; i < d; i++) {
          let s = Bbar[i]! * xc;
          const row = i * d;
          for (let j = 0; j < d; j++) s += Abar[row + j]! * prev[j]!;
          m[base + i] = s;
        }
      }
    },
    reset: () => m.fill(0),
  };
}
