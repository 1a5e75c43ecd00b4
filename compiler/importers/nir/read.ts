// NIR HDF5 tree (reference §A.3) → NetGraph: /version, the /node NIRGraph with nodes/, edges and metadata,
// nested NIRGraphs as Subgraph nodes. Structure only; shape completion and validation happen in index.ts.

import { type ErrorDetail, SpikegridError } from "../../../common/errors.js";
import {
  addNode,
  createGraph,
  createSubgraph,
  type Edge,
  type GraphNode,
  type NetGraph,
} from "../../graph/index.js";
import { Fields, guarded, importFailed, type ReadContext } from "./fields.js";
import { insertInputsOutputs, orderNodes } from "./fixups.js";
import { buildNode } from "./nodes-read.js";
import { child, childNames, type GroupSnap as Group, isDataset, isGroup } from "./tree.js";
import { readPlain, readString, readStrings } from "./values.js";

/** Deeper nesting than this is taken as a link cycle in a corrupt file, not as a network. */
const MAX_DEPTH = 32;

/** Key under graph.metadata holding per-node NIR metadata: `metadata.nodes[<id>]` (NetGraph nodes have none). */
export const NODE_METADATA_KEY = "nodes";

/** obj[key] = value as an own property, so a file's key "__proto__" stays data instead of replacing the prototype. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function graphWhere(prefix: string): string {
  return prefix ? `subgraph "${prefix.slice(0, -1)}"` : "top-level graph";
}

function readType(ctx: ReadContext, g: Group, where: string): string {
  const t = child(g, "type");
  if (!isDataset(t))
    throw importFailed(
      ctx,
      where,
      `has no "type" dataset`,
      "every NIR node group holds a scalar string `type`",
    );
  return guarded(ctx, where, "type", () => readString(t));
}

/** A metadata group as plain JS values; unreadable entries are skipped with a warning. */
function readMetadata(ctx: ReadContext, g: Group, where: string, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw importFailed(ctx, where, `metadata nested deeper than ${MAX_DEPTH} levels`);
  const out: Record<string, unknown> = {};
  for (const key of childNames(g)) {
    const e = child(g, key);
    if (isGroup(e)) setOwn(out, key, readMetadata(ctx, e, `${where}.${key}`, depth + 1));
    else if (isDataset(e)) {
      try {
        setOwn(
          out,
          key,
          guarded(ctx, where, key, () => readPlain(e)),
        );
      } catch (err) {
        if (!(err instanceof SpikegridError)) throw err;
        ctx.warnings.push(`${where}: metadata "${key}" ignored (${err.details[0]?.message ?? err.message})`);
      }
    } else ctx.warnings.push(`${where}: metadata "${key}" ignored (not a dataset or group)`);
  }
  return out;
}

function readEdges(ctx: ReadContext, g: Group, where: string): [string, string][] {
  const e = child(g, "edges");
  if (!isDataset(e)) throw importFailed(ctx, where, `has no "edges" dataset`);
  // nir.write of an empty edge list produces an empty float64 array, not strings.
  if (e.total === 0) return [];
  const { values, shape } = guarded(ctx, where, "edges", () => readStrings(e));
  if (shape.length !== 2 || shape[1] !== 2) {
    throw importFailed(ctx, where, `"edges" has shape [${shape.join(",")}]; expected (E, 2) strings`);
  }
  return Array.from({ length: shape[0]! }, (_, i) => [values[2 * i]!, values[2 * i + 1]!]);
}

/**
 * One edge end: a node id, where a Subgraph end gets the port of its inner Input/Output. NIR files name the
 * subgraph itself ("thr" → "sub", as the reference writes them); "sub.i" (subgraph, dot, inner Input/Output id)
 * is accepted too and is the only way to address one port of a subgraph with several.
 */
function resolveEnd(g: NetGraph, name: string, side: "src" | "dst"): { id: string; port?: string } | string {
  const kind = side === "dst" ? "Input" : "Output";
  const node = g.nodes.get(name);
  if (node) {
    if (node.kind !== "Subgraph") return { id: name };
    const ports = portIds(node, kind);
    if (ports.length === 1) return { id: name, port: ports[0]! };
    return `subgraph "${name}" has ${ports.length} ${kind} nodes${ports.length ? ` (${ports.join(", ")}); name one as "${name}.${ports[0]}"` : ""}`;
  }
  for (let i = name.indexOf("."); i > 0; i = name.indexOf(".", i + 1)) {
    const sub = g.nodes.get(name.slice(0, i));
    const inner = name.slice(i + 1);
    if (sub?.kind === "Subgraph" && sub.graph.nodes.get(inner)?.kind === kind)
      return { id: name.slice(0, i), port: inner };
  }
  return `"${name}" is not a node of this graph`;
}

function portIds(node: GraphNode & { kind: "Subgraph" }, kind: "Input" | "Output"): string[] {
  return [...node.graph.nodes].filter(([, n]) => n.kind === kind).map(([id]) => id);
}

function resolveEdges(ctx: ReadContext, g: NetGraph, raw: [string, string][], prefix: string): Edge[] {
  const problems: ErrorDetail[] = [];
  const seen = new Map<string, number>();
  const edges: Edge[] = [];
  for (const [i, [a, b]] of raw.entries()) {
    const where = `edge #${i} "${a}" → "${b}"${prefix ? ` in ${graphWhere(prefix)}` : ""}`;
    const src = resolveEnd(g, a, "src");
    const dst = resolveEnd(g, b, "dst");
    for (const r of [src, dst]) if (typeof r === "string") problems.push({ where, message: r });
    if (typeof src === "string" || typeof dst === "string") continue;
    const key = JSON.stringify([src.id, src.port, dst.id, dst.port]);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        where,
        message: `duplicates edge #${first} (the same connection twice would double its input)`,
      });
      continue;
    }
    seen.set(key, i);
    const e: Edge = { src: src.id, dst: dst.id };
    if (src.port !== undefined) e.srcPort = src.port;
    if (dst.port !== undefined) e.dstPort = dst.port;
    edges.push(e);
  }
  if (problems.length) {
    throw new SpikegridError(
      "GRAPH_INVALID",
      `${ctx.file}: ${problems.length} invalid edge(s) in the NIR graph`,
      {
        details: problems,
        hint: "every edge must connect two nodes of the same NIRGraph, and each connection may appear once",
      },
    );
  }
  return edges;
}

function readGraph(ctx: ReadContext, group: Group, prefix: string, depth: number): NetGraph {
  const where = graphWhere(prefix);
  if (depth > MAX_DEPTH) throw importFailed(ctx, where, `NIRGraphs nested deeper than ${MAX_DEPTH} levels`);
  const nodesGroup = child(group, "nodes");
  if (!isGroup(nodesGroup)) throw importFailed(ctx, where, `has no "nodes" group`);
  const g = createGraph();
  const nodeMeta: Record<string, Record<string, unknown>> = {};
  for (const id of childNames(nodesGroup)) {
    const sub = child(nodesGroup, id);
    const path = `${prefix}${id}`;
    if (!isGroup(sub)) throw importFailed(ctx, `node "${path}"`, "is not a group");
    const type = readType(ctx, sub, `node "${path}"`);
    const node =
      type === "NIRGraph"
        ? createSubgraph(readGraph(ctx, sub, `${path}.`, depth + 1))
        : buildNode(new Fields(sub, path, type, ctx));
    addNode(g, id, node);
    const meta = type === "NIRGraph" ? undefined : child(sub, "metadata");
    if (isGroup(meta)) setOwn(nodeMeta, id, readMetadata(ctx, meta, `node "${path}" metadata`, 0));
  }
  const extra = childNames(group).filter((k) => !["type", "nodes", "edges", "metadata"].includes(k));
  if (extra.length)
    ctx.warnings.push(`${where}: ignored unknown entries ${extra.map((k) => `"${k}"`).join(", ")}`);
  const meta = child(group, "metadata");
  if (isGroup(meta)) g.metadata = readMetadata(ctx, meta, `${where} metadata`, 0);
  if (Object.keys(nodeMeta).length) {
    if (NODE_METADATA_KEY in g.metadata) {
      ctx.warnings.push(
        `${where}: its metadata key "${NODE_METADATA_KEY}" was replaced by the nodes' own metadata`,
      );
    }
    g.metadata[NODE_METADATA_KEY] = nodeMeta;
  }
  // A `dt` in metadata is a producer convention (not NIR), but it is the integration step the weights assume.
  const dt = g.metadata.dt;
  if (typeof dt === "number" && Number.isFinite(dt) && dt > 0) g.dt = dt;
  g.edges = resolveEdges(ctx, g, readEdges(ctx, group, where), prefix);
  insertInputsOutputs(g, prefix, ctx);
  return orderNodes(g);
}

/** Reads a whole NIR file's root group. */
export function readNirRoot(ctx: ReadContext, root: Group): { graph: NetGraph; version?: string } {
  let version: string | undefined;
  const v = child(root, "version");
  try {
    if (isDataset(v)) version = guarded(ctx, "/version", "version", () => readString(v));
    else ctx.warnings.push("the file has no /version; read it as NIR 1.x");
  } catch (e) {
    // The version only labels the file; the graph below decides whether it is usable.
    if (!(e instanceof SpikegridError)) throw e;
    ctx.warnings.push(`/version ignored: ${e.details[0]?.message ?? e.message}`);
  }
  const node = child(root, "node");
  if (!isGroup(node)) {
    throw importFailed(
      ctx,
      "/",
      "not a NIR file: it has no /node group",
      "nir.write() stores the network under /node, its format version under /version",
    );
  }
  const type = readType(ctx, node, "/node");
  let graph: NetGraph;
  if (type === "NIRGraph") graph = readGraph(ctx, node, "", 0);
  else {
    // A file may hold a single node; wrap it the way the reference wraps a bare node into a graph.
    graph = createGraph();
    addNode(graph, type.toLowerCase(), buildNode(new Fields(node, type.toLowerCase(), type, ctx)));
    insertInputsOutputs(graph, "", ctx);
    graph = orderNodes(graph);
  }
  return version === undefined ? { graph } : { graph, version };
}
