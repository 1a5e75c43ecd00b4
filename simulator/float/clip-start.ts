// The "free" clip start of the streaming runner (ClipStart, compiler/graph/lookahead.ts): every node runs from
// step 0 and sees the look-ahead partial sums of frames < 0, as lowerToNmir's ungated module does on a chip.
// Two things still follow the plan, because the lowering keeps them: edges are delayed for alignment, and the
// constant of a linear node (bias, BatchNorm shift) starts at its frame 0 (`plan.ahead`) — NMIR carries it as
// a constant path delayed to that step, not as part of the signal.

import {
  type ClipStart,
  type GraphNode,
  hasFrameConstant,
  type LookaheadPlan,
} from "../../compiler/graph/index.js";
import type { ScheduledNode } from "../../compiler/graph/schedule.js";
import { sizeOf } from "./inputs.js";
import { createKernel, type KernelContext } from "./kernels/index.js";

/**
 * The node a kernel is built from. In "free" mode a TemporalConv runs causally from step 0 with nothing
 * withheld: its kernel emits 0 for the first `lookahead` steps it runs, but those steps are the partial sums of
 * its frames < 0 (Σ over the taps that already have input), which the ungated lowering delivers.
 */
export function kernelNode(node: GraphNode, clipStart: ClipStart): GraphNode {
  return clipStart === "free" && node.kind === "TemporalConv" ? { ...node, lookahead: 0 } : node;
}

/**
 * Per node, the constant that "free" mode subtracts from its output before `plan.ahead[i]` (undefined when
 * none): the output of a fresh kernel fed zeros, which is exactly its additive constant for the linear kinds
 * `hasFrameConstant` names (stateless, or causal from zero history).
 */
export function withheldConstants(
  nodes: readonly ScheduledNode[],
  plan: LookaheadPlan,
  dt: number,
): (Float64Array | undefined)[] {
  return nodes.map((sn, i) => {
    if (!hasFrameConstant(sn.node) || plan.ahead[i]! === 0) return undefined;
    const ctx: KernelContext = { id: sn.id, dt, inShapes: sn.inShapes, outShape: sn.outShape };
    const k = createKernel(kernelNode(sn.node, "free"), ctx);
    k.step(sn.inShapes.map((s) => new Float64Array(sizeOf(s))));
    return k.out.some((v) => v !== 0) ? Float64Array.from(k.out) : undefined;
  });
}
