// One paper-table row measured from a float network: Params and dense MACs of the NetGraph, then (compiled with
// default options) ACs, MACs, dense ops and theoretical energy from the reference interpreter over the inputs,
// and accuracy when labels are given. Networks the compiler refuses get the ANN convention, said so.

import { isSpikegridError } from "../../common/errors.js";
import type { NetGraph } from "../../compiler/graph/graph.js";
import { summarizeGraph } from "../../compiler/graph/summary.js";
import { compile } from "../../compiler/passes/pipeline.js";
import { quantizeInputs } from "../../compiler/passes/quantize-inputs.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import { runReference } from "../../simulator/reference/index.js";
import { buildRunJson } from "../run-build.js";
import type { RunJson } from "../run-json.js";
import { calibrateBatchNorm } from "./calibrate-bn.js";
import { hasOnlyZeroWeights, initWeights } from "./init-weights.js";
import type { TableInputs } from "./inputs.js";
import { type ChipFigures, measureChip } from "./measure-chip.js";

export type InitMode = "random" | "zeros" | "keep";

export interface MeasuredRow {
  model: string;
  /** Learnable parameters of the float network (summarizeGraph). */
  params: number;
  /** Dense MACs of the float network per step (padding excluded). */
  denseMacsPerStep: number;
  steps: number;
  batch: number;
  /** Fraction of zero weights over the weight tensors of the float network (NeuroBench connection sparsity). */
  connectionSparsity: number;
  /** The reference run of the compiled module (absent when the compiler refused the network). */
  run?: RunJson;
  /** Why the network was not compiled (then ops follow the ANN convention). */
  notCompiled?: string;
  accuracy?: number;
  /** Weights were initialised for the table (untrained). */
  initialised: boolean;
  /** The network had only zero weights and was kept so (no synaptic ops). */
  zeroWeights: boolean;
  inputs: string;
  /** Chip energy and latency per sample (with `profile`), or why there are none. */
  chip?: ChipFigures;
  chipNote?: string;
}

export interface MeasureOptions {
  init: InitMode;
  /** Also map onto this chip and run the chip simulator (chip energy and latency). */
  profile?: ChipProfile;
  /** Steps per sample (default: the inputs' T). */
  timesteps?: number;
}

function weightSparsity(g: NetGraph): number {
  let zeros = 0;
  let total = 0;
  const visit = (x: NetGraph) => {
    for (const n of x.nodes.values()) {
      if (n.kind === "Subgraph") visit(n.graph);
      else if ("weight" in n) {
        total += n.weight.data.length;
        for (const w of n.weight.data) if (w === 0) zeros++;
      }
    }
  };
  visit(g);
  return total ? zeros / total : 0;
}

const argmax = (v: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
};

/** Measures `graph` (modified in place when initialised) over `inputs` for the paper table. */
export function measureModel(
  model: string,
  graph: NetGraph,
  inputs: TableInputs,
  opts: MeasureOptions,
): MeasuredRow {
  const summary = summarizeGraph(graph, model);
  const port = summary.inputs[0];
  const steps = opts.timesteps ?? inputs.steps;
  const zero = hasOnlyZeroWeights(graph);
  const initialised = opts.init === "random" && zero;
  const row: MeasuredRow = {
    model,
    params: summary.totals.params,
    denseMacsPerStep: summary.totals.denseMacs,
    steps,
    batch: inputs.batch,
    connectionSparsity: 0,
    initialised,
    zeroWeights: zero && !initialised,
    inputs: inputs.description,
  };
  const per = port ? port.shape.reduce((a, b) => a * b, 1) : 0;
  /** Sample b padded with zeros (or cut) to `steps` steps. */
  const sample = (b: number) => {
    const out = new Float64Array(steps * per);
    out.set(
      inputs.data.subarray(
        b * inputs.steps * per,
        b * inputs.steps * per + Math.min(steps, inputs.steps) * per,
      ),
    );
    return out;
  };
  if (initialised) {
    initWeights(graph);
    if (port) calibrateBatchNorm(graph, port.id, port.shape, sample(0));
  }
  row.connectionSparsity = weightSparsity(graph);
  let ir: ReturnType<typeof compile>["ir"];
  try {
    ir = compile(graph, { dump: () => {}, ...(opts.profile ? { profile: opts.profile } : {}) }).ir;
  } catch (e) {
    if (!isSpikegridError(e) || e.code !== "UNSUPPORTED") throw e;
    row.notCompiled = e.message;
    return row;
  }
  const counts = [];
  const feeds: Record<string, { shape: number[]; data: ArrayLike<number> }>[] = [];
  let correct = 0;
  let records: ReturnType<typeof runReference>["records"] | undefined;
  for (let b = 0; b < inputs.batch; b++) {
    const feed: Record<string, { shape: number[]; data: ArrayLike<number> }> = {};
    if (port) {
      const q = quantizeInputs(ir, { [port.id]: { shape: [steps, ...port.shape], data: sample(b) } }).get(
        port.id,
      )!;
      feed[port.id] = { shape: q.shape, data: q.data };
    }
    feeds.push(feed);
    const spiking = b === 0 ? ir.populations.filter((p) => p.output.kind === "spike").map((p) => p.id) : [];
    const r = runReference(ir, feed, { timesteps: steps, perStepCounts: true, record: spiking });
    if (b === 0) records = r.records;
    counts.push(r.counts);
    if (inputs.labels) {
      const out = r.outputsScaled.get(ir.outputs[0]?.id ?? "")!;
      const sum = new Float64Array(out[0]?.length ?? 0);
      for (const v of out) for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
      if (argmax(sum) === inputs.labels[b]) correct++;
    }
  }
  row.run = buildRunJson({
    file: model,
    ir,
    engine: "reference",
    mode: "layer-sync",
    timesteps: steps,
    counts,
    ...(records ? { raster: records } : {}),
  });
  if (inputs.labels) row.accuracy = correct / inputs.batch;
  if (opts.profile) Object.assign(row, measureChip(ir, opts.profile, feeds, steps));
  return row;
}
