// Routes between placed cores and the per-tile routing tables. XY meshes: dimension-ordered routing, first
// along x then along y; each tile on the way gets an entry for the source core with its output direction,
// the destination tile a "local" entry. With multicast one packet follows the union of those paths (one
// entry per source and tile); without, one packet per destination core. Point-to-point chips (Speck, Xylo)
// have a direct link: only the destination's "local" entry.

import type { ChipProfile } from "../../hw-profiles/index.js";
import { type CorePosition, hops } from "./grid.js";
import type { TrafficEdge } from "./traffic.js";
import type { Route, RoutingTableEntry } from "./types.js";

type Dir = RoutingTableEntry["out"][number];

/** The tiles an XY route visits, source and destination included. */
export function xyPath(a: CorePosition, b: CorePosition): [number, number][] {
  const path: [number, number][] = [[a.x, a.y]];
  let { x, y } = a;
  while (x !== b.x) {
    x += x < b.x ? 1 : -1;
    path.push([x, y]);
  }
  while (y !== b.y) {
    y += y < b.y ? 1 : -1;
    path.push([x, y]);
  }
  return path;
}

function dir(from: [number, number], to: [number, number]): Dir {
  if (to[0] > from[0]) return "E";
  if (to[0] < from[0]) return "W";
  return to[1] > from[1] ? "S" : "N";
}

export interface RoutingResult {
  routes: Route[];
  tables: Record<string, RoutingTableEntry[]>;
  /** Σ traffic × hops. */
  trafficHops: number;
}

/** `place[bin]` is the core of each bin; `positions[core]` where it sits. */
export function routeXY(
  profile: ChipProfile,
  edges: TrafficEdge[],
  place: readonly number[],
  positions: readonly CorePosition[],
): RoutingResult {
  const dests = new Map<number, Set<number>>();
  let trafficHops = 0;
  for (const e of edges) {
    const a = place[e.from] ?? 0;
    const b = place[e.to] ?? 0;
    const set = dests.get(a) ?? new Set<number>();
    set.add(b);
    dests.set(a, set);
    const pa = positions[a];
    const pb = positions[b];
    if (pa && pb) trafficHops += e.weight * hops(profile, pa, pb);
  }
  const tileOf = new Map<string, number>();
  for (const p of positions) tileOf.set(`${p.x},${p.y}`, p.tile);
  const table = new Map<number, Map<number, Set<Dir>>>();
  const addEntry = (tile: number, from: number, d: Dir) => {
    const t = table.get(tile) ?? new Map<number, Set<Dir>>();
    const s = t.get(from) ?? new Set<Dir>();
    s.add(d);
    t.set(from, s);
    table.set(tile, t);
  };
  const p2p = profile.grid.routing === "point-to-point";
  const routes: Route[] = [];
  for (const [from, toSet] of [...dests].sort((x, y) => x[0] - y[0])) {
    const toCores = [...toSet].sort((x, y) => x - y);
    const pa = positions[from];
    if (!pa) continue;
    const paths: [number, number][][] = [];
    let h = 0;
    for (const to of toCores) {
      const pb = positions[to];
      if (!pb) continue;
      h += hops(profile, pa, pb);
      const path: [number, number][] = p2p
        ? [
            [pa.x, pa.y],
            [pb.x, pb.y],
          ]
        : xyPath(pa, pb);
      paths.push(path);
      if (!p2p)
        for (let i = 0; i + 1 < path.length; i++) {
          const here = path[i] as [number, number];
          addEntry(
            tileOf.get(`${here[0]},${here[1]}`) ?? -1,
            from,
            dir(here, path[i + 1] as [number, number]),
          );
        }
      addEntry(pb.tile, from, "local");
    }
    routes.push({ fromCore: from, toCores, hops: h, path: paths });
  }
  const tables: Record<string, RoutingTableEntry[]> = {};
  for (const [tile, t] of [...table].sort((x, y) => x[0] - y[0]))
    tables[String(tile)] = [...t]
      .sort((x, y) => x[0] - y[0])
      .map(([fromCore, s]) => ({ fromCore, out: [...s].sort() }));
  return { routes, tables, trafficHops };
}
