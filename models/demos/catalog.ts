// The trained demo checkpoints shipped with the zoo: their configuration and weights file. Kept free of
// training code so the zoo (and every command) can import it without tfjs.

import type { FwMixer } from "../fwformer.js";
import { type LmuFormerConfig, lmuFormerDefaults } from "../lmuformer.js";
import { type S4Config, s4SmnistDefaults } from "../s4d.js";
import type { SpikformerConfig } from "../spikformer.js";

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

/**
 * Causal Binary S4D on sMNIST-28: 2 prenorm layers of H = 64 channels, 8 complex modes each (N = 16), LayerNorm,
 * GLU mixing, mean readout. Causal (`bidirectional: "no"`) so that it streams on a chip. S4D-Lin: its B̄ spans a
 * smaller range over the modes than S4D-Inv's, which helps the per-projection 8-bit weights of chips.
 */
export interface S4Demo {
  config: S4Config;
  /** The layer's mixing after the SSM: Binary S4D's GLU or the GSU. */
  mixer: "glu" | "gsu";
  weights: string;
  steps: number;
  /** Epochs the shipped file was trained for (train.js's default for it). */
  epochs: number;
}

export const BINARY_S4D_SMNIST: S4Demo = {
  config: {
    ...s4SmnistDefaults,
    inputFeatures: 28,
    dModel: 64,
    nLayers: 2,
    dState: 16,
    nSsm: 64,
    norm: "layer",
    prenorm: "yes",
    bidirectional: "no",
    measure: "diag-lin",
    pool: "mean",
  },
  mixer: "glu",
  weights: "models/demos/binary-s4d-smnist.safetensors",
  steps: 28,
  epochs: 24,
};

/** GSU on sMNIST-28: the Binary S4D demo's backbone and sizes with s4_gsu.py's ternary gated mixing. */
export const GSU_SMNIST: S4Demo = {
  config: { ...BINARY_S4D_SMNIST.config },
  mixer: "gsu",
  weights: "models/demos/gsu-smnist.safetensors",
  steps: 28,
  epochs: 16,
};

/**
 * A Spikformer-family demo on MNIST images: the static 28×28 digit on each of T = 2 steps. The zoo's CIFAR
 * layout (tokens [N, D], nn.Linear q/k/v) at MNIST size: D = 64, 4 heads, one encoder block; SPS pools after its
 * first 3 stages, 28 → 14 → 7 → 4, so the tokens are the 16 cells of a 4×4 grid (7×7-pixel patches). Early
 * pooling and T = 2 (not the official late pooling and T = 4) keep tfjs training to minutes on 2 shared cores.
 */
export interface ImageDemo {
  config: SpikformerConfig & { spsPooled: string };
  weights: string;
  /** Timesteps T: the image is presented on each (the `mnist-images` dataset's T). */
  steps: number;
  /** Epochs the shipped file was trained for (train.js's default for it). */
  epochs: number;
  /**
   * The rest of the shipped file's recipe where it differs from the trainer's base defaults (lr 5e-3, no
   * shifts, clipping, warm-up or label smoothing), so `train.js NAME` with no flags reproduces the file.
   */
  recipe?: { lr?: number; shift?: number; clip?: number; warmup?: number; labelSmoothing?: number };
}

const mnistSpikformer = {
  variant: "cifar",
  depth: 1,
  dim: 64,
  heads: 4,
  mlpRatio: 4,
  inChannels: 1,
  imageSize: 28,
  numClasses: 10,
  timesteps: 2,
  spsPooled: "1110",
} as const;

export const SPIKFORMER_MNIST: ImageDemo = {
  config: { ...mnistSpikformer },
  weights: "models/demos/spikformer-mnist.safetensors",
  steps: 2,
  epochs: 3,
};

/** FWformer on MNIST: the Spikformer demo's network with SSA replaced by the 2D-FFT mixer (FNet's Re(FFT2)). */
export const FWFORMER_MNIST: ImageDemo & { config: { mixer: FwMixer } } = {
  config: { ...mnistSpikformer, mixer: "2dfft" },
  weights: "models/demos/fwformer-mnist.safetensors",
  steps: 2,
  epochs: 7,
  recipe: { lr: 2e-3, shift: 1, clip: 1, warmup: 100, labelSmoothing: 0.1 },
};

/**
 * The chip `spikegrid demo --model NAME` compiles a trained demo for when no --profile is given: the S4 demos'
 * LayerNorm, GLU sigmoid and GELU need graded function neurons, which Loihi 1 (the demo's default) lacks, and the
 * Spikformer's attention matmuls need Loihi 2's product neurons.
 */
export const DEMO_PROFILES: Readonly<Record<string, string>> = {
  "binary-s4d-smnist": "loihi2",
  "gsu-smnist": "loihi2",
  // spiking self-attention lowered to product neurons and accumulators (compiler/passes/lower-attention.ts)
  "spikformer-mnist": "loihi2",
  "fwformer-mnist": "loihi2",
};

/** The dataset a demo runs on when it is not `mnist-rows` (sMNIST-28). */
export const DEMO_DATASETS: Readonly<Record<string, string>> = {
  "spikformer-mnist": "mnist-images",
  "fwformer-mnist": "mnist-images",
};

/** The chip a trained demo compiles for by default (`spikegrid demo --model NAME`, `table --profile auto`). */
export function demoProfile(name: string): string {
  return DEMO_PROFILES[name] ?? "loihi";
}

/** The dataset a trained demo is evaluated on (`spikegrid demo --model NAME`, `table --dataset auto`). */
export function demoDataset(name: string): string {
  return DEMO_DATASETS[name] ?? "mnist-rows";
}
