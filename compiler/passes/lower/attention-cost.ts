// What lowerAttention added to a module, as one line for `map`: term and relay neurons, synapses, and (with a
// mapping) the cores that hold any of them, read from metadata["attention.lowering"] and the populations' ids —
// or, for matmuls realised by counted term neurons, metadata["attention.terms"] and the matmuls' cores.

import type { NmirModule } from "../../nmir/index.js";

interface Summary {
  matmuls: { id: string }[];
  termNeurons: number;
  synapses: number;
  relayNeurons: number;
  relaySynapses: number;
  pipelinedSteps: number;
}

/** Populations the lowering added: `<matmul>.terms`, the accumulators `<matmul>` and `<src>.hop<i>` relays. */
export function attentionPopulations(ir: NmirModule): Set<string> {
  const raw = ir.metadata["attention.lowering"];
  if (raw === undefined) return new Set();
  const s = JSON.parse(raw) as Summary;
  const ids = new Set<string>();
  for (const m of s.matmuls) ids.add(m.id).add(`${m.id}.terms`);
  for (const p of ir.populations) if (/\.hop\d+$/.test(p.id)) ids.add(p.id);
  return ids;
}

/**
 * "attention lowering: +N neurons (terms T, relays R), +S synapses, on C of K cores; pipelined outputs P
 * step(s) later", or undefined when nothing was lowered. `cores`: each core's population ids, when mapped.
 */
export function attentionCostLine(
  ir: NmirModule,
  cores?: readonly (readonly string[])[],
): string | undefined {
  const raw = ir.metadata["attention.lowering"];
  if (raw === undefined) return countedTermsLine(ir, cores);
  const s = JSON.parse(raw) as Summary;
  const n = (x: number) => x.toLocaleString("en-US");
  let where = "";
  if (cores) {
    const ids = attentionPopulations(ir);
    const used = cores.filter((c) => c.some((id) => ids.has(id))).length;
    where = `, on ${n(used)} of ${n(cores.length)} cores`;
  }
  return (
    `attention lowering (${s.matmuls.length} dynamic matmuls): +${n(s.termNeurons + s.relayNeurons)} neurons ` +
    `(${n(s.termNeurons)} term, ${n(s.relayNeurons)} relay), +${n(s.synapses + s.relaySynapses)} synapses${where}; ` +
    `pipelined outputs ${s.pipelinedSteps} step(s) later`
  );
}

/**
 * "attention as counted term neurons (M dynamic matmuls): N term neurons and S synapses counted, not
 * instantiated, with A accumulators on C of K cores", or undefined when no matmul is realised by term neurons.
 */
function countedTermsLine(ir: NmirModule, cores?: readonly (readonly string[])[]): string | undefined {
  const raw = ir.metadata["attention.terms"];
  if (raw === undefined) return undefined;
  const s = JSON.parse(raw) as {
    matmuls: { id: string; accumulators: number }[];
    termNeurons: number;
    synapses: number;
  };
  const n = (x: number) => x.toLocaleString("en-US");
  const ids = new Set(s.matmuls.map((m) => m.id));
  const acc = s.matmuls.reduce((a, m) => a + m.accumulators, 0);
  const where = cores
    ? ` on ${n(cores.filter((c) => c.some((id) => ids.has(id))).length)} of ${n(cores.length)} cores`
    : "";
  return (
    `attention as counted term neurons (${s.matmuls.length} dynamic matmuls): ${n(s.termNeurons)} term neurons and ` +
    `${n(s.synapses)} synapses counted, not instantiated, with their ${n(acc)} accumulators${where}`
  );
}
