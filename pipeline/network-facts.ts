// What a paper-table row states about the float network besides the run: learnable parameters, dense MACs per
// step, connection sparsity, and whether its weights were trained, initialised for the run, or all zero.

import type { NetGraph } from "../compiler/graph/graph.js";
import { summarizeGraph } from "../compiler/graph/summary.js";
import { graphWeights, type WeightProvenance } from "../compiler/passes/weights-provenance.js";
import { graphOf, type PipelineData } from "./data.js";

export interface NetworkFacts {
  /** Learnable parameters of the float network (summarizeGraph). */
  params: number;
  /** Dense MACs of the float network per step (padding excluded). */
  denseMacsPerStep: number;
  /** Zero weights / all weights over the float network's weight tensors (NeuroBench connection sparsity). */
  connectionSparsity: number;
  /** The weights were all zero and got the seeded init for the run (untrained). */
  initialised: boolean;
  /** The weights are all zero and were kept so. */
  zeroWeights: boolean;
  /** Where the weights came from, when the network records it (zoo models; the seeded init for the run). */
  weights?: WeightProvenance;
  /** What the samples were. */
  inputs: string;
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

export function networkFacts(data: PipelineData, name = "network"): NetworkFacts {
  const graph = graphOf(data, "the network's facts (Params, dense MACs)");
  const summary = summarizeGraph(graph, name);
  const weights = graphWeights(graph);
  return {
    params: summary.totals.params,
    denseMacsPerStep: summary.totals.denseMacs,
    connectionSparsity: weightSparsity(graph),
    initialised: data.initialised,
    zeroWeights: data.zeroWeights && !data.initialised,
    ...(weights ? { weights } : {}),
    inputs: data.description,
  };
}
