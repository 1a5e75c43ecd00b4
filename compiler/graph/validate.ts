// NetGraph validation: edges and ports, parameter values (finite, sane shapes and ranges), then shapes.
// Every problem names the node (or edge) and says what is wrong; all problems are reported at once.

import { type ErrorDetail, SpikegridError } from "../../common/errors.js";
import { IMPORT_LIMITS, importLimit, type LimitName } from "../importers/budget.js";
import { inputPorts, type NetGraph, outputPorts, resolvedDstPort, resolvedSrcPort } from "./graph.js";
import { inferShapesChecked, nodeWhere, type ShapeTable } from "./infer.js";
import { formatShape, type NdArray, sizeOf } from "./ndarray.js";
import type { GraphNode } from "./nodes.js";

/** "above the limit …, set … to allow more": the tail of every size problem, naming the knob. */
function overLimit(name: LimitName, amount: number): string {
  const l = IMPORT_LIMITS[name];
  return `${amount.toLocaleString("en-US")} elements, above the limit of ${importLimit(name).toLocaleString("en-US")} ${l.what} (set ${l.env} to allow more)`;
}

function isNdArray(v: unknown): v is NdArray {
  return typeof v === "object" && v !== null && "shape" in v && "data" in v;
}

function checkArray(name: string, a: NdArray, out: string[]): void {
  if (!a.shape.every((d) => Number.isInteger(d) && d >= 1)) {
    out.push(`${name} has an invalid shape ${formatShape(a.shape)} (dims must be positive integers)`);
    return;
  }
  if (sizeOf(a.shape) > importLimit("tensorElements"))
    out.push(`${name} ${formatShape(a.shape)} has ${overLimit("tensorElements", sizeOf(a.shape))}`);
  else if (a.data.length !== sizeOf(a.shape))
    out.push(`${name} holds ${a.data.length} values for shape ${formatShape(a.shape)}`);
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) {
      out.push(`${name}[${i}] is ${a.data[i]} (parameters must be finite numbers)`);
      break;
    }
  }
}

function ints(out: string[], name: string, values: readonly number[], min: number): void {
  if (!values.every((v) => Number.isInteger(v) && v >= min)) {
    out.push(`${name} ${formatShape(values)} must be integer${values.length > 1 ? "s" : ""} ≥ ${min}`);
  }
}

function positive(out: string[], name: string, a: NdArray): void {
  if (!a.data.every((v) => v > 0)) out.push(`${name} must be > 0 everywhere`);
}

/** Kind-specific range checks beyond finiteness. */
function checkNode(node: GraphNode, out: string[]): void {
  for (const [k, v] of Object.entries(node)) if (isNdArray(v)) checkArray(k, v, out);
  switch (node.kind) {
    case "Input":
      ints(out, "shape", node.shape, 1);
      if (node.shape.length && sizeOf(node.shape) > importLimit("tensorElements"))
        out.push(`shape ${formatShape(node.shape)} has ${overLimit("tensorElements", sizeOf(node.shape))}`);
      break;
    case "Output":
      if (node.shape) ints(out, "shape", node.shape, 1);
      break;
    case "Conv1d":
      ints(out, "stride", [node.stride], 1);
      ints(out, "dilation", [node.dilation], 1);
      ints(out, "groups", [node.groups], 1);
      ints(out, "pads", node.pads, 0);
      break;
    case "Conv2d":
      ints(out, "stride", node.stride, 1);
      ints(out, "dilation", node.dilation, 1);
      ints(out, "groups", [node.groups], 1);
      ints(out, "pads", node.pads, 0);
      break;
    case "SumPool2d":
    case "AvgPool2d":
    case "MaxPool2d":
      ints(out, "kernel", node.kernel, 1);
      ints(out, "stride", node.stride, 1);
      ints(out, "pads", node.pads, 0);
      break;
    case "TemporalConv":
      ints(out, "lookahead", [node.lookahead], 0);
      ints(out, "groups", [node.groups], 1);
      break;
    case "LI":
    case "LIF":
      positive(out, "tau", node.tau);
      break;
    case "CubaLI":
    case "CubaLIF":
      positive(out, "tauSyn", node.tauSyn);
      positive(out, "tauMem", node.tauMem);
      break;
    case "Delay":
      if (!node.delay.data.every((v) => v >= 0)) out.push("delay must be ≥ 0 seconds");
      break;
    case "BatchNorm":
      if (!node.variance.data.every((v) => v >= 0)) out.push("variance must be ≥ 0");
      if (!(node.eps > 0)) out.push(`eps ${node.eps} must be > 0`);
      break;
    case "LmuMemory":
      ints(out, "order", [node.order], 1);
      ints(out, "dtSteps", [node.dtSteps], 1);
      if (!(node.theta > 0)) out.push(`theta ${node.theta} must be > 0`);
      break;
    case "FixedTransform":
      ints(out, "levels", [node.levels], 1);
      break;
    case "Activation":
      if (
        node.fn === "clamp" &&
        !(node.min !== undefined && node.max !== undefined && node.min <= node.max)
      ) {
        out.push("clamp needs min ≤ max");
      }
      if (node.fn === "table") {
        const t = node.table;
        const k = t?.xs.length ?? 0;
        if (!t || k < 2 || t.ys.length !== k || t.slopes.length !== k + 1)
          out.push("table needs K ≥ 2 breakpoints xs, K values ys and K + 1 slopes");
        else if (
          ![...t.xs, ...t.ys, ...t.slopes].every(Number.isFinite) ||
          t.xs.some((x, i) => i > 0 && !(x > t.xs[i - 1]!))
        )
          out.push("table needs finite values and strictly increasing breakpoints xs");
      }
      break;
    case "Concat":
      ints(out, "inputs", [node.inputs], 1);
      break;
    case "LayerNorm":
      if (!(node.eps > 0)) out.push(`eps ${node.eps} must be > 0`);
      break;
    case "TernaryGatedMix":
      // ratio ≥ 1 would zero every ternary value (nothing exceeds the maximum)
      if (!(node.ratio >= 0 && node.ratio < 1)) out.push(`ratio ${node.ratio} must be in [0, 1)`);
      break;
    case "Reshape":
      if (!node.shape.every((d) => d === -1 || (Number.isInteger(d) && d >= 1)))
        out.push(`shape ${formatShape(node.shape)} is invalid`);
      break;
    default:
      break;
  }
}

/** Elements of all parameter arrays of a graph, nested graphs included. */
function parameterElements(g: NetGraph): number {
  let n = 0;
  for (const node of g.nodes.values()) {
    for (const v of Object.values(node)) if (isNdArray(v)) n += v.data.length;
    if (node.kind === "Subgraph") n += parameterElements(node.graph);
  }
  return n;
}

function checkStructure(g: NetGraph, prefix: string, problems: ErrorDetail[]): void {
  const seen = new Set<string>();
  for (const [i, e] of g.edges.entries()) {
    const where = `edge #${i} ${prefix}${e.src} → ${prefix}${e.dst}`;
    const src = g.nodes.get(e.src);
    const dst = g.nodes.get(e.dst);
    if (!src) problems.push({ where, message: `source node "${e.src}" does not exist` });
    if (!dst) problems.push({ where, message: `destination node "${e.dst}" does not exist` });
    if (!src || !dst) continue;
    const dp = resolvedDstPort(dst, e);
    const sp = resolvedSrcPort(src, e);
    const dPorts = inputPorts(dst);
    const sPorts = outputPorts(src);
    if (dp === undefined || !dPorts.includes(dp)) {
      const has = dPorts.length ? `its ports are ${dPorts.join(", ")}` : "it has no input ports";
      problems.push({
        where,
        message: `enters ${dst.kind} "${e.dst}" at ${dp === undefined ? "no named port" : `port "${dp}"`}; ${has}`,
      });
    }
    if (sp === undefined || !sPorts.includes(sp)) {
      const has = sPorts.length ? `its ports are ${sPorts.join(", ")}` : "it has no output ports";
      problems.push({
        where,
        message: `leaves ${src.kind} "${e.src}" at ${sp === undefined ? "no named port" : `port "${sp}"`}; ${has}`,
      });
    }
    const key = `${e.src}\u0000${sp}\u0000${e.dst}\u0000${dp}`;
    if (seen.has(key))
      problems.push({ where, message: "duplicate edge (the same connection twice would double its input)" });
    seen.add(key);
  }
  for (const [id, node] of g.nodes) {
    const found: string[] = [];
    checkNode(node, found);
    for (const m of found) problems.push({ where: nodeWhere(g, id, prefix), message: m });
    if (node.kind === "Subgraph") checkStructure(node.graph, `${prefix}${id}.`, problems);
  }
}

/** All problems of a graph (structure, parameters, shapes) without throwing; shapes only when structure is sound. */
export function checkGraph(g: NetGraph): { problems: ErrorDetail[]; shapes?: ShapeTable } {
  const problems: ErrorDetail[] = [];
  checkStructure(g, "", problems);
  const params = parameterElements(g);
  if (params > importLimit("graphElements"))
    problems.push({
      where: "the network",
      message: `its parameters have ${overLimit("graphElements", params)}`,
    });
  if (problems.length) return { problems };
  const { shapes, problems: shapeProblems } = inferShapesChecked(g);
  return { problems: shapeProblems, shapes };
}

/** Validates a graph and returns its shapes, or throws GRAPH_INVALID listing every problem. */
export function validateGraph(g: NetGraph, source = "graph"): ShapeTable {
  const { problems, shapes } = checkGraph(g);
  if (problems.length || !shapes) {
    throw new SpikegridError(
      "GRAPH_INVALID",
      `${source} is not a valid network (${problems.length} problem${problems.length === 1 ? "" : "s"})`,
      {
        details: problems,
        hint: "fix the named nodes or edges in the producer, or report the file if it came from a supported tool",
      },
    );
  }
  return shapes;
}
