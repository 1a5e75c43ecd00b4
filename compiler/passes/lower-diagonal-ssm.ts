// Graph pass `lowerDiagonalSsm`: every DiagonalSsm (S4D) becomes real NetGraph nodes with its float semantics:
// each complex mode is a 2×2 rotation-scaling block of an accumulator with a recurrent edge; a bidirectional
// one becomes three phases joined by sequence buffers (lower-bidirectional-ssm.ts).

import { SpikegridError } from "../../common/errors.js";
import { type DiagonalSsmNode, inferShapes, type NetGraph } from "../graph/index.js";
import { discretizeDiagonalSsm } from "../graph/ssm.js";
import { cloneGraph } from "./graph-edit.js";
import { insertBidirectional } from "./lower-bidirectional-ssm.js";
import { diagnose, type PassContext } from "./pass.js";
import { type AccumulatorSpec, insertAccumulator } from "./recurrent-accumulator.js";

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
    const h = shapes.get(id)!.inputs.in![0]!;
    const modes = node.lambdaRe.shape[1]!;
    const fwd = accumulatorSpec(node, h, node.cRe.data, node.cIm.data, node.d.data);
    if (!node.bidirectional) {
      insertAccumulator(out, id, fwd);
      diagnose(
        ctx,
        PASS,
        "note",
        `S4D (${node.discretization}) with ${h} channels × ${modes} complex modes → ${h * fwd.state} real states in "${id}.x"`,
        id,
      );
      continue;
    }
    if (ctx.options.bidirectional === "refuse")
      throw new SpikegridError(
        "UNSUPPORTED",
        `node "${id}" (DiagonalSsm) is bidirectional: its output at step t depends on all future inputs, so it cannot stream step by step, and --bidirectional refuse forbids the buffered phases`,
        {
          hint: "compile with --bidirectional phases (the default: a buffered schedule of 2 extra passes over the clip), or use a causal (unidirectional) SSM",
        },
      );
    const bwd = accumulatorSpec(node, h, node.cBackRe!.data, node.cBackIm!.data, new Float64Array(h));
    insertBidirectional(out, id, h, ctx.options.dt ?? g.dt ?? 1, fwd, bwd);
    diagnose(
      ctx,
      PASS,
      "note",
      `bidirectional S4D (${node.discretization}) with ${h} channels × ${modes} complex modes → three phases over the clip: "${id}.store" keeps the input (T × ${h} values), the reversed pass "${id}.back" (${h * bwd.state} real states) keeps its output (T × ${h}), then the forward pass "${id}.x" (${h * fwd.state} states) and the rest of the network run forward: 2·T more steps, 2·T·${h} stored values`,
      id,
    );
  }
  return out;
}

/** The accumulator of one direction: readout C (cRe, cIm per [h, mode]) and D (per channel; all 0 → no u slot). */
function accumulatorSpec(
  node: DiagonalSsmNode,
  h: number,
  cRe: ArrayLike<number>,
  cIm: ArrayLike<number>,
  d: ArrayLike<number>,
): AccumulatorSpec {
  const modes = node.lambdaRe.shape[1]!;
  const withU = Array.prototype.some.call(d, (v: number) => v !== 0);
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
      c[r] = 2 * cRe[m]!;
      c[r + 1] = -2 * cIm[m]!;
    }
    if (withU) {
      b[ch * s + s - 1] = 1; // the u slot copies this step's input (its A row is zero)
      c[ch * s + s - 1] = d[ch]!;
    }
  }
  return { channels: h, state: s, b, a, c };
}
