// Memory per core in use under the profile's memory model (the mapper's own accounting, recomputed from the
// slices): synapse bits (conv kernels stored once per slice under `conv-shared`), neuron state bits, routing
// entries (output axons), and the utilization of every limit the profile sets.

import { addUsage, limitsOf, nodeFacts, sliceUsage } from "../../compiler/mapping/memory-models.js";
import { mapNodes, sourceSizes } from "../../compiler/mapping/nodes.js";
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
    for (const sl of slices) {
      const node = byId.get(sl.node)!;
      usage = addUsage(
        usage,
        sliceUsage(node, facts.get(sl.node)!, sl.start, sl.count, profile, inputIds, sizes),
      );
    }
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
