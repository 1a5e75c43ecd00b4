// XY routes and routing tables: on one chip per tile, as walked along every XY path; on a multi-chip system per
// chip (no tile paths, no tile tables: ≈ 10⁸ entries for an ImageNet Spikformer), as walked over the chip grid.
import { describe, expect, it } from "vitest";
import { type ChipProfile, loadProfile } from "../../hw-profiles/index.js";
import { chipDelivery } from "./chip-tables.js";
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

  it("on a system: no tile paths or tile tables; per chip, the direction to the next chip and local", () => {
    // spinnaker2-48: 8 × 6 chips of 7 × 6 tiles, 152 cores each
    const positions = corePositions(system);
    const place = positions.map((_, i) => i);
    const core = (chip: number, k: number) => chip * 152 + k;
    // chip 0 → chip 10 (x 2, y 1): E at chips 0 and 1, S at chip 2, local at 10; chip 0 → chip 0: local at 0;
    // chip 9 → chip 0 (x 1 → 0, y 1 → 0): W at 9, N at 8, local at 0
    const edges: TrafficEdge[] = [
      { from: core(0, 5), to: core(10, 7), weight: 2 },
      { from: core(0, 5), to: core(0, 100), weight: 1 },
      { from: core(9, 0), to: core(0, 3), weight: 1 },
    ];
    const r = routeXY(system, edges, place, positions);
    expect(r.routes.every((x) => x.path === undefined)).toBe(true);
    expect(r.tables).toEqual({});
    expect(r.chipTables).toEqual({
      "0": [
        { fromCore: core(0, 5), out: ["E", "local"] },
        { fromCore: core(9, 0), out: ["local"] },
      ],
      "1": [{ fromCore: core(0, 5), out: ["E"] }],
      "2": [{ fromCore: core(0, 5), out: ["S"] }],
      "8": [{ fromCore: core(9, 0), out: ["N"] }],
      "9": [{ fromCore: core(9, 0), out: ["W"] }],
      "10": [{ fromCore: core(0, 5), out: ["local"] }],
    });
    // hops stay tile hops on the global grid; asked for, the tile paths are listed
    const withPaths = routeXY(system, edges, place, positions, true);
    expect(withPaths.routes.map(({ path, ...rest }) => rest)).toEqual(r.routes);
    expect(withPaths.routes[0]!.path![0]).toEqual(xyPath(positions[core(0, 5)]!, positions[core(0, 100)]!));
    expect(withPaths.trafficHops).toBe(r.trafficHops);
  });

  it("on a system: every edge's destination chip is reached through the chip tables", () => {
    const positions = corePositions(system);
    const edges = edgesOn(positions.length, 400);
    const r = routeXY(
      system,
      edges,
      positions.map((_, i) => i),
      positions,
    );
    const delivered = chipDelivery(r.chipTables!, system);
    for (const e of edges) expect(delivered(e.from).has(Math.floor(e.to / 152))).toBe(true);
    // a table entry removed: its source no longer reaches beyond that chip
    const first = edges[0]!;
    const cut = structuredClone(r.chipTables!);
    const home = String(Math.floor(first.from / 152));
    cut[home] = cut[home]!.filter((x) => x.fromCore !== first.from);
    expect(chipDelivery(cut, system)(first.from).size).toBe(0);
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
