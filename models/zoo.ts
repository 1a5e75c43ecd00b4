// The model zoo registry (DESIGN §10): name → task, source, expected parameter count and a builder with
// overridable defaults. `loadZooModel("zoo:NAME", overrides)` is the entry point for commands.

import { SpikegridError } from "../common/errors.js";
import { packagePath } from "../common/package-root.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import type { IgnoredKey } from "../compiler/importers/apply-state-dict.js";
import { applyStateDict } from "../compiler/importers/apply-state-dict.js";
import { readSafetensorsFile } from "../compiler/importers/tensors/index.js";
import { builderWeights } from "../compiler/passes/weights-provenance.js";
import {
  BINARY_S4D_SMNIST,
  FWFORMER_MNIST,
  GSU_SMNIST,
  SPIKFORMER_MNIST,
  SPIKING_LMUFORMER_SMNIST,
} from "./demos/catalog.js";
import { buildFwformer, FW_MIXERS } from "./fwformer.js";
import { buildGsu } from "./gsu.js";
import {
  buildLmuFormer,
  buildLmuPsMnist,
  buildSpikingLmuFormer,
  buildSpikingLmuPsMnist,
  lmuFormerDefaults,
  lmuPsMnistDefaults,
} from "./lmuformer.js";
import { buildBinaryS4D, type S4Config, s4ParamCount } from "./s4d.js";
import { LRA_TASKS } from "./s4d-lra.js";
import { buildSpikformer, type SpikformerConfig } from "./spikformer.js";

export type ConfigValue = number | string;
export type ModelConfig = Record<string, ConfigValue>;

export interface ZooSource {
  paper: string;
  repo: string;
}

export interface ZooModel {
  name: string;
  task: string;
  source: ZooSource;
  /** The parameter count the reference gives for the default configuration (seed-models.md §5). */
  params: number;
  defaults: ModelConfig;
  /** Builds the graph with `overrides` merged over the defaults (unknown keys and wrong types are rejected). */
  build(overrides?: Record<string, unknown>): NetGraph;
  /** Keys official checkpoints carry that hold nothing the graph needs (buffers it derives, unused layers). */
  ignoredCheckpointKeys: IgnoredKey[];
  /** Package-relative .safetensors of trained weights that loadZooModel applies at the default configuration. */
  weights?: string;
}

/** LMU cells register A, B, H and fft_H as buffers; the graph derives them from order and θ. */
const LMU_BUFFERS: IgnoredKey[] = [
  { pattern: /\.(A|B|H|fft_H)$/, reason: "LMU buffer, derived from order and theta" },
];
/** Spikformer builds LayerNorms (and the DVS model a pos_embed) that its forward never uses. */
const SPIKFORMER_UNUSED: IgnoredKey[] = [
  {
    pattern: /(^|\.)norm[12]?\.(weight|bias)$|^pos_embed$/,
    reason: "built but unused by the official forward",
  },
];

const LMUFORMER: ZooSource = {
  paper: "Liu et al., LMUFormer, ICLR 2024 (arXiv 2402.04882)",
  repo: "github.com/zeyuliu1037/LMUFormer",
};
const SPIKFORMER: ZooSource = {
  paper: "Zhou et al., Spikformer, ICLR 2023 (arXiv 2209.15425)",
  repo: "github.com/ZK-Zhou/spikformer",
};

/** Defaults merged with overrides: keys must exist, values keep the default's type (numeric strings accepted). */
export function mergeConfig<C extends ModelConfig>(
  name: string,
  defaults: C,
  overrides: Record<string, unknown>,
): C {
  const out: ModelConfig = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    const def = defaults[key];
    if (def === undefined) {
      throw new SpikegridError("USAGE", `zoo model "${name}" has no setting "${key}"`, {
        hint: `its settings are ${Object.keys(defaults).join(", ")}`,
      });
    }
    if (typeof def === "number") {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
        throw new SpikegridError(
          "USAGE",
          `zoo setting "${key}" must be a positive integer, got "${String(value)}"`,
        );
      }
      out[key] = n;
    } else {
      if (typeof value !== "string") {
        throw new SpikegridError("USAGE", `zoo setting "${key}" must be a string, got "${String(value)}"`);
      }
      out[key] = value;
    }
  }
  return out as C;
}

function model<C extends ModelConfig>(
  m: Omit<ZooModel, "build" | "defaults"> & { defaults: C; builder: (c: C) => NetGraph },
): ZooModel {
  const { builder, ...rest } = m;
  return { ...rest, build: (overrides = {}) => builder(mergeConfig(m.name, m.defaults, overrides)) };
}

function spikformer(
  name: string,
  task: string,
  params: number,
  c: Omit<SpikformerConfig, "mlpRatio">,
): ZooModel {
  const defaults = { ...c, mlpRatio: 4 };
  return model({
    name,
    task,
    source: SPIKFORMER,
    ignoredCheckpointKeys: SPIKFORMER_UNUSED,
    params,
    defaults,
    builder: (cfg) => {
      if (!["cifar", "dvs", "imagenet"].includes(cfg.variant))
        throw new SpikegridError("USAGE", `variant must be cifar, dvs or imagenet, got "${cfg.variant}"`);
      if (cfg.dim % 8 !== 0 || cfg.dim % cfg.heads !== 0)
        throw new SpikegridError("USAGE", `dim ${cfg.dim} must be divisible by 8 and by heads ${cfg.heads}`);
      return buildSpikformer(cfg);
    },
  });
}

const cifar4x384 = {
  variant: "cifar",
  depth: 4,
  dim: 384,
  heads: 12,
  inChannels: 3,
  imageSize: 32,
  numClasses: 10,
  timesteps: 4,
} as const;
const FWFORMER: ZooSource = {
  paper: "Wang et al., FWformer, Front. Neurosci. 2024 (arXiv 2403.18228); FW wiring per models/README.md",
  repo: "github.com/ZK-Zhou/spikformer (cifar10/model.py, SSA replaced)",
};
/**
 * FWformer-4-384 counts of this zoo's wiring (unpublished; models/README.md § FWformer): Spikformer-4-384 9,324,730
 * − 4 × (q/k/v Linear + BN 445,824) + 4 × fw_bn 768; 2dfft adds one fixed −1 Scale per block, dwtc α, β [N, D].
 */
const FWFORMER_PARAMS: Record<string, number> = {
  "1dfft": 7_544_506,
  "2dfft": 7_544_510,
  "2dwt": 7_544_506,
  dwtc: 7_741_114,
};
const fwformer = (mixer: string) =>
  model({
    name: `fwformer-${mixer}-4-384`,
    task: "CIFAR-10, 32×32, T=4",
    source: FWFORMER,
    ignoredCheckpointKeys: SPIKFORMER_UNUSED,
    params: FWFORMER_PARAMS[mixer]!,
    defaults: { ...cifar4x384, mlpRatio: 4, mixer },
    builder: buildFwformer,
  });

const imagenet = (depth: number, dim: number) =>
  ({
    variant: "imagenet",
    depth,
    dim,
    heads: 8,
    inChannels: 3,
    imageSize: 224,
    numClasses: 1000,
    timesteps: 4,
  }) as const;

const S4_LRA: ZooSource = {
  paper:
    "Stan & Rhodes, Learning Long Sequences in Spiking Neural Networks, Sci. Rep. 2024 (arXiv 2401.00955)",
  repo: "github.com/stanmatei/learning_long_sequences_snns (configs/experiment/lra/seed0)",
};
/** Binary S4D / GSU on one LRA task (models/s4d-lra.ts); params = the official modules (s4ParamCount). */
const s4Lra = (mixer: "glu" | "gsu") =>
  LRA_TASKS.map(({ task, description, config }) =>
    model({
      name: `${mixer === "glu" ? "binary-s4d" : "gsu"}-${task}`,
      task: `${description}; bidirectional: --engine float needs --sequence whole, chips run it in buffered phases`,
      source: S4_LRA,
      ignoredCheckpointKeys: [],
      params: s4ParamCount(config, mixer).total,
      defaults: { ...config },
      builder: (c: S4Config) => (mixer === "glu" ? buildBinaryS4D(c) : buildGsu(c)),
    }),
  );

/** Every zoo model, in listing order. */
export const ZOO: readonly ZooModel[] = [
  model({
    name: "lmuformer",
    task: "Google Speech Commands v2, 35 classes (128 mel × 128 frames)",
    source: LMUFORMER,
    ignoredCheckpointKeys: LMU_BUFFERS,
    params: 1_621_796,
    defaults: { ...lmuFormerDefaults },
    builder: buildLmuFormer,
  }),
  model({
    name: "spiking-lmuformer",
    task: "Google Speech Commands v2, 35 classes (128 mel × 128 frames)",
    source: LMUFORMER,
    ignoredCheckpointKeys: LMU_BUFFERS,
    params: 1_689_894,
    defaults: { ...lmuFormerDefaults },
    builder: buildSpikingLmuFormer,
  }),
  model({
    name: "lmuformer-psmnist",
    task: "permuted sequential MNIST, 784 pixels, 10 classes",
    source: LMUFORMER,
    ignoredCheckpointKeys: LMU_BUFFERS,
    params: 166_798,
    defaults: { ...lmuPsMnistDefaults },
    builder: buildLmuPsMnist,
  }),
  model({
    name: "spiking-lmuformer-psmnist",
    task: "permuted sequential MNIST, 784 pixels, 10 classes",
    source: LMUFORMER,
    ignoredCheckpointKeys: LMU_BUFFERS,
    params: 166_092,
    defaults: { ...lmuPsMnistDefaults },
    builder: buildSpikingLmuPsMnist,
  }),
  model({
    name: "spiking-lmuformer-smnist",
    task: "MNIST digits row by row (sMNIST-28)",
    source: LMUFORMER,
    ignoredCheckpointKeys: LMU_BUFFERS,
    params: 61_645,
    defaults: { ...SPIKING_LMUFORMER_SMNIST.config },
    builder: buildSpikingLmuFormer,
    weights: SPIKING_LMUFORMER_SMNIST.weights,
  }),
  spikformer("spikformer-4-384", "CIFAR-10, 32×32, T=4", 9_324_730, cifar4x384),
  spikformer("spikformer-8-384", "ImageNet-1k, 224×224, T=4", 16_816_024, imagenet(8, 384)),
  spikformer("spikformer-8-512", "ImageNet-1k, 224×224, T=4", 29_689_384, imagenet(8, 512)),
  spikformer("spikformer-10-512", "ImageNet-1k, 224×224, T=4", 36_005_416, imagenet(10, 512)),
  spikformer("spikformer-8-768", "ImageNet-1k, 224×224, T=4", 66_338_632, imagenet(8, 768)),
  ...FW_MIXERS.map(fwformer),
  spikformer("spikformer-2-256-dvs", "CIFAR10-DVS, 2×128×128 events, T=16", 2_566_666, {
    variant: "dvs",
    depth: 2,
    dim: 256,
    heads: 16,
    inChannels: 2,
    imageSize: 128,
    numClasses: 10,
    timesteps: 16,
  }),
  {
    ...spikformer(
      "spikformer-mnist",
      "MNIST digits, 28×28 static image on T=2 steps, 16 tokens",
      113_026,
      SPIKFORMER_MNIST.config,
    ),
    weights: SPIKFORMER_MNIST.weights,
  },
  model({
    name: "fwformer-mnist",
    task: "MNIST digits, 28×28 static image on T=2 steps, 16 tokens; 2D-FFT mixer",
    source: FWFORMER,
    ignoredCheckpointKeys: SPIKFORMER_UNUSED,
    params: 100_291,
    defaults: { ...FWFORMER_MNIST.config },
    builder: buildFwformer,
    weights: FWFORMER_MNIST.weights,
  }),
  ...s4Lra("glu"),
  ...s4Lra("gsu"),
  model({
    name: "binary-s4d-smnist",
    task: "MNIST digits row by row (sMNIST-28); causal, streams on chips",
    source: { ...S4_LRA, repo: "github.com/stanmatei/learning_long_sequences_snns (s4_surrogate.py)" },
    ignoredCheckpointKeys: [],
    params: s4ParamCount(BINARY_S4D_SMNIST.config, "glu").total,
    defaults: { ...BINARY_S4D_SMNIST.config },
    builder: buildBinaryS4D,
    weights: BINARY_S4D_SMNIST.weights,
  }),
  model({
    name: "gsu-smnist",
    task: "MNIST digits row by row (sMNIST-28); causal, streams on chips",
    source: { ...S4_LRA, repo: "github.com/stanmatei/learning_long_sequences_snns (s4_gsu.py)" },
    ignoredCheckpointKeys: [],
    params: s4ParamCount(GSU_SMNIST.config, "gsu").total,
    defaults: { ...GSU_SMNIST.config },
    builder: buildGsu,
    weights: GSU_SMNIST.weights,
  }),
];

/** The model called `name` ("zoo:" prefix allowed), or USAGE listing the known names. */
export function getZooModel(name: string): ZooModel {
  const bare = name.startsWith("zoo:") ? name.slice(4) : name;
  const m = ZOO.find((z) => z.name === bare);
  if (!m) {
    throw new SpikegridError("USAGE", `unknown zoo model "${bare}"`, {
      hint: `known models: ${ZOO.map((z) => z.name).join(", ")}`,
    });
  }
  return m;
}

/** The zoo models that ship trained weights (the demos `spikegrid demo --model NAME` runs), in listing order. */
export function trainedDemoNames(): string[] {
  return ZOO.filter((z) => z.weights).map((z) => z.name);
}

/** Whether a network argument names a zoo model (`zoo:NAME`) rather than a file. */
export function isZooRef(file: string): boolean {
  return file.startsWith("zoo:");
}

/** Builds `zoo:NAME` (or NAME) with overrides, in the shape `loadNetwork` returns. */
export function loadZooModel(
  name: string,
  overrides: Record<string, unknown> = {},
): { graph: NetGraph; format: "zoo"; formatVersion: string; warnings: string[]; ignoredKeys: IgnoredKey[] } {
  const m = getZooModel(name);
  const graph = m.build(overrides);
  const warnings: string[] = [];
  if (m.weights) {
    // Trained weights fit only the configuration they were trained at; `--weights FILE` is applied on top.
    const cfg = mergeConfig(m.name, m.defaults, overrides);
    if (Object.keys(cfg).every((k) => cfg[k] === m.defaults[k])) {
      const { stateDict } = readSafetensorsFile(packagePath(m.weights));
      applyStateDict(graph, stateDict, { source: m.weights, ignore: m.ignoredCheckpointKeys });
      graph.metadata.weights = "trained";
    } else warnings.push(`settings differ from the trained configuration: ${m.weights} not applied`);
  }
  // the compiler carries it into the module and warns on every output while it is not "trained"
  graph.metadata.weights ??= builderWeights(graph);
  return {
    graph,
    format: "zoo",
    formatVersion: m.name,
    warnings,
    ignoredKeys: m.ignoredCheckpointKeys,
  };
}
