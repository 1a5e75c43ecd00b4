// The trained demo checkpoints shipped with the zoo: their configuration and weights file. Kept free of
// training code so the zoo (and every command) can import it without tfjs.

import { type LmuFormerConfig, lmuFormerDefaults } from "../lmuformer.js";

/**
 * Spiking LMUFormer on sMNIST-28 (one image row per step): the zoo architecture at a reduced width.
 * θ = 28 = the sequence length, as the official code sets θ = seq_len.
 */
export const SPIKING_LMUFORMER_SMNIST: { config: LmuFormerConfig; weights: string; steps: number } = {
  config: { ...lmuFormerDefaults, dim: 48, depth: 1, inChannels: 28, numClasses: 10, mlpRatio: 4, theta: 28 },
  /** Package-relative path of the trained state_dict (official PyTorch key names). */
  weights: "models/demos/spiking-lmuformer-smnist.safetensors",
  steps: 28,
};
