// A mapping for a given core assignment (a network file's own placement): each core's slices as given, usage
// recomputed as the validator does, routes and tables as the mapper routes, then checked by validateMapping.

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { NmirModule } from "../nmir/index.js";
import { encodingsOf } from "./encoding.js";
import { corePositions } from "./grid.js";
import { checkMappable } from "./map-network.js";
import { mapNodes } from "./nodes.js";
import { routeXY } from "./route-xy.js";
import { trafficEdges } from "./traffic.js";
import { MAPPING_SCHEMA_VERSION, type Mapping, type Slice } from "./types.js";
import { coreBins, validateMapping } from "./validate.js";

export interface AssignedCore {
  /** Core number on the chip, 0 .. coresPerChip − 1 (each listed once). */
  index: number;
  slices: Slice[];
}

/**
 * The mapping that puts exactly `cores`' slices on their cores (placement "file"), routed XY with fan-out
 * traffic. Throws SpikegridError("USAGE") listing the problems when it is not a valid mapping of `ir` on
 * `profile` (a neuron on no core or two, a core over its limits, a core the chip lacks).
 */
export function mappingForCores(ir: NmirModule, profile: ChipProfile, cores: AssignedCore[]): Mapping {
  checkMappable(ir);
  const positions = corePositions(profile);
  const sorted = [...cores].sort((a, b) => a.index - b.index);
  const byId = new Map(mapNodes(ir).map((n) => [n.id, n]));
  // usage needs known populations and in-range slices: validateMapping reports the others
  const known = sorted.every(
    (c) =>
      positions[c.index] !== undefined &&
      c.slices.every((s) => {
        const n = byId.get(s.population);
        return n !== undefined && s.start + s.count <= n.size;
      }),
  );
  const bins = known ? coreBins({ cores: sorted }, ir, profile, byId) : [];
  const edges = known ? trafficEdges(ir, bins) : [];
  const routing = routeXY(
    profile,
    edges,
    bins.map((b) => b.core),
    positions,
  );
  const encodings = encodingsOf(ir, profile);
  const mapping: Mapping = {
    schemaVersion: MAPPING_SCHEMA_VERSION,
    profile: profile.name,
    cores: sorted.map((c, i) => {
      const pos = positions[c.index] ?? { tile: 0, x: 0, y: 0 };
      const bin = bins[i];
      return {
        index: c.index,
        x: pos.x,
        y: pos.y,
        tile: pos.tile,
        slices: c.slices.map((s) => ({ population: s.population, start: s.start, count: s.count })),
        usage: bin?.usage ?? {},
        limits: bin?.limits ?? {},
      };
    }),
    routes: routing.routes,
    routingTables: routing.tables,
    ...(routing.chipTables ? { chipTables: routing.chipTables } : {}),
    placement: "file",
    cost: { trafficHops: routing.trafficHops, trafficSource: "fan-out" },
    ...(Object.keys(encodings).length > 0 ? { encodings } : {}),
  };
  return validateMapping(mapping, ir, profile);
}
