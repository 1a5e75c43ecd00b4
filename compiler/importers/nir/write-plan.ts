// NetGraph → the NIR HDF5 tree as plain data (a Plan), before any HDF5 call. Every node kind or option NIR
// cannot express is collected as a problem naming the node and the reason, so export can refuse all at once.

import type { ErrorDetail } from "../../../common/errors.js";
import {
  formatShape,
  type GraphNode,
  inferShapesChecked,
  type NdArray,
  type NetGraph,
  type NodeKind,
  type NodeShapes,
} from "../../graph/index.js";
import { NODE_METADATA_KEY } from "./read.js";
import { badName, metadataPlan, setEntry } from "./write-meta.js";

export type PlanValue =
  | { t: "str"; value: string }
  | { t: "strs"; values: string[]; shape: number[] }
  | { t: "int"; values: (number | bigint)[]; shape: number[] }
  | { t: "float"; array: NdArray }
  | { t: "group"; entries: Plan };
export type Plan = Record<string, PlanValue>;

const str = (value: string): PlanValue => ({ t: "str", value });
const ints = (values: number[], shape = [values.length]): PlanValue => ({ t: "int", values, shape });
const int = (v: number): PlanValue => ints([v], []);
const float = (array: NdArray): PlanValue => ({ t: "float", array });

/** Why each NetGraph kind outside NIR's primitive set cannot be written. */
const NO_NIR_EQUIVALENT: Partial<Record<NodeKind, string>> = {
  BatchNorm: "NIR has no batch norm; fold it into the preceding Conv/Affine first",
  LmuMemory: "NIR has no LMU memory primitive",
  DiagonalSsm: "NIR has no state-space (S4D) primitive",
  LayerNorm: "NIR has no layer normalisation",
  TernaryGatedMix: "NIR has no data-dependent (max-relative) threshold or gated product (GSU)",
  FixedTransform: "NIR has no fixed-basis (DFT/wavelet) transform",
  Activation: "NIR has no graded activation function (ReLU, clamp, GELU, …)",
  Product: "NIR edges only add their inputs; it has no elementwise product",
  DynamicMatmul: "NIR has no product of two activations (dynamic matmul)",
  TemporalConv: "NIR convolutions are spatial; it has no convolution over timesteps",
  MaxPool2d: "NIR pools are SumPool2d and AvgPool2d only",
  Reshape: "NIR has Flatten but no general reshape",
  Transpose: "NIR has no transpose",
  Concat: "NIR edges only add their inputs; it has no concatenation",
  Reduce: "NIR has no reduction over axes",
};

/** NIR `padding` for per-dim [begin, end] pads: symmetric ints, else "same" if it is exactly PyTorch's "same". */
function padding(
  pads: [number, number][],
  kernel: number[],
  dilation: number[],
  stride: number[],
  scalar: boolean,
): PlanValue | string {
  if (pads.every(([b, e]) => b === e)) return scalar ? int(pads[0]![0]) : ints(pads.map(([b]) => b));
  const same = kernel.map((k, i) => {
    const total = dilation[i]! * (k - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  if (stride.every((s) => s === 1) && pads.every(([b, e], i) => b === same[i]?.[0] && e === same[i]?.[1]))
    return str("same");
  return `pads ${formatShape(pads.flat())} are asymmetric and not PyTorch's "same" padding; NIR padding is symmetric`;
}

function spikeProblems(n: { resetMode: string; fire: string; vMin?: NdArray }): string[] {
  const out: string[] = [];
  if (n.resetMode === "subtract")
    out.push('resets by subtracting the threshold (resetMode "subtract"); NIR v1 can only say v ← v_reset');
  if (n.resetMode === "none")
    out.push('never resets (resetMode "none"); NIR spiking neurons always reset to v_reset');
  if (n.fire !== "gt") out.push('fires on v ≥ θ (fire "ge"); NIR defines a spike as v > θ');
  if (n.vMin) out.push("has a lower clamp vMin, which NIR cannot express");
  return out;
}

function zerosBias(weight: NdArray): NdArray {
  const n = weight.shape[0] ?? 1;
  return {
    shape: [n],
    data: weight.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n),
  };
}

/** The NIR fields of one node, or the reasons it cannot be written. `s` holds its inferred port shapes. */
function planNode(
  n: GraphNode,
  s: NodeShapes | undefined,
  inner: string,
  problems: string[],
  sub: ErrorDetail[],
): Plan | undefined {
  const x = s?.inputs.in;
  const withType = (type: string, fields: Plan): Plan => ({ type: str(type), ...fields });
  switch (n.kind) {
    case "Input":
      return withType("Input", { shape: ints(n.shape) });
    case "Output": {
      const shape = n.shape ?? x;
      return withType("Output", shape ? { shape: ints(shape) } : {});
    }
    case "Affine":
      return withType("Affine", { weight: float(n.weight), bias: float(n.bias) });
    case "Linear":
      return withType("Linear", { weight: float(n.weight) });
    case "Scale":
      return withType("Scale", { scale: float(n.scale) });
    case "Conv1d": {
      const pad = padding([n.pads], n.weight.shape.slice(2), [n.dilation], [n.stride], true);
      if (typeof pad === "string") return void problems.push(pad);
      const len = n.inputLength ?? (x?.length === 2 ? x[1] : undefined);
      const base: Plan = {
        weight: float(n.weight),
        bias: float(n.bias ?? zerosBias(n.weight)),
        stride: int(n.stride),
      };
      const rest: Plan = { padding: pad, dilation: int(n.dilation), groups: int(n.groups) };
      return withType("Conv1d", {
        ...base,
        ...rest,
        ...(len === undefined ? {} : { input_shape: int(len) }),
      });
    }
    case "Conv2d": {
      const [t, l, b, r] = n.pads;
      const pad = padding(
        [
          [t, b],
          [l, r],
        ],
        n.weight.shape.slice(2),
        n.dilation,
        n.stride,
        false,
      );
      if (typeof pad === "string") return void problems.push(pad);
      const size = n.inputSize ?? (x?.length === 3 ? [x[1]!, x[2]!] : undefined);
      const base: Plan = {
        weight: float(n.weight),
        bias: float(n.bias ?? zerosBias(n.weight)),
        stride: ints(n.stride),
      };
      const rest: Plan = { padding: pad, dilation: ints(n.dilation), groups: int(n.groups) };
      return withType("Conv2d", { ...base, ...rest, ...(size ? { input_shape: ints(size) } : {}) });
    }
    case "SumPool2d":
    case "AvgPool2d": {
      const [t, l, b, r] = n.pads;
      if (t !== b || l !== r)
        return void problems.push(
          `pads ${formatShape(n.pads)} are asymmetric; NIR pool padding is symmetric`,
        );
      return withType(n.kind, { kernel_size: ints(n.kernel), stride: ints(n.stride), padding: ints([t, l]) });
    }
    case "Flatten": {
      const inputType = n.inputShape ?? x;
      const dims: Plan = { start_dim: int(n.startDim), end_dim: int(n.endDim) };
      return withType("Flatten", { ...dims, ...(inputType ? { input_type: ints(inputType) } : {}) });
    }
    case "Delay":
      return withType("Delay", { delay: float(n.delay) });
    case "Threshold":
      if (n.fire !== "gt") return void problems.push('fires on x ≥ θ (fire "ge"); NIR Threshold is x > θ');
      return withType("Threshold", { threshold: float(n.threshold) });
    case "I":
      return withType("I", { r: float(n.r) });
    case "LI":
      return withType("LI", { tau: float(n.tau), r: float(n.r), v_leak: float(n.vLeak) });
    case "CubaLI": {
      const p: Plan = {
        tau_syn: float(n.tauSyn),
        tau_mem: float(n.tauMem),
        r: float(n.r),
        v_leak: float(n.vLeak),
      };
      return withType("CubaLI", { ...p, w_in: float(n.wIn) });
    }
    case "IF":
    case "LIF":
    case "CubaLIF": {
      const why = spikeProblems(n);
      if (why.length) return void problems.push(...why);
      const spike: Plan = { v_threshold: float(n.vThreshold), v_reset: float(n.vReset), r: float(n.r) };
      if (n.kind === "IF") return withType("IF", spike);
      if (n.kind === "LIF") return withType("LIF", { ...spike, tau: float(n.tau), v_leak: float(n.vLeak) });
      const cuba: Plan = { tau_syn: float(n.tauSyn), tau_mem: float(n.tauMem), v_leak: float(n.vLeak) };
      return withType("CubaLIF", { ...spike, ...cuba, w_in: float(n.wIn) });
    }
    case "Subgraph":
      return planGraph(n.graph, inner, sub);
    default: {
      const why = NO_NIR_EQUIVALENT[n.kind];
      return void problems.push(why ?? `NetGraph kind ${n.kind} has no NIR equivalent`);
    }
  }
}

/** An edge end as NIR names it: the node id, or "sub.port" for one port of a subgraph with several. */
function endName(
  g: NetGraph,
  id: string,
  port: string | undefined,
  kind: "Input" | "Output",
): string | { problem: string } {
  const n = g.nodes.get(id);
  if (n?.kind !== "Subgraph") return id;
  const ports = [...n.graph.nodes].filter(([, m]) => m.kind === kind).map(([p]) => p);
  if (port === undefined || (ports.length === 1 && ports[0] === port)) return id;
  const name = `${id}.${port}`;
  return g.nodes.has(name)
    ? { problem: `"${name}" would name both a node and a port of subgraph "${id}"` }
    : name;
}

/** A NetGraph (or nested graph with `prefix` "sub.") as a NIRGraph plan; problems go to `problems`. */
export function planGraph(g: NetGraph, prefix: string, problems: ErrorDetail[]): Plan {
  const { shapes } = inferShapesChecked(g);
  const nodes: Plan = {};
  const meta = { ...g.metadata };
  const nodeMeta = meta[NODE_METADATA_KEY];
  const perNode =
    typeof nodeMeta === "object" &&
    nodeMeta !== null &&
    !Array.isArray(nodeMeta) &&
    Object.keys(nodeMeta).every((k) => g.nodes.has(k))
      ? (nodeMeta as Record<string, unknown>)
      : undefined;
  if (perNode) delete meta[NODE_METADATA_KEY];
  if (g.dt !== undefined) meta.dt = g.dt;
  for (const [id, n] of g.nodes) {
    const where = `node "${prefix}${id}" (${n.kind})`;
    const reasons: string[] = [];
    const bad = badName(id);
    if (bad) reasons.push(bad);
    const entries = planNode(n, shapes.get(id), `${prefix}${id}.`, reasons, problems);
    for (const message of reasons) problems.push({ where, message });
    if (!entries) continue;
    const own = perNode?.[id];
    if (n.kind !== "Subgraph" && typeof own === "object" && own !== null && Object.keys(own).length) {
      entries.metadata = {
        t: "group",
        entries: metadataPlan(own as Record<string, unknown>, `${where} metadata`, problems),
      };
    }
    setEntry(nodes, id, { t: "group", entries });
  }
  const flat: string[] = [];
  for (const [i, e] of g.edges.entries()) {
    const ends = [endName(g, e.src, e.srcPort, "Output"), endName(g, e.dst, e.dstPort, "Input")];
    for (const end of ends)
      if (typeof end !== "string")
        problems.push({ where: `edge #${i} ${prefix}${e.src} → ${prefix}${e.dst}`, message: end.problem });
    flat.push(...ends.map((end) => (typeof end === "string" ? end : "")));
  }
  const plan: Plan = {
    type: str("NIRGraph"),
    edges: { t: "strs", values: flat, shape: [g.edges.length, 2] },
    nodes: { t: "group", entries: nodes },
  };
  const where = prefix ? `subgraph "${prefix.slice(0, -1)}" metadata` : "graph metadata";
  if (Object.keys(meta).length) plan.metadata = { t: "group", entries: metadataPlan(meta, where, problems) };
  return plan;
}
