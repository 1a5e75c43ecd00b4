// Applies a checkpoint's state_dict to a NetGraph by PyTorch key names (`<node id>.<param>`), the way
// `load_state_dict` does, and lists precisely what did not fit: missing, unexpected and mis-shaped keys.

import { type ErrorDetail, SpikegridError } from "../../common/errors.js";
import type { NetGraph } from "../graph/graph.js";
import { formatShape, type NdArray, sameShape } from "../graph/ndarray.js";
import type { GraphNode } from "../graph/nodes.js";
import {
  type CustomSlot,
  diagonalSsmSlots,
  embeddingSlot,
  ternaryGatedMixSlots,
} from "./state-dict-slots.js";
import { type StateDict, type Tensor, toFloat32 } from "./tensors/tensor.js";

/** One parameter slot of the graph a state_dict key can fill. */
interface Slot {
  key: string;
  /** The node object itself, so nested and dotted ids need no re-lookup. */
  node: Record<string, NdArray | undefined>;
  field: string;
  current: NdArray | undefined;
  /** An optional bias: a checkpoint of a bias-free layer may omit it (the graph's zeros are kept). */
  optionalIfZero?: boolean;
  /** A tensor that is not the field as it stands (state-dict-slots.ts); `current` then only gives the shape. */
  write?: (t: NdArray) => void;
}

/** PyTorch parameter name → NetGraph field, per node kind. */
function slotsOf(node: GraphNode): [string, string, boolean?][] {
  switch (node.kind) {
    case "Affine":
    case "Conv1d":
    case "Conv2d":
    case "TemporalConv":
      return [
        ["weight", "weight"],
        ["bias", "bias", true],
      ];
    case "Linear":
      return [["weight", "weight"]];
    case "BatchNorm":
      return [
        ["weight", "gamma"],
        ["bias", "beta"],
        ["running_mean", "mean"],
        ["running_var", "variance"],
      ];
    case "Scale":
      return [["scale", "scale"]];
    case "LayerNorm":
      return [
        ["weight", "weight"],
        ["bias", "bias"],
      ];
    default:
      return [];
  }
}

/** A checkpoint key the network does not need, and why (e.g. an architecture's derived buffers). */
export interface IgnoredKey {
  pattern: RegExp;
  reason: string;
}

/** Keys a checkpoint may carry that hold no network parameter (BatchNorm's step counter). */
const IGNORED_SUFFIXES = [".num_batches_tracked"];

/**
 * Linear nodes that stand for an nn.Embedding on one-hot tokens, listed by the builder in
 * `graph.metadata.embeddings` (node ids): their checkpoint weight is [vocab, H], the transpose of the graph's.
 */
function embeddingIds(g: NetGraph): Set<string> {
  const e = g.metadata.embeddings;
  return new Set(Array.isArray(e) ? e.filter((x): x is string => typeof x === "string") : []);
}

function collectSlots(g: NetGraph, prefix: string, out: Slot[]): void {
  const embeddings = embeddingIds(g);
  for (const [id, node] of g.nodes) {
    if (node.kind === "Subgraph") {
      collectSlots(node.graph, `${prefix}${id}.`, out);
      continue;
    }
    const custom: CustomSlot[] =
      node.kind === "DiagonalSsm"
        ? diagonalSsmSlots(`${prefix}${id}`, node)
        : node.kind === "TernaryGatedMix"
          ? ternaryGatedMixSlots(`${prefix}${id}`, node)
          : node.kind === "Linear" && embeddings.has(`${prefix}${id}`)
            ? [embeddingSlot(`${prefix}${id}.weight`, node)]
            : [];
    for (const c of custom) {
      out.push({
        key: c.key,
        node: {},
        field: "",
        current: { shape: c.shape, data: new Float64Array(0) },
        write: c.write,
      });
    }
    if (custom.length) continue;
    const fields = node as unknown as Record<string, NdArray | undefined>;
    for (const [param, field, optional] of slotsOf(node)) {
      out.push({
        key: `${prefix}${id}.${param}`,
        node: fields,
        field,
        current: fields[field],
        optionalIfZero: optional,
      });
    }
  }
}

/** The state_dict keys a graph expects, with their shapes (undefined for an absent optional bias). */
export function expectedKeys(g: NetGraph): { key: string; shape: number[] | undefined }[] {
  const slots: Slot[] = [];
  collectSlots(g, "", slots);
  return slots.map((s) => ({ key: s.key, shape: s.current?.shape }));
}

export interface ApplyReport {
  applied: string[];
  /** Expected keys absent from the checkpoint (graph values kept). */
  missing: string[];
  /** Bias keys absent from the checkpoint of layers whose bias is all zero (a bias-free PyTorch layer). */
  absentZeroBiases: string[];
  unexpected: string[];
  mismatched: { key: string; expected: number[]; got: number[] }[];
  ignored: string[];
  /** A prefix such as "module." stripped from every key to make names match. */
  strippedPrefix: string;
}

const PREFIXES = ["", "module.", "model.", "net.", "network.", "module.model."];

function toNdArray(t: Tensor): NdArray {
  const data = t.data instanceof Float64Array ? new Float64Array(t.data) : toFloat32(t);
  return { shape: [...t.shape], data };
}

function isAllZero(a: NdArray | undefined): boolean {
  return a === undefined || a.data.every((v) => v === 0);
}

/**
 * Copies matching tensors into the graph's nodes (mutating it) and reports every mismatch.
 * Throws IMPORT_FAILED listing all problems when a key is mis-shaped or unexpected, or missing (unless `allowMissing`).
 */
export function applyStateDict(
  g: NetGraph,
  sd: StateDict,
  opts: { source?: string; allowMissing?: boolean; ignore?: IgnoredKey[] } = {},
): ApplyReport {
  const source = opts.source ?? "state_dict";
  const slots: Slot[] = [];
  collectSlots(g, "", slots);
  const byKey = new Map(slots.map((s) => [s.key, s]));
  const keys = [...sd.keys()];
  const strippedPrefix = PREFIXES.map((p) => ({
    p,
    n: keys.filter((k) => k.startsWith(p) && byKey.has(k.slice(p.length))).length,
  })).reduce((best, c) => (c.n > best.n ? c : best)).p;
  const report: ApplyReport = {
    applied: [],
    missing: [],
    absentZeroBiases: [],
    unexpected: [],
    mismatched: [],
    ignored: [],
    strippedPrefix,
  };
  const seen = new Set<string>();
  for (const [rawKey, tensor] of sd) {
    const key = rawKey.startsWith(strippedPrefix) ? rawKey.slice(strippedPrefix.length) : rawKey;
    const slot = byKey.get(key);
    if (!slot) {
      const known =
        IGNORED_SUFFIXES.some((s) => key.endsWith(s)) || opts.ignore?.some((i) => i.pattern.test(key));
      (known ? report.ignored : report.unexpected).push(rawKey);
      continue;
    }
    seen.add(key);
    const expected = slot.current?.shape;
    if (expected && !sameShape(expected, tensor.shape)) {
      report.mismatched.push({ key: rawKey, expected, got: tensor.shape });
      continue;
    }
    if (slot.write) slot.write(toNdArray(tensor));
    else slot.node[slot.field] = toNdArray(tensor);
    report.applied.push(rawKey);
  }
  for (const s of slots) {
    if (seen.has(s.key)) continue;
    if (s.optionalIfZero && isAllZero(s.current)) report.absentZeroBiases.push(s.key);
    else report.missing.push(s.key);
  }
  const problems: ErrorDetail[] = [
    ...report.mismatched.map((m) => ({
      where: m.key,
      message: `shape ${formatShape(m.got)} in the checkpoint, the network expects ${formatShape(m.expected)}`,
    })),
    ...report.unexpected.map((k) => ({
      where: k,
      message: "unexpected key: no node of the network has this parameter",
    })),
    ...(opts.allowMissing
      ? []
      : report.missing.map((k) => ({ where: k, message: "missing from the checkpoint" }))),
  ];
  if (problems.length) {
    throw new SpikegridError(
      "IMPORT_FAILED",
      `${source} does not fit the network (${problems.length} problem${problems.length > 1 ? "s" : ""})`,
      {
        details: problems,
        hint: `the network expects keys like ${slots
          .slice(0, 3)
          .map((s) => s.key)
          .join(", ")}; check the architecture and the checkpoint belong together`,
      },
    );
  }
  return report;
}

/**
 * The graph's parameters as a PyTorch-named state_dict (float32, or float64 where the graph holds float64), the
 * inverse of `applyStateDict` for plain slots: what a checkpoint of this network would hold. A slot stored in
 * another form than its checkpoint tensor (state-dict-slots.ts: diagonal SSMs, ternary mixes, embeddings)
 * cannot be written back and is refused.
 */
export function graphStateDict(g: NetGraph): StateDict {
  const slots: Slot[] = [];
  collectSlots(g, "", slots);
  const out: StateDict = new Map();
  for (const s of slots) {
    if (s.write)
      throw new SpikegridError(
        "UNSUPPORTED",
        `writing a state_dict: "${s.key}" is stored in another form than its checkpoint tensor`,
        {
          hint: "only networks of plain Affine/Linear/Conv/BatchNorm/LayerNorm/Scale parameters are written",
        },
      );
    if (!s.current) continue; // an absent optional bias: a bias-free layer has no key
    // float64 values (calibrated statistics) stay float64: applying the file back gives the same network
    const d = s.current.data;
    out.set(
      s.key,
      d instanceof Float64Array
        ? { dtype: "float64", shape: [...s.current.shape], data: Float64Array.from(d) }
        : { dtype: "float32", shape: [...s.current.shape], data: Float32Array.from(d) },
    );
  }
  return out;
}
