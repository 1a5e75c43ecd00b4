// The Long Range Arena configurations of Binary S4D and GSU (stanmatei/learning_long_sequences_snns,
// configs/experiment/lra/seed0/s4surrogate-lra-*.yaml and s4gsu-lra-*.yaml; the surrogate and GSU yaml of a task
// agree on every model setting) with the state-spaces/s4 pipelines they name (encoder, vocabulary, classes).
// Retrieval (AAN) is absent: see models/README.md § Binary S4D and GSU.

import type { S4Config } from "./s4d.js";

export interface LraTask {
  /** Zoo name suffix: binary-s4d-<task>, gsu-<task>. */
  task: string;
  description: string;
  config: S4Config;
}

const base = {
  dState: 64,
  bidirectional: "yes",
  measure: "diag-inv",
} as const;

export const LRA_TASKS: readonly LraTask[] = [
  {
    task: "listops",
    description: "LRA ListOps, ≤2048 tokens (vocabulary 18: 15 symbols + <pad>, <unk>, <eos>), 10 classes",
    config: {
      ...base,
      inputFeatures: 18,
      encoder: "embedding",
      dModel: 128,
      nLayers: 8,
      nSsm: 128,
      norm: "batch",
      prenorm: "no",
      numClasses: 10,
      pool: "mean",
    },
  },
  {
    task: "text",
    description: "LRA Text (IMDB, characters), ≤4096 tokens (vocabulary 135), 2 classes",
    config: {
      ...base,
      inputFeatures: 135,
      encoder: "embedding",
      dModel: 256,
      nLayers: 6,
      nSsm: 256,
      norm: "batch",
      prenorm: "yes",
      numClasses: 2,
      pool: "mean",
    },
  },
  {
    task: "image",
    description: "LRA Image (grayscale CIFAR-10, 1024 pixels), 10 classes",
    config: {
      ...base,
      inputFeatures: 1,
      encoder: "linear",
      dModel: 512,
      nLayers: 6,
      nSsm: 2,
      norm: "layer",
      prenorm: "no",
      numClasses: 10,
      pool: "mean",
    },
  },
  {
    task: "pathfinder",
    description: "LRA Pathfinder (32×32 = 1024 pixels), 2 classes",
    config: {
      ...base,
      inputFeatures: 1,
      encoder: "linear",
      dModel: 256,
      nLayers: 6,
      nSsm: 256,
      norm: "batch",
      prenorm: "yes",
      numClasses: 2,
      pool: "last",
    },
  },
  {
    task: "pathx",
    description: "LRA Path-X (128×128 = 16384 pixels), 2 classes",
    config: {
      ...base,
      inputFeatures: 1,
      encoder: "linear",
      dModel: 256,
      nLayers: 6,
      nSsm: 256,
      norm: "batch",
      prenorm: "yes",
      numClasses: 2,
      pool: "mean",
    },
  },
];
