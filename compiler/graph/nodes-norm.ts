// Node kinds for the Binary S4D / GSU family (Stan & Rhodes 2024) that no simpler composition expresses
// exactly: LayerNorm (a per-step statistic over features) and the GSU's ternary gated mixing (thresholds that
// depend on the same step's activations and on the learned matrix itself). Doc comments are the float semantics.

import type { NdArray } from "./ndarray.js";

/**
 * torch.nn.LayerNorm over the last axis (size D): y = (x − mean) / sqrt(var + eps) · weight + bias, with mean and
 * the biased variance taken over the last axis of each step's input; weight and bias are [D]. Output = input shape.
 */
export interface LayerNormNode {
  kind: "LayerNorm";
  weight: NdArray;
  bias: NdArray;
  eps: number;
}

/**
 * The Gated Spiking Unit's feature mixing (s4_gsu.py), input y [H_in] → output [H_out], W [H_in, H_out] in the
 * official orientation (`y @ W`):
 *   δ_y = ratio·max_i |y_i|,  s_i = [y_i > δ_y] − [−y_i > δ_y]            (ternary activations of this step)
 *   δ_W = ratio·max |W|,      T_ij = [W_ij > δ_W] − [−W_ij > δ_W]          (ternary weights derived from W)
 *   out_j = (Σ_i s_i W_ij + bias_j) · (Σ_i y_i T_ij)
 * (`[a > b]` is snntorch's fast_sigmoid forward, a Heaviside with 0 at equality.) The official ratio is 0.15.
 */
export interface TernaryGatedMixNode {
  kind: "TernaryGatedMix";
  weight: NdArray;
  bias: NdArray;
  ratio: number;
}

export type NormNode = LayerNormNode | TernaryGatedMixNode;

export function createLayerNorm(weight: NdArray, bias: NdArray, eps = 1e-5): LayerNormNode {
  return { kind: "LayerNorm", weight, bias, eps };
}
export function createTernaryGatedMix(weight: NdArray, bias: NdArray, ratio = 0.15): TernaryGatedMixNode {
  return { kind: "TernaryGatedMix", weight, bias, ratio };
}
