// The load stage of the pipeline: the float network (file or zoo:NAME, with its load options) and the samples
// it runs on (a registered dataset, a .npy file with optional labels, or a seeded synthetic input), checked to
// fit together. Loaded once, in the main thread (explore's worker threads get prepared jobs, never this).

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import { readNpyFile, toFloat32 } from "../compiler/importers/tensors/index.js";
import { calibrateBatchNorm } from "./calibrate-bn.js";
import { datasetRegistry } from "./datasets.js";
import { hasOnlyZeroWeights, initWeights } from "./init-weights.js";
import { syntheticSamples } from "./inputs.js";
import { type LoadNetworkOptions, loadNetwork } from "./load-network.js";

/** What decides the network and the samples: the load half of PipelineOptions (explore's GridSpec is one). */
export interface DataSpec {
  /** A network file or `zoo:NAME`. */
  model: string;
  /** Zoo configuration overrides (`--set key=value`). */
  set?: Record<string, string | number>;
  /** How a file is read (reset mode, a state_dict on top, NIR convention, dt). */
  load?: Omit<LoadNetworkOptions, "overrides">;
  /** A registered dataset (pipeline/datasets.ts) with `samples`, … */
  dataset?: string;
  samples?: number;
  /** … or a .npy file [N, T, ...] / [T, ...] with optional labels [N], … */
  input?: string;
  labels?: string;
  /** … or, with neither, one seeded synthetic sample of this many steps. */
  syntheticSteps?: number;
  /**
   * Networks whose weights are all zero (zoo models without a checkpoint): "random" gives them seeded
   * PyTorch-default weights (BatchNorm statistics from their own activity), "zeros" / "keep" leave them.
   */
  init?: "random" | "zeros" | "keep";
}

export interface PipelineData {
  graph: NetGraph;
  inputId: string;
  inputShape: number[];
  /** [N, T, ...inputShape]. */
  samples: { shape: number[]; data: Float32Array };
  labels?: Int32Array;
  /** How a class is read from the per-step outputs: argmax of their mean, or of the last step. */
  readout: "mean" | "last";
  /** What the samples are, for footnotes. */
  description: string;
  /** Import warnings (reset mode chosen, keys ignored, …). */
  warnings: string[];
  /** The weights were all zero; `initialised` when they were replaced by the seeded init. */
  zeroWeights: boolean;
  initialised: boolean;
}

/** The readout the model's metadata names ("last step" → last), else the mean over steps. */
function readoutOf(graph: NetGraph): "mean" | "last" {
  const r = graph.metadata.readout;
  return typeof r === "string" && /\blast\b/.test(r) ? "last" : "mean";
}

interface RawSamples {
  shape: number[];
  data: Float32Array;
  labels?: Int32Array;
  description: string;
}

async function loadSamples(g: DataSpec, inputShape: number[]): Promise<RawSamples> {
  if (g.dataset !== undefined) {
    const set = datasetRegistry.get(g.dataset);
    const d = await set.load(g.samples ?? 16);
    return { ...d, description: `dataset ${g.dataset}: ${set.describe}` };
  }
  if (g.input === undefined) {
    const s = syntheticSamples(inputShape, g.syntheticSteps ?? 16);
    return { shape: s.shape, data: s.data, description: s.description };
  }
  const x = readNpyFile(g.input);
  const out: RawSamples = { shape: [...x.shape], data: toFloat32(x), description: g.input };
  if (g.labels !== undefined) {
    const y = readNpyFile(g.labels);
    if (y.shape.length !== 1)
      throw new SpikegridError(
        "USAGE",
        `${g.labels}: labels must be a 1-D array [N], got [${y.shape.join(",")}]`,
      );
    const ints = Int32Array.from(toFloat32(y));
    if (ints.some((v, i) => v !== Number(toFloat32(y)[i]) || v < 0))
      throw new SpikegridError("USAGE", `${g.labels}: labels must be non-negative integers (class indices)`);
    out.labels = ints;
  }
  return out;
}

/** Loads the network and samples of a spec and checks they fit together (one input; shapes; label count). */
export async function loadPipelineData(g: DataSpec): Promise<PipelineData> {
  const net = await loadNetwork(g.model, { ...g.load, ...(g.set ? { overrides: g.set } : {}) });
  const graph = net.graph;
  const inputs = [...graph.nodes].filter(([, n]) => n.kind === "Input");
  if (inputs.length !== 1)
    throw new SpikegridError(
      "UNSUPPORTED",
      `${g.model} has ${inputs.length} inputs; the pipeline (simulate, table, explore) feeds exactly one`,
    );
  const [inputId, node] = inputs[0]!;
  const inputShape = [...(node as { shape: number[] }).shape];
  const s = await loadSamples(g, inputShape);
  const where = g.input ?? (g.dataset === undefined ? "the synthetic input" : `dataset ${g.dataset}`);
  const single = s.shape.length === inputShape.length + 1;
  const shape = single ? [1, ...s.shape] : s.shape;
  const fits = shape.length === inputShape.length + 2 && shape.slice(2).every((d, i) => d === inputShape[i]);
  if (!fits) {
    throw new SpikegridError(
      "USAGE",
      `${where}: samples shaped [${s.shape.join(",")}] do not fit input "${inputId}" [${inputShape.join(",")}] of ${g.model}`,
      { hint: `give [N, T, ${inputShape.join(", ")}] (or [T, ${inputShape.join(", ")}] for one sample)` },
    );
  }
  const n = shape[0]!;
  if (g.samples !== undefined && g.input !== undefined && g.samples > n)
    throw new SpikegridError("USAGE", `--samples ${g.samples}: ${where} holds only ${n}`);
  const keep = g.input === undefined ? n : Math.min(n, g.samples ?? n);
  const per = shape.slice(1).reduce((a, b) => a * b, 1); // one sample: T × input
  const data = s.data.subarray(0, keep * per);
  const labels = s.labels?.subarray(0, keep);
  if (s.labels && s.labels.length < keep)
    throw new SpikegridError("USAGE", `${g.labels ?? where}: ${s.labels.length} labels for ${keep} samples`);
  const zero = hasOnlyZeroWeights(graph);
  const initialised = zero && g.init === "random";
  if (initialised) {
    initWeights(graph);
    // the compiler carries this into the module, whose every run then says its activity is illustrative
    graph.metadata.weights = "seeded-init";
    const first = Float64Array.from(data.subarray(0, per)); // sample 0: [T, ...inputShape]
    calibrateBatchNorm(graph, inputId, inputShape, first);
  }
  const out: PipelineData = {
    graph,
    inputId,
    inputShape,
    samples: { shape: [keep, ...shape.slice(1)], data },
    readout: readoutOf(graph),
    description: `${s.description} (${keep} sample(s), ${shape[1]} steps)`,
    warnings: net.warnings,
    zeroWeights: zero,
    initialised,
  };
  if (labels) out.labels = labels;
  return out;
}
