// Text dump of a NetGraph for `--dump-after` of graph passes: one line per node (kind, shapes, parameters,
// dense MACs from summarizeGraph) and one per edge, recurrent edges (previous-step reads) marked.

import { formatShape, type NetGraph, summarizeGraph } from "../graph/index.js";
import { edgeKey, recurrentKeys } from "./graph-edit.js";

export function describeGraph(g: NetGraph): string {
  const summary = summarizeGraph(g);
  const recurrent = recurrentKeys(g);
  const lines = [
    `netgraph: ${summary.totals.nodes} nodes, ${g.edges.length} edges, ${summary.totals.params} params, ` +
      `${summary.totals.neurons} neurons, ${summary.totals.denseMacs} dense MACs/step${g.dt === undefined ? "" : `, dt ${g.dt} s`}`,
  ];
  for (const n of summary.nodes) {
    const ins = Object.entries(n.inputShapes)
      .map(([p, s]) => (p === "in" ? formatShape(s) : `${p}${formatShape(s)}`))
      .join(" ");
    const params = n.params ? `  params ${n.params}` : "";
    const macs = n.denseMacs ? `  macs ${n.denseMacs}` : "";
    lines.push(`  ${n.id}: ${n.kind} ${ins || "()"} → ${formatShape(n.outputShape)}${params}${macs}`);
  }
  // scheduleGraph flattens subgraphs first, so only top-level edges of a flat graph can be marked
  for (const e of g.edges) {
    const port = e.dstPort ? `.${e.dstPort}` : "";
    const from = e.srcPort ? `${e.src}.${e.srcPort}` : e.src;
    lines.push(
      `  ${from} → ${e.dst}${port}${recurrent.has(edgeKey(e)) ? "  (recurrent: previous step)" : ""}`,
    );
  }
  return lines.join("\n");
}
