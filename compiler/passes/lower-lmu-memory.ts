// Graph pass `lowerLmuMemory`: every LmuMemory node becomes NetGraph nodes with exactly its float semantics —
// B̄ per input channel into an identity accumulator m with a recurrent Ā edge: m_t = Ā m_{t−1} + B̄ u_t.

import { inferShapes, type NetGraph } from "../graph/index.js";
import { lmuMatrices } from "../graph/lmu.js";
import { cloneGraph } from "./graph-edit.js";
import { diagnose, type PassContext } from "./pass.js";
import { insertAccumulator } from "./recurrent-accumulator.js";

const PASS = "lowerLmuMemory";

/**
 * Output layout is the node's own: channel-major m[u·order + i]. Ā, B̄ come from `lmuMatrices` (ZOH with step
 * dtSteps), so the rewritten graph equals the LmuMemory kernel of the float reference up to rounding.
 */
export function lowerLmuMemory(g: NetGraph, ctx: PassContext): NetGraph {
  const lmus = [...g.nodes].filter(([, n]) => n.kind === "LmuMemory");
  if (!lmus.length) return g;
  const shapes = inferShapes(g);
  const out = cloneGraph(g);
  for (const [id, node] of lmus) {
    if (node.kind !== "LmuMemory") continue;
    const u = shapes.get(id)!.inputs.in![0]!;
    const d = node.order;
    const { Abar, Bbar } = lmuMatrices(d, node.theta, node.dtSteps);
    const b = new Float64Array(u * d);
    const a = new Float64Array(u * d * d);
    for (let c = 0; c < u; c++) {
      b.set(Bbar, c * d);
      a.set(Abar, c * d * d);
    }
    insertAccumulator(out, id, { channels: u, state: d, b, a });
    diagnose(
      ctx,
      PASS,
      "note",
      `LMU memory (order ${d}, θ ${node.theta}) over ${u} channel${u === 1 ? "" : "s"} → B̄ into accumulator "${id}.x" with recurrent Ā`,
      id,
    );
  }
  return out;
}
