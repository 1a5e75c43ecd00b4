// Memory per core in use under the profile's memory model (the mapper's own accounting, recomputed from the
// slices): synapse bits (a shared conv kernel or rowwise matrix once per core), neuron state bits, routing
// entries (output axons), and the utilization of every limit the profile sets.

import { addUsage, limitsOf, nodeFacts, runsUsage } from "../../compiler/mapping/memory-models.js";
import { mapNodes, sourceSizes } from "../../compiler/mapping/nodes.js";
import { runsByNode } from "../../compiler/mapping/shared-weights.js";
import type { Usage } from "../../compiler/mapping/types.js";
import type { NmirModule } from "../../compiler/nmir/types.js";
import type { ChipProfile } from "../../hw-profiles/index.js";
import type { Layout } from "./layout.js";

export interface CoreMemory {
  synapseBits: number;
  neuronBits: number;
  routingEntries: number;
  /** Limit name → used / available. */
  utilization: Record<string, number>;
  usage: Usage;
}

export function coreMemory(ir: NmirModule, profile: ChipProfile, layout: Layout): CoreMemory[] {
  const nodes = mapNodes(ir);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const facts = new Map(nodes.map((n) => [n.id, nodeFacts(n, profile, byId)]));
  const inputIds = new Set(ir.inputs.map((i) => i.id));
  const sizes = sourceSizes(ir);
  return layout.bySlot.map((slices, s) => {
    let usage: Usage = {};
    // a node's slices on one core together: a shared matrix is stored once per core
    for (const [id, runs] of runsByNode(slices, (sl) => sl.node))
      usage = addUsage(usage, runsUsage(byId.get(id)!, facts.get(id)!, runs, profile, inputIds, sizes));
    const limits = limitsOf(profile, layout.coreIndex[s]!);
    const utilization: Record<string, number> = {};
    for (const [k, v] of Object.entries(usage)) {
      const l = limits[k];
      if (l !== undefined && l > 0 && Number.isFinite(l)) utilization[k] = v / l;
    }
    return {
      synapseBits: usage.synapseBits ?? 0,
      neuronBits: usage.stateBits ?? 0,
      routingEntries: usage.outputRoutes ?? 0,
      utilization,
      usage,
    };
  });
}
