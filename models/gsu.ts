// The Gated Spiking Unit (Stan & Rhodes, Sci. Rep. 2024; stanmatei/learning_long_sequences_snns s4_gsu.py):
// the S4 layer's output_linear + GLU replaced by ternary gated mixing, LayerNorm and GELU, on the same
// SequenceModel backbone as Binary S4D (s4d.ts).

import type { NetGraph } from "../compiler/graph/graph.js";
import { createActivation, createTernaryGatedMix } from "../compiler/graph/nodes.js";
import { seq, zeros } from "./layers.js";
import { buildS4Model, layerNorm, type S4Config, type S4Layer } from "./s4d.js";

/** The official ternarisation ratio: thresholds are 0.15·max|y| (per token) and 0.15·max|W|. */
export const GSU_RATIO = 0.15;

/**
 * After the SSM at `p`: `GSU` [H, H] (+ `GSU_bias`) as TernaryGatedMix, then `norm` (nn.LayerNorm(H)) and
 * `activation` (nn.GELU, exact). Dropout is the identity at inference. The mixing node's id is the GSU
 * parameter's own path, so the checkpoint keys `….layer.GSU` / `….layer.GSU_bias` load by name.
 */
const gsuLayer: S4Layer = (g, p, c, u) => {
  const h = c.dModel;
  return seq(g, u, [
    [`${p}.GSU`, createTernaryGatedMix(zeros([h, h]), zeros([h]), GSU_RATIO)],
    [`${p}.norm`, layerNorm(h)],
    [`${p}.activation`, createActivation("gelu")],
  ]);
};

/**
 * SequenceModel with s4_gsu layers. On chips with graded function and product neurons lowerNonlinear rewrites
 * TernaryGatedMix (exactly), LayerNorm and GELU (table function neurons); elsewhere compile refuses them.
 */
export function buildGsu(c: S4Config): NetGraph {
  return buildS4Model(c, "gsu", gsuLayer);
}
