// A SANA-FE file's `mappings:` as a spikegrid Mapping of the compiled module on a chip profile: each group's
// neurons on the cores the file names (SANA-FE tile t is at x = ⌊t / height⌋, y = t mod height), routed and
// checked by the mapper (mappingForCores). Where the module cannot follow the file, a USAGE error names the
// mapping entry's file:line and offers `--mapping auto`.

import { SpikegridError } from "../../../common/errors.js";
import type { ChipProfile } from "../../../hw-profiles/index.js";
import type { NetGraph } from "../../graph/graph.js";
import { type AssignedCore, type Mapping, mappingForCores, usableTiles } from "../../mapping/index.js";
import { type NmirModule, shapeSize } from "../../nmir/index.js";
import type { PlaceRun } from "./mappings.js";

const HINT = "run with --mapping auto to let spikegrid map the network";

/** The file's placement recorded by importSanafe; undefined when the graph has none. */
export function sanafePlacementOf(graph: NetGraph | undefined): Record<string, PlaceRun[]> | undefined {
  const meta = graph?.metadata.sanafe as { placement?: Record<string, PlaceRun[]> } | undefined;
  return meta?.placement;
}

function fail(at: string, what: string): never {
  throw new SpikegridError("USAGE", `${at}: ${what}; the compiled network cannot follow the file's mapping`, {
    hint: HINT,
  });
}

/**
 * The mapping of `ir` on `profile` that `placement` (per group, runs of neurons on SANA-FE `tile.core`) gives.
 * Input groups are not placed (spikegrid's inputs arrive from off-chip); every population must come from a
 * group of the same size.
 */
export function sanafeMapping(
  placement: Record<string, PlaceRun[]>,
  ir: NmirModule,
  profile: ChipProfile,
  file: string,
): Mapping {
  const { height, coresPerTile } = profile.grid;
  const tileIndex = new Map(usableTiles(profile).map(([x, y], i) => [`${x},${y}`, i]));
  const inputs = new Set(ir.inputs.map((i) => i.id));
  const cores = new Map<number, AssignedCore>();
  // a SANA-FE network compiles to populations only (no dynamic matmuls)
  const nodes = ir.populations;
  for (const node of nodes) {
    const runs = placement[node.id];
    const size = shapeSize(node.shape);
    if (!runs)
      throw new SpikegridError(
        "USAGE",
        `${file}: the compiled network has a population "${node.id}" that is no group of the file's mappings:, so the file does not say which core it goes on`,
        { hint: HINT },
      );
    const groupSize = runs.reduce((a, r) => a + r.count, 0);
    if (groupSize !== size)
      fail(runs[0]!.at, `group "${node.id}" has ${groupSize} neurons but compiled to ${size}`);
    for (const r of runs) {
      const x = Math.floor(r.tile / height);
      const y = r.tile % height;
      const tile = tileIndex.get(`${x},${y}`);
      if (tile === undefined)
        fail(
          r.at,
          `core ${r.tile}.${r.core} of ${node.id}.${r.start}..${r.start + r.count - 1}: ${profile.name} has no tile ${r.tile} (at x ${x}, y ${y} of its ${profile.grid.width} × ${height} mesh)`,
        );
      if (r.core >= coresPerTile)
        fail(
          r.at,
          `core ${r.tile}.${r.core} of ${node.id}.${r.start}..${r.start + r.count - 1}: ${profile.name} has ${coresPerTile} cores per tile`,
        );
      const index = tile * coresPerTile + r.core;
      if (index >= profile.grid.coresPerChip)
        fail(r.at, `core ${r.tile}.${r.core}: ${profile.name} has ${profile.grid.coresPerChip} cores`);
      const c = cores.get(index) ?? { index, slices: [] };
      const last = c.slices[c.slices.length - 1];
      if (last && last.population === node.id && last.start + last.count === r.start) last.count += r.count;
      else c.slices.push({ population: node.id, start: r.start, count: r.count });
      cores.set(index, c);
    }
  }
  for (const group of Object.keys(placement))
    if (
      !inputs.has(group) &&
      !nodes.some((n) => n.id === group) &&
      !ir.inputs.some((i) => i.id === `${group}.bias`)
    )
      fail(placement[group]![0]!.at, `group "${group}" is no population of the compiled network`);
  try {
    return mappingForCores(ir, profile, [...cores.values()]);
  } catch (e) {
    if (!(e instanceof SpikegridError)) throw e;
    // name the file's entries of the cores at fault (over a limit, say)
    const where = e.details
      .map((d) => /^cores\.(\d+)/.exec(d.where ?? ""))
      .flatMap((m) => (m ? [[...cores.values()].sort((a, b) => a.index - b.index)[Number(m[1])]] : []))
      .flatMap((c) => (c ? c.slices : []))
      .map((s) => placement[s.population]?.find((r) => r.start <= s.start && s.start < r.start + r.count)?.at)
      .filter((at): at is string => at !== undefined);
    throw new SpikegridError(
      "USAGE",
      `${where[0] ?? file}: the file's mapping does not fit ${profile.name}: ${e.details.map((d) => d.message).join("; ") || e.message}`,
      { hint: HINT },
    );
  }
}
