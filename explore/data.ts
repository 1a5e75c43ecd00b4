// What every point of a sweep shares: the float network and the labelled samples. Loaded once, in the main
// thread, which checks shapes before any work (worker threads get prepared jobs, never the data itself).

import { SpikegridError } from "../common/errors.js";
import type { NetGraph } from "../compiler/graph/graph.js";
import "../compiler/importers/register-all.js";
import { importFile } from "../compiler/importers/registry.js";
import { readNpyFile, toFloat32 } from "../compiler/importers/tensors/index.js";
import { isZooRef, loadZooModel } from "../models/zoo.js";
import { datasetRegistry } from "./datasets.js";
import type { GridSpec } from "./grid.js";

export interface ExploreData {
  graph: NetGraph;
  inputId: string;
  inputShape: number[];
  /** [N, T, ...inputShape]. */
  samples: { shape: number[]; data: Float32Array };
  labels?: Int32Array;
  /** How a class is read from the per-step outputs: argmax of their mean, or of the last step. */
  readout: "mean" | "last";
}

async function loadGraph(g: GridSpec): Promise<NetGraph> {
  if (isZooRef(g.model)) return loadZooModel(g.model, g.set ?? {}).graph;
  if (g.set && Object.keys(g.set).length)
    throw new SpikegridError("USAGE", "--set applies to zoo models (zoo:NAME) only");
  return (await importFile(g.model)).graph;
}

/** The readout the model's metadata names ("last step" → last), else the mean over steps. */
function readoutOf(graph: NetGraph): "mean" | "last" {
  const r = graph.metadata.readout;
  return typeof r === "string" && /\blast\b/.test(r) ? "last" : "mean";
}

async function loadSamples(
  g: GridSpec,
): Promise<{ shape: number[]; data: Float32Array; labels?: Int32Array }> {
  if (g.dataset !== undefined) {
    const d = await datasetRegistry.get(g.dataset).load(g.samples!);
    return { shape: d.shape, data: d.data, labels: d.labels };
  }
  const x = readNpyFile(g.input!);
  const out: { shape: number[]; data: Float32Array; labels?: Int32Array } = {
    shape: [...x.shape],
    data: toFloat32(x),
  };
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

/** Loads the network and samples of a grid and checks they fit together (one input; shapes; label count). */
export async function loadExploreData(g: GridSpec): Promise<ExploreData> {
  const graph = await loadGraph(g);
  const inputs = [...graph.nodes].filter(([, n]) => n.kind === "Input");
  if (inputs.length !== 1)
    throw new SpikegridError("UNSUPPORTED", `explore feeds one input; ${g.model} has ${inputs.length}`);
  const [inputId, node] = inputs[0]!;
  const inputShape = [...(node as { shape: number[] }).shape];
  const s = await loadSamples(g);
  const where = g.input ?? `dataset ${g.dataset}`;
  const single = s.shape.length === inputShape.length + 1;
  const shape = single ? [1, ...s.shape] : s.shape;
  const fits = shape.length === inputShape.length + 2 && shape.slice(2).every((d, i) => d === inputShape[i]);
  if (!fits) {
    throw new SpikegridError(
      "USAGE",
      `${where}: samples shaped [${s.shape.join(",")}] do not fit input "${inputId}" [${inputShape.join(",")}]`,
      { hint: `give [N, T, ${inputShape.join(", ")}] (or [T, ${inputShape.join(", ")}] for one sample)` },
    );
  }
  const n = shape[0]!;
  if (g.samples !== undefined && g.dataset === undefined && g.samples > n)
    throw new SpikegridError("USAGE", `--samples ${g.samples}: ${where} holds only ${n}`);
  const keep = Math.min(n, g.samples ?? n);
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const data = s.data.subarray(0, keep * per);
  const labels = s.labels?.subarray(0, keep);
  if (s.labels && s.labels.length < keep)
    throw new SpikegridError("USAGE", `${g.labels ?? where}: ${s.labels.length} labels for ${keep} samples`);
  const out: ExploreData = {
    graph,
    inputId,
    inputShape,
    samples: { shape: [keep, ...shape.slice(1)], data },
    readout: readoutOf(graph),
  };
  if (labels) out.labels = labels;
  return out;
}
