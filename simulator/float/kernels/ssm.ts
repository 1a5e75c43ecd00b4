// The diagonal state-space layer (S4D) in its recurrent form: per channel h and complex mode n,
// x ← λ̄x + B̄u, y = 2·Re(Σ_n C·x) + D·u, with (λ̄, B̄) from ZOH or bilinear discretisation (state-spaces/s4).

import { SpikegridError } from "../../../common/errors.js";
import type { DiagonalSsmNode } from "../../../compiler/graph/index.js";
import { discretizeDiagonalSsm } from "../../../compiler/graph/ssm.js";
import { bidirectionalSsmKernel } from "./ssm-bidirectional.js";
import type { Kernel, KernelContext } from "./types.js";

export function diagonalSsmKernel(node: DiagonalSsmNode, ctx: KernelContext): Kernel {
  if (node.bidirectional && ctx.sequenceLength !== undefined)
    return bidirectionalSsmKernel(node, ctx.sequenceLength);
  if (node.bidirectional) {
    throw new SpikegridError(
      "UNSUPPORTED",
      `node "${ctx.id}" (DiagonalSsm) is bidirectional: its output at step t depends on all future inputs, which a step-by-step simulator cannot see`,
      {
        hint: 'run the finite input as one sequence (CLI: simulate --engine float --sequence whole; library: runFloat(…, { sequence: "whole" })), or use a causal (unidirectional) SSM for streaming',
      },
    );
  }
  const [h, modes] = node.cRe.shape as [number, number];
  const { aRe, aIm, bRe, bIm } = discretizeDiagonalSsm(node);
  const cRe = Float64Array.from(node.cRe.data);
  const cIm = Float64Array.from(node.cIm.data);
  const dd = Float64Array.from(node.d.data);
  const xRe = new Float64Array(h * modes);
  const xIm = new Float64Array(h * modes);
  const out = new Float64Array(h);
  return {
    out,
    step([u]) {
      for (let c = 0; c < h; c++) {
        const uc = u![c]!;
        let y = 0;
        for (let k = c * modes, end = k + modes; k < end; k++) {
          const r = aRe[k]! * xRe[k]! - aIm[k]! * xIm[k]! + bRe[k]! * uc;
          const i = aRe[k]! * xIm[k]! + aIm[k]! * xRe[k]! + bIm[k]! * uc;
          xRe[k] = r;
          xIm[k] = i;
          y += cRe[k]! * r - cIm[k]! * i; // Re(C·x)
        }
        out[c] = 2 * y + dd[c]! * uc;
      }
    },
    reset() {
      xRe.fill(0);
      xIm.fill(0);
      out.fill(0);
    },
  };
}
