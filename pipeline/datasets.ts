// Datasets explore can draw labelled samples from, keyed by name (`--dataset NAME --samples N`). Adding one is
// one entry here: a loader returning float inputs [N, T, ...] and integer labels [N], deterministically.

import { SpikegridError } from "../common/errors.js";
import { Registry } from "../common/registry.js";
import {
  loadMnistImages,
  loadMnistSequences,
  MNIST_SPLIT,
  type MnistOrder,
} from "../models/demos/mnist-sequences.js";

export interface LabelledSamples {
  /** [N, T, ...inputShape], float. */
  shape: number[];
  data: Float32Array;
  labels: Int32Array;
}

export interface Dataset {
  name: string;
  describe: string;
  /** The first `count` samples of the held-out split, always the same ones. */
  load(count: number): Promise<LabelledSamples>;
  /** Samples the compiler calibrates payload ranges on, never held-out ones (absent: the evaluated samples). */
  calibration?(): Promise<LabelledSamples>;
}

export const datasetRegistry = new Registry<Dataset>("dataset");

/** Held-out MNIST digits from the `mnist` package (models/demos/mnist-sequences.ts), fixed split and order. */
function mnistDataset(name: string, order: MnistOrder | { steps: number }, describe: string): Dataset {
  const loadSplit = (split: "train" | "test", count: number) =>
    typeof order === "string"
      ? loadMnistSequences({ split, count, order })
      : loadMnistImages({ split, count, steps: order.steps });
  return {
    name,
    describe,
    load: async (count) => {
      if (count > MNIST_SPLIT.test)
        throw new SpikegridError(
          "USAGE",
          `--samples ${count}: ${name} holds ${MNIST_SPLIT.test} held-out digits`,
        );
      const m = loadSplit("test", count);
      return { shape: [...m.shape], data: m.x, labels: m.labels };
    },
    // the first 64 training digits: on 300 held-out digits the demo model's accuracy at 8 and at 4 weight bits
    // is the same with ranges from 32, 64, 100 or 200 digits, and calibration is a serial step of every sweep
    calibration: async () => {
      const m = loadSplit("train", 64);
      return { shape: [...m.shape], data: m.x, labels: m.labels };
    },
  };
}

datasetRegistry.register(
  "mnist-rows",
  mnistDataset("mnist-rows", "row", "held-out MNIST digits, one 28-pixel row per step (T = 28, [28])"),
);
datasetRegistry.register(
  "mnist-pixels",
  mnistDataset("mnist-pixels", "pixel", "held-out MNIST digits, one pixel per step (T = 784, [1])"),
);
datasetRegistry.register(
  "mnist-images",
  mnistDataset(
    "mnist-images",
    { steps: 2 },
    "held-out MNIST digits as images, the static 28×28 digit on each of T = 2 steps ([1, 28, 28])",
  ),
);
