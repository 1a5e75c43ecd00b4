// XY routes and routing tables: on a multi-chip system routes list no tile paths (millions of [x, y] pairs on
// a global grid), and the tables are those of walking every XY path tile by tile.
import { describe, expect, it } from "vitest";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { type CorePosition, corePositions } from "./grid.js";
import { routeXY, xyPath } from "./route-xy.js";
import type { TrafficEdge } from "./traffic.js";
import type { RoutingTableEntry } from "./types.js";

/** The tables of walking each XY path: every tile left gets the direction it is left by, the last "local". */
function walkedTables(edges: TrafficEdge[], positions: CorePosition[]): Record<string, RoutingTableEntry[]> {
  const tileAt = new Map(positions.map((p) => [`${p.x},${p.y}`, p.tile]));
  const byTile = new Map<number, Map<number, Set<RoutingTableEntry["out"][number]>>>();
  const add = (tile: number, from: number, d: RoutingTableEntry["out"][number]) => {
    const t = byTile.get(tile) ?? new Map();
    const s = t.get(from) ?? new Set();
    s.add(d);
    t.set(from, s);
    byTile.set(tile, t);
  };
  for (const e of edges) {
    const path = xyPath(positions[e.from]!, positions[e.to]!);
    for (let i = 0; i + 1 < path.length; i++) {
      const [x, y] = path[i]!;
      const [nx, ny] = path[i + 1]!;
      add(tileAt.get(`${x},${y}`) ?? -1, e.from, nx > x ? "E" : nx < x ? "W" : ny > y ? "S" : "N");
    }
    add(positions[e.to]!.tile, e.from, "local");
  }
  const out: Record<string, RoutingTableEntry[]> = {};
  for (const [tile, t] of [...byTile].sort((a, b) => a[0] - b[0]))
    out[String(tile)] = [...t]
      .sort((a, b) => a[0] - b[0])
      .map(([fromCore, s]) => ({ fromCore, out: [...s].sort() }));
  return out;
}

/** Seeded edges between cores `0 … cores − 1` (placed on themselves). */
function edgesOn(cores: number, n: number): TrafficEdge[] {
  let s = 7;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % cores;
  };
  const seen = new Set<number>();
  const out: TrafficEdge[] = [];
  while (out.length < n) {
    const from = next();
    const to = next();
    if (from === to || seen.has(from * cores + to)) continue;
    seen.add(from * cores + to);
    out.push({ from, to, weight: 1 + (out.length % 3) });
  }
  return out;
}

describe("routeXY", () => {
  const system: ChipProfile = loadProfile("spinnaker2-48");
  const chip: ChipProfile = loadProfile("spinnaker2");

  it("on a system: routes without tile paths, tables as walked along every XY path (unavailable tiles −1)", () => {
    const positions = corePositions(system);
    const edges = edgesOn(positions.length, 400);
    const place = positions.map((_, i) => i);
    const r = routeXY(system, edges, place, positions);
    expect(r.routes.every((x) => x.path === undefined)).toBe(true);
    expect(r.routes.reduce((a, x) => a + x.toCores.length, 0)).toBe(400);
    expect(r.tables).toEqual(walkedTables(edges, positions));
    // asked for, the paths are there, and nothing else changes
    const withPaths = routeXY(system, edges, place, positions, true);
    expect(withPaths.routes.map(({ path, ...rest }) => rest)).toEqual(r.routes);
    expect(withPaths.routes[0]!.path).toHaveLength(withPaths.routes[0]!.toCores.length);
    expect(withPaths.tables).toEqual(r.tables);
    expect(withPaths.trafficHops).toBe(r.trafficHops);
  });

  it("on one chip: routes keep their tile paths", () => {
    const positions = corePositions(chip);
    const edges = edgesOn(positions.length, 60);
    const r = routeXY(
      chip,
      edges,
      positions.map((_, i) => i),
      positions,
    );
    for (const route of r.routes) {
      expect(route.path).toHaveLength(route.toCores.length);
      const a = positions[route.fromCore]!;
      for (const [k, to] of route.toCores.entries())
        expect(route.path![k]).toEqual(xyPath(a, positions[to]!));
    }
    expect(r.tables).toEqual(walkedTables(edges, positions));
  });
});
