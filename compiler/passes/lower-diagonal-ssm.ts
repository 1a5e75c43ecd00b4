// Graph pass `lowerDiagonalSsm`: every (causal) DiagonalSsm (S4D) becomes real NetGraph nodes with its float
// semantics: each complex mode is a 2×2 rotation-scaling block of an accumulator with a recurrent edge.

import { SpikegridError } from "../../common/errors.js";
import { inferShapes, type NetGraph } from "../graph/index.js";
import { discretizeDiagonalSsm } from "../graph/ssm.js";
import { cloneGraph } from "./graph-edit.js";
import { diagnose, type PassContext } from "./pass.js";
import { insertAccumulator } from "./recurrent-accumulator.js";

const PASS = "lowerDiagonalSsm";

/**
 * Per channel h the state is [Re x_0, Im x_0, …, Re x_{M−1}, Im x_{M−1}] (+ u when D ≠ 0 anywhere):
 *   [r; i] ← [[aRe, −aIm], [aIm, aRe]]·[r; i] + [bRe; bIm]·u     (λ̄, B̄ from discretizeDiagonalSsm: ZOH or bilinear)
 *   y = Σ_k (2cRe·r − 2cIm·i) + D·u                              (= 2·Re(Σ C x) + D u)
 * Carrying u in the state keeps one entry and one exit node, so a surrounding loop is cut where it was.
 */
export function lowerDiagonalSsm(g: NetGraph, ctx: PassContext): NetGraph {
  const ssms = [...g.nodes].filter(([, n]) => n.kind === "DiagonalSsm");
  if (!ssms.length) return g;
  const shapes = inferShapes(g);
  const out = cloneGraph(g);
  for (const [id, node] of ssms) {
    if (node.kind !== "DiagonalSsm") continue;
    if (node.bidirectional) {
      throw new SpikegridError(
        "UNSUPPORTED",
        `node "${id}" (DiagonalSsm) is bidirectional: its output at step t depends on all future inputs, which a chip running step by step cannot see`,
        { hint: "use a causal (unidirectional) SSM, or run the bidirectional layer offline" },
      );
    }
    const h = shapes.get(id)!.inputs.in![0]!;
    const modes = node.lambdaRe.shape[1]!;
    const withU = node.d.data.some((v) => v !== 0);
    const s = 2 * modes + (withU ? 1 : 0);
    const { aRe, aIm, bRe, bIm } = discretizeDiagonalSsm(node);
    const b = new Float64Array(h * s);
    const a = new Float64Array(h * s * s);
    const c = new Float64Array(h * s);
    for (let ch = 0; ch < h; ch++) {
      for (let k = 0; k < modes; k++) {
        const m = ch * modes + k;
        const r = ch * s + 2 * k; // row of Re x_k; Im x_k is r + 1
        b[r] = bRe[m]!;
        b[r + 1] = bIm[m]!;
        a[r * s + 2 * k] = aRe[m]!;
        a[r * s + 2 * k + 1] = -aIm[m]!;
        a[(r + 1) * s + 2 * k] = aIm[m]!;
        a[(r + 1) * s + 2 * k + 1] = aRe[m]!;
        c[r] = 2 * node.cRe.data[m]!;
        c[r + 1] = -2 * node.cIm.data[m]!;
      }
      if (withU) {
        b[ch * s + s - 1] = 1; // the u slot copies this step's input (its A row is zero)
        c[ch * s + s - 1] = node.d.data[ch]!;
      }
    }
    insertAccumulator(out, id, { channels: h, state: s, b, a, c });
    diagnose(
      ctx,
      PASS,
      "note",
      `S4D (${node.discretization}) with ${h} channels × ${modes} complex modes → ${h * s} real states in "${id}.x"`,
      id,
    );
  }
  return out;
}
