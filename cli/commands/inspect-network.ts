// What `spikegrid inspect` prints for network files (.nir, .onnx) and weight files (.pt/.pth/.safetensors/.npz):
// per-node shapes, parameters and dense ops per timestep; per-tensor dtypes and shapes.

import type { GraphSummary, NodeSummary } from "../../compiler/graph/index.js";
import { formatShape, summarizeGraph } from "../../compiler/graph/index.js";
import { elementCount } from "../../compiler/importers/tensors/index.js";
import { loadNetwork } from "../../pipeline/load-network.js";
import { readStateDictFile } from "../../pipeline/state-dict-files.js";
import { renderTable } from "../../reports/terminal/table.js";

const num = (n: number) => n.toLocaleString("en-US");

function flatten(nodes: NodeSummary[], prefix = ""): NodeSummary[] {
  return nodes.flatMap((n) => [
    { ...n, id: prefix + n.id },
    ...flatten(n.children ?? [], `${prefix}${n.id}.`),
  ]);
}

function networkText(file: string, header: string, s: GraphSummary, warnings: string[]): string {
  const rows = flatten(s.nodes).map((n) => [
    n.id,
    n.kind,
    Object.entries(n.inputShapes)
      .map(([p, sh]) => (p === "in" ? formatShape(sh) : `${p}:${formatShape(sh)}`))
      .join(" "),
    formatShape(n.outputShape),
    n.params ? num(n.params) : "",
    n.denseMacs ? num(n.denseMacs) : "",
    n.denseMacsPadded !== n.denseMacs ? num(n.denseMacsPadded) : "",
  ]);
  const table = renderTable(
    [
      { header: "node" },
      { header: "kind" },
      { header: "input" },
      { header: "output" },
      { header: "params", align: "right" },
      { header: "dense MACs/step", align: "right" },
      { header: "incl. padding", align: "right" },
    ],
    rows,
  );
  const t = s.totals;
  return [
    `${file} — ${header}`,
    "",
    table,
    "",
    `nodes ${t.nodes} · params ${num(t.params)} · neurons ${num(t.neurons)} · dense MACs/step ${num(t.denseMacs)} (${num(t.denseMacsPadded)} incl. padding taps)`,
    ...Object.entries(s.conventions).map(([k, v]) => `  ${k}: ${v}`),
    ...warnings.map((w) => `warning: ${w}`),
    "",
  ].join("\n");
}

/** Inspects a network file through the importer registry. */
export async function inspectNetwork(
  file: string,
  json: boolean,
  overrides: Record<string, string> = {},
): Promise<string> {
  const net = await loadNetwork(file, { overrides });
  const summary = summarizeGraph(net.graph, file);
  const header = `${net.format}${net.formatVersion ? ` ${net.formatVersion}` : ""}`;
  if (json) {
    return `${JSON.stringify({ file, format: net.format, formatVersion: net.formatVersion, ...summary, warnings: net.warnings }, null, 2)}\n`;
  }
  return networkText(file, header, summary, net.warnings);
}

/** Inspects a weights file: every tensor's dtype and shape. */
export function inspectStateDict(file: string, json: boolean): string {
  const { stateDict, warnings, metadata } = readStateDictFile(file);
  const tensors = [...stateDict].map(([key, t]) => ({
    key,
    dtype: t.dtype,
    shape: t.shape,
    elements: elementCount(t.shape),
  }));
  const total = tensors.reduce((a, t) => a + t.elements, 0);
  if (json)
    return `${JSON.stringify({ file, tensors, totalElements: total, metadata, warnings }, null, 2)}\n`;
  const table = renderTable(
    [{ header: "key" }, { header: "dtype" }, { header: "shape" }, { header: "elements", align: "right" }],
    tensors.map((t) => [t.key, t.dtype, formatShape(t.shape), num(t.elements)]),
  );
  return [
    `${file} — state_dict, ${tensors.length} tensors, ${num(total)} elements`,
    "",
    table,
    ...warnings.map((w) => `warning: ${w}`),
    "",
  ].join("\n");
}
