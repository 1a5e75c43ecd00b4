// The load stage of the pipeline: the float network (file or zoo:NAME, with its load options) or a compiled
// module (.nmir), and the samples it runs on (a registered dataset, a .npy file with optional labels, or a
// seeded synthetic input), checked to fit together. Loaded once, in the main thread (explore's worker threads
// get prepared jobs, never this).

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import { readNpyFile, toFloat32 } from "../compiler/importers/tensors/index.js";
import { type NmirModule, readNmirFile } from "../compiler/nmir/index.js";
import { userPorts } from "../compiler/nmir/phases.js";
import { calibrateBatchNorm } from "./calibrate-bn.js";
import { datasetRegistry } from "./datasets.js";
import { hasOnlyZeroWeights, initWeights } from "./init-weights.js";
import { syntheticSamples } from "./inputs.js";
import { type LoadNetworkOptions, loadNetwork } from "./load-network.js";
import { recordedSamples } from "./recorded.js";

/** What decides the network and the samples: the load half of PipelineOptions (explore's GridSpec is one). */
export interface DataSpec {
  /** A network file or `zoo:NAME`, or a compiled module (`.nmir`: calibration and compile are skipped). */
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
  /** Calibration samples (.npy [N, T, ...] or [T, ...]) instead of the dataset's split or the samples. */
  calibrationInput?: string;
  /** … or, with neither, one seeded synthetic sample of this many steps (a SANA-FE file: its recorded inputs). */
  syntheticSteps?: number;
  /** Steps of a file's recorded inputs (default: the longest recorded spike train). */
  recordedSteps?: number;
  /** No samples given and none to invent: the file must carry recorded inputs (simulate without --input). */
  requireRecorded?: boolean;
  /**
   * Networks whose weights are all zero (zoo models without a checkpoint): "random" gives them seeded
   * PyTorch-default weights (BatchNorm statistics from their own activity), "zeros" / "keep" leave them.
   */
  init?: "random" | "zeros" | "keep";
  /** The samples already hold a compiled module's integer input events (no quantization; `.nmir` only). */
  rawInput?: boolean;
}

export interface PipelineData {
  /** The float network; absent when the model is a compiled module (then `module` holds it). */
  graph?: NetGraph;
  module?: NmirModule;
  inputId: string;
  inputShape: number[];
  /** [N, T, ...inputShape]. */
  samples: { shape: number[]; data: Float32Array };
  /** The network's further inputs (a SANA-FE file's bias inputs), fed alongside with the same N and T. */
  moreInputs?: FurtherInput[];
  /** The samples are the file's own recorded inputs; `spikesOnly` when every one is a spike train. */
  recorded?: { spikesOnly: boolean };
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
  /** The samples are integer input events (DataSpec.rawInput). */
  raw: boolean;
  /** The samples came as one [T, ...] sample (not [N, T, ...]). */
  single: boolean;
}

export interface FurtherInput {
  id: string;
  shape: number[];
  /** [N, T, ...shape]. */
  samples: { shape: number[]; data: Float32Array };
}

/** A model path naming a compiled module rather than a network. */
export function isModuleFile(model: string): boolean {
  return model.toLowerCase().endsWith(".nmir");
}

/** The float network of `data`; a compiled module has none, so `what` (calibrate, compile, …) cannot run. */
export function graphOf(data: PipelineData, what: string): NetGraph {
  if (data.graph) return data.graph;
  throw new SpikegridError(
    "USAGE",
    `${what} needs the network file; a compiled module (.nmir) has no float network`,
    {
      hint: "give the network file (.nir, .onnx, zoo:NAME) the module was compiled from",
    },
  );
}

/** The readout the model's metadata names ("last step" → last), else the mean over steps. */
function readoutOf(metadata: Record<string, unknown>): "mean" | "last" {
  const r = metadata.readout;
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
  const bad = out.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new SpikegridError("USAGE", `${g.input} holds ${out.data[bad]} at flat index ${bad}`, {
      hint: "inputs must be finite numbers",
    });
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

interface LoadedModel {
  graph?: NetGraph;
  module?: NmirModule;
  inputIds: string[];
  inputShape: number[];
  metadata: Record<string, unknown>;
  warnings: string[];
}

/** The network (through the importers or the zoo) or the compiled module, and its input. */
async function loadModel(g: DataSpec): Promise<LoadedModel> {
  if (isModuleFile(g.model)) {
    if (g.set && Object.keys(g.set).length)
      throw new SpikegridError("USAGE", `--set configures zoo models; "${g.model}" is a compiled module`);
    const module = readNmirFile(g.model);
    const ids = userPorts(module).inputs; // a sequence buffer's input is fed by the phased run, not the user
    return {
      module,
      inputIds: ids,
      inputShape: [...(module.inputs.find((i) => i.id === ids[0])?.shape ?? [])],
      metadata: module.metadata,
      warnings: [],
    };
  }
  if (g.rawInput)
    throw new SpikegridError(
      "USAGE",
      `raw integer inputs need a compiled module (.nmir); "${g.model}" is a network`,
      {
        hint: "give float inputs (they are quantized with the compiled input scale), or compile first",
      },
    );
  const net = await loadNetwork(g.model, { ...g.load, ...(g.set ? { overrides: g.set } : {}) });
  const inputs = [...net.graph.nodes].filter(([, n]) => n.kind === "Input");
  return {
    graph: net.graph,
    inputIds: inputs.map(([id]) => id),
    inputShape: [...((inputs[0]?.[1] as { shape: number[] } | undefined)?.shape ?? [])],
    metadata: net.graph.metadata,
    warnings: net.warnings,
  };
}

/** Loads the network and samples of a spec and checks they fit together (one input; shapes; label count). */
export async function loadPipelineData(g: DataSpec): Promise<PipelineData> {
  const net = await loadModel(g);
  const graph = net.graph;
  const recorded =
    g.input === undefined && g.dataset === undefined && graph ? recordedSamples(graph, g) : undefined;
  if (recorded) return recordedData(g, net, recorded);
  if (g.requireRecorded)
    throw new SpikegridError("USAGE", "--input is required: a .npy file shaped [T, ...] or [batch, T, ...]", {
      hint: `${g.model} carries no recorded inputs (a SANA-FE network file with input spike trains does)`,
    });
  if (net.inputIds.length !== 1)
    throw new SpikegridError(
      "UNSUPPORTED",
      `${g.model} has ${net.inputIds.length} inputs${net.inputIds.length ? ` (${net.inputIds.join(", ")})` : ""}; the pipeline (simulate, table, explore) feeds exactly one`,
    );
  const inputId = net.inputIds[0]!;
  const inputShape = net.inputShape;
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
  const zero = graph !== undefined && hasOnlyZeroWeights(graph);
  const initialised = zero && g.init === "random";
  if (graph && initialised) {
    initWeights(graph);
    // the compiler carries this into the module, whose every run then says its activity is illustrative
    graph.metadata.weights = "seeded-init";
    const first = Float64Array.from(data.subarray(0, per)); // sample 0: [T, ...inputShape]
    calibrateBatchNorm(graph, inputId, inputShape, first);
  }
  const out: PipelineData = {
    ...(graph ? { graph } : {}),
    ...(net.module ? { module: net.module } : {}),
    inputId,
    inputShape,
    samples: { shape: [keep, ...shape.slice(1)], data },
    readout: readoutOf(net.metadata),
    description: `${s.description} (${keep} sample(s), ${shape[1]} steps)`,
    warnings: net.warnings,
    zeroWeights: zero,
    initialised,
    raw: g.rawInput === true,
    single,
  };
  if (labels) out.labels = labels;
  return out;
}

/** The data of a file fed its own recorded inputs (one sample; the first input is the primary one). */
function recordedData(g: DataSpec, net: LoadedModel, r: NonNullable<ReturnType<typeof recordedSamples>>) {
  const [first, ...rest] = r.inputs;
  const out: PipelineData = {
    graph: net.graph!,
    inputId: first!.id,
    inputShape: first!.shape,
    samples: first!.samples,
    ...(rest.length ? { moreInputs: rest } : {}),
    recorded: { spikesOnly: r.spikesOnly },
    readout: readoutOf(net.metadata),
    description: `the recorded inputs of ${g.model} (${r.inputs.map((i) => i.id).join(", ")}; ${r.steps} steps)`,
    warnings: net.warnings,
    zeroWeights: false,
    initialised: false,
    raw: false,
    single: true,
  };
  return out;
}
