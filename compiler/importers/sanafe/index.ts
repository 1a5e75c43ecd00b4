// SANA-FE SNN YAML importer: `sanafeImporter` for the registry (recognised by a top-level `network:`),
// `importSanafe` for text, `sanafeInputs` for the recorded inputs a run uses when given no --input.

import type { NetGraph } from "../../graph/graph.js";
import { checkImportedGraph } from "../checked-graph.js";
import type { Importer, ImportOptions, ImportResult } from "../registry.js";
import {
  type ChipShape,
  type NeuronPlace,
  parseMappings,
  placementRuns,
  type SanafePlacement,
} from "./mappings.js";
import type { SanafeNetwork } from "./network.js";
import { mappingsOf, parseSanafeFile, somasOf } from "./parsed.js";
import type { Soma } from "./soma.js";
import { buildGraph, type SanafeInput } from "./to-graph.js";
import type { YamlFile } from "./yaml-read.js";

export type { ChipShape, PlaceRun, SanafePlacement } from "./mappings.js";
export type { SanafeInput } from "./to-graph.js";
export { sanafeMapping } from "./to-mapping.js";

export interface SanafeImport extends ImportResult {
  /** The file's `mappings:` per group and neuron; undefined when it has none. */
  placement?: SanafePlacement;
  inputs: Record<string, SanafeInput>;
}

/** Parses a SANA-FE SNN YAML into a validated NetGraph; `chip` also checks `mappings:` against a chip. */
export function importSanafe(text: string, fileName: string, chip?: ChipShape): SanafeImport {
  const parsed = parseSanafeFile(text, fileName);
  const { f, net } = parsed;
  const warnings: string[] = [];
  const placement = chip ? parseMappings(f, net, chip) : mappingsOf(parsed);
  const somas = somasOf(parsed, warnings);
  const { graph, inputs } = buildGraph(f, net, somas, warnings);
  if ([...somas.values()].some((s) => s.kind === "lif" && s.leakDecay.some((d) => d !== 1)))
    warnings.push(
      `${fileName}: SANA-FE truncates a leaking potential to a multiple of 1/64 each step; the float network leaks exactly (the compiled integer network truncates at its own LSB)`,
    );
  // the placement as plain runs: the pipeline keeps only the graph, and a chip run maps from it (to-mapping.ts)
  graph.metadata.sanafe = placement ? { inputs, placement: placementRuns(f, placement) } : { inputs };
  for (const g of net.groups.values())
    if (g.dendriteKeys.size)
      warnings.push(
        `${f.at(g.path)}: group "${g.name}": dendrite/synapse-scoped neuron attributes ${[...g.dendriteKeys].join(", ")} were ignored`,
      );
  if (!placement) warnings.push(`${fileName}: no mappings: section; spikegrid maps the network itself`);
  else warnings.push(...sharedInputUnits(f, net, somas, placement));
  checkImportedGraph(graph, fileName);
  const r: SanafeImport = { graph, format: "sanafe", warnings, inputs };
  if (placement) r.placement = placement;
  return r;
}

/**
 * SANA-FE's input soma holds one spike train per unit instance (the last `spikes:` set on it) and steps it once
 * per neuron update, so input neurons with trains that share a unit on one core do not get their own trains
 * there. spikegrid gives every neuron its own: say so, once per shared unit.
 */
function sharedInputUnits(
  f: YamlFile,
  net: SanafeNetwork,
  somas: Map<string, Soma>,
  placement: SanafePlacement,
): string[] {
  const byUnit = new Map<string, { first: NeuronPlace; names: string[] }>();
  for (const g of net.groups.values()) {
    const soma = somas.get(g.name);
    if (soma?.kind !== "input") continue;
    g.neurons.forEach((a, i) => {
      if (!soma.trains[i]?.length) return;
      const p = placement.get(g.name)![i]!;
      const hw = a.get("soma_hw_name")?.value;
      const unit = p.soma ?? (typeof hw === "string" ? hw : "(the core's first soma unit)");
      const key = `${p.tile}.${p.core} ${unit}`;
      const entry = byUnit.get(key) ?? { first: p, names: [] };
      entry.names.push(`${g.name}.${i}`);
      byUnit.set(key, entry);
    });
  }
  return [...byUnit]
    .filter(([, e]) => e.names.length > 1)
    .map(([key, e]) => {
      const shown =
        e.names.length > 4
          ? `${e.names.slice(0, 4).join(", ")} and ${e.names.length - 4} more`
          : e.names.join(", ");
      return `${f.at(e.first.path)}: input neurons ${shown} share soma unit ${key.split(" ").slice(1).join(" ")} on core ${key.split(" ")[0]}: SANA-FE keeps one spike train per unit (the last set) and steps it once per neuron update, so its run differs from spikegrid's, which gives each neuron its own train — map each input neuron to its own unit (soma: NAME[i]) to compare the two`;
    });
}

/**
 * The recorded inputs for `steps` steps, by Input id, shaped [steps, n]: spike trains as written (0 after
 * their end, as SANA-FE's input model), bias inputs the same every step. Empty for other graphs.
 */
export function sanafeInputs(
  graph: NetGraph,
  steps: number,
): Map<string, { shape: number[]; data: Float64Array }> {
  const meta = graph.metadata.sanafe as { inputs?: Record<string, SanafeInput> } | undefined;
  const out = new Map<string, { shape: number[]; data: Float64Array }>();
  for (const [id, inp] of Object.entries(meta?.inputs ?? {})) {
    const data = new Float64Array(steps * inp.size);
    if (inp.kind === "constant") {
      const row = Float64Array.from(inp.values);
      for (let t = 0; t < steps; t++) data.set(row, t * inp.size);
    } else
      inp.trains.forEach((ts, i) => {
        for (const t of ts) if (t < steps) data[t * inp.size + i] = 1;
      });
    out.set(id, { shape: [steps, inp.size], data });
  }
  return out;
}

/** A YAML whose first non-comment line is `network:` (the head the registry passes is 64 bytes). */
function sniff(head: Uint8Array): boolean {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trimStart().startsWith("#"));
  return lines.length > 0 && /^(network|mappings)\s*:/.test(lines[0]!);
}

export const sanafeImporter: Importer = {
  name: "sanafe",
  extensions: [".yaml", ".yml"],
  sniff,
  load: async (bytes: Uint8Array, fileName: string, _opts: ImportOptions) =>
    importSanafe(new TextDecoder("utf-8").decode(bytes), fileName),
};
