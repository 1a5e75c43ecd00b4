// FWformer (Wang et al., Front. Neurosci. 2024; arXiv 2403.18228): Spikformer with SSA replaced by fixed
// Fourier / wavelet token mixing. The FW module's wiring is not published; the choices are in models/README.md.
// Everything else (SPS, RPE, proj, MLP, head, T) is the Spikformer CIFAR builder's.

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import { filled } from "../compiler/graph/ndarray.js";
import { createFixedTransform, createScale } from "../compiler/graph/nodes.js";
import { batchNorm, feed, lif, type Stream, seq } from "./layers.js";
import { buildSpikformer, type SpikformerConfig, type TokenMixer } from "./spikformer.js";

export type FwMixer = "1dfft" | "2dfft" | "2dwt" | "dwtc";
export const FW_MIXERS: readonly FwMixer[] = ["1dfft", "2dfft", "2dwt", "dwtc"];

/** Re(DFT) along the token axis 0 of [N, D]. */
const dftTokens = (g: NetGraph, id: string, x: Stream) => feed(g, id, createFixedTransform("dft-real", 0), x);

/** One-level orthonormal Haar transform along tokens, then along features (pywt.dwt2-style, one level). */
function haar2d(g: NetGraph, id: string, x: Stream): Stream {
  return seq(g, x, [
    [`${id}_tokens`, createFixedTransform("haar", 0, { levels: 1 })],
    [`${id}_features`, createFixedTransform("haar", 1, { levels: 1 })],
  ]);
}

/**
 * The fixed transform of each variant on the block input tokens X [N, D] (a sum of spikes):
 * 1dfft Re(F_N X); 2dfft Re(F_N X F_D) = R_N X R_D − I_N X I_D (FNet's Re(FFT2)); 2dwt Haar_N X Haarᵀ_D;
 * dwtc α ⊙ Re(F_N X) + β ⊙ Haar_N X Haarᵀ_D with learnable per-coefficient α, β [N, D] (the "combination with
 * learnable parameters"; Scale takes no broadcast, and per-coefficient weights are a global filter as in GFNet).
 */
function transform(g: NetGraph, p: string, variant: FwMixer, x: Stream, n: number, dim: number): Stream {
  switch (variant) {
    case "1dfft":
      return dftTokens(g, `${p}.fw_dft`, x);
    case "2dfft": {
      const re = seq(g, x, [
        [`${p}.fw_dft_re_tokens`, createFixedTransform("dft-real", 0)],
        [`${p}.fw_dft_re_features`, createFixedTransform("dft-real", 1)],
      ]);
      // −I_N X I_D: a fixed −1 (not learned), the only way to subtract with summing edges.
      const im = seq(g, x, [
        [`${p}.fw_dft_im_tokens`, createFixedTransform("dft-imag", 0)],
        [`${p}.fw_dft_im_features`, createFixedTransform("dft-imag", 1)],
        [`${p}.fw_dft_im_neg`, createScale(filled([1], -1))],
      ]);
      return [...re, ...im];
    }
    case "2dwt":
      return haar2d(g, `${p}.fw_haar`, x);
    case "dwtc":
      return [
        ...feed(g, `${p}.fw_alpha`, createScale(filled([n, dim], 1)), dftTokens(g, `${p}.fw_dft`, x)),
        ...feed(g, `${p}.fw_beta`, createScale(filled([n, dim], 1)), haar2d(g, `${p}.fw_haar`, x)),
      ];
    default: {
      const bad: never = variant;
      throw new SpikegridError("USAGE", `unknown FW mixer "${String(bad)}"`);
    }
  }
}

/**
 * FW token mixer: transform → BatchNorm over features → LIF (v_th 0.5, as attn_lif) so the mixer emits spikes
 * like SSA does; the block's proj_linear → proj_bn → proj_lif follow unchanged.
 */
export function fwMixer(variant: FwMixer): TokenMixer {
  return (g, p, c, tokens, n) => {
    if (c.variant !== "cifar")
      throw new SpikegridError(
        "UNSUPPORTED",
        `FWformer mixers are built for the CIFAR layout, got "${c.variant}"`,
      );
    if (variant === "dwtc" || variant === "2dwt") {
      if (n % 2 !== 0 || c.dim % 2 !== 0)
        throw new SpikegridError("USAGE", `Haar needs an even token count and width, got ${n} × ${c.dim}`);
    }
    const y = transform(g, p, variant, tokens, n, c.dim);
    return seq(g, y, [
      [`${p}.fw_bn`, batchNorm(c.dim, 1)],
      [`${p}.fw_lif`, lif(0.5)],
    ]);
  };
}

/** FWformer-L-D on CIFAR: the Spikformer CIFAR network with every SSA replaced by the `variant` FW mixer. */
export function buildFwformer(c: SpikformerConfig & { mixer: string }): NetGraph {
  if (!FW_MIXERS.includes(c.mixer as FwMixer))
    throw new SpikegridError("USAGE", `mixer must be one of ${FW_MIXERS.join(", ")}, got "${c.mixer}"`);
  return buildSpikformer(c, { name: `fwformer-${c.mixer}`, mix: fwMixer(c.mixer as FwMixer) });
}
