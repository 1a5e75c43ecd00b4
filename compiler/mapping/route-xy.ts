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

export interface RoutingResult {
  routes: Route[];
  /** Per tile; empty on a multi-chip system, which has `chipTables` instead. */
  tables: Record<string, RoutingTableEntry[]>;
  /** A multi-chip system's per-chip router tables, keyed by chip (directions between chips). */
  chipTables?: Record<string, RoutingTableEntry[]>;
  /** Σ traffic × hops. */
  trafficHops: number;
}

/** Directions in the order a table lists them (sorted as strings), one bit each. */
const DIRS: readonly Dir[] = ["E", "N", "S", "W", "local"];
const BIT: Record<Dir, number> = { E: 1, N: 2, S: 4, W: 8, local: 16 };

/**
 * `place[bin]` is the core of each bin; `positions[core]` where it sits. `paths` (default: on one chip, not on
 * a multi-chip system) lists each route's tiles: on a system's global grid a route crosses up to hundreds of
 * tiles, millions of [x, y] pairs that the routing tables already say. On a multi-chip system the tables are
 * per chip, as a chip's router holds them (SpiNNaker: one multicast router per chip): each chip a source's
 * events leave has an entry with the direction to the next chip (XY over the chip grid: first x, then y —
 * the chips the tile-level XY path crosses), and each chip holding a destination core a "local" entry; inside
 * a chip the events follow XY. Per tile, a source read across the system would have an entry on every tile
 * of every chip on the way (≈ 10⁸ entries for an ImageNet Spikformer on 370 chips).
 */
export function routeXY(
  profile: ChipProfile,
  edges: TrafficEdge[],
  place: readonly number[],
  positions: readonly CorePosition[],
  paths = profile.system === undefined,
): RoutingResult {
  // each (source core, destination core) pair as one number a·n + b, sorted and deduplicated below: millions
  // of pairs on an ImageNet Spikformer, where a Set of destinations per source was seconds of `map`
  const srcCore = new Int32Array(edges.length);
  const dstCore = new Int32Array(edges.length);
  let n = 1;
  let trafficHops = 0;
  edges.forEach((e, k) => {
    const a = place[e.from] ?? 0;
    const b = place[e.to] ?? 0;
    srcCore[k] = a;
    dstCore[k] = b;
    n = Math.max(n, a + 1, b + 1);
    const pa = positions[a];
    const pb = positions[b];
    if (pa && pb) trafficHops += e.weight * hops(profile, pa, pb);
  });
  const pairs = new Float64Array(edges.length);
  for (let k = 0; k < edges.length; k++) pairs[k] = srcCore[k]! * n + dstCore[k]!;
  pairs.sort();
  // tile at (x, y), −1 where there is none (an unavailable tile still forwards: its entries go to tile −1)
  let width = 1;
  let height = 1;
  for (const p of positions) {
    width = Math.max(width, p.x + 1);
    height = Math.max(height, p.y + 1);
  }
  const tileAt = new Int32Array(width * height).fill(-1);
  for (const p of positions) tileAt[p.y * width + p.x] = p.tile;
  const tileOf = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height ? tileAt[y * width + x]! : -1;
  // per tile (chip on a system; −1 an unavailable tile): [source core, its output directions as bits], in
  // ascending source order. One source's routes are laid at a time: its bits per tile gathered in `bitsAt`
  // (index tile + 1), then listed once per tile it touched — not a Map lookup per tile per destination.
  const table = new Map<number, [number, number][]>();
  let tiles = profile.system ? profile.system.chipsX * profile.system.chipsY : 0;
  for (const p of positions) tiles = Math.max(tiles, p.tile + 1);
  const bitsAt = new Int32Array(tiles + 1);
  const touched: number[] = [];
  const addEntry = (tile: number, bit: number) => {
    if (bitsAt[tile + 1] === 0) touched.push(tile);
    bitsAt[tile + 1]! |= bit;
  };
  const listEntries = (from: number) => {
    for (const tile of touched) {
      let t = table.get(tile);
      if (!t) {
        t = [];
        table.set(tile, t);
      }
      t.push([from, bitsAt[tile + 1]!]);
      bitsAt[tile + 1] = 0;
    }
    touched.length = 0;
  };
  const p2p = profile.grid.routing === "point-to-point";
  const sy = profile.system;
  const chipW = profile.grid.width;
  const chipH = profile.grid.height;
  const routes: Route[] = [];
  for (let k = 0; k < pairs.length; ) {
    const from = Math.floor(pairs[k]! / n);
    const toCores: number[] = [];
    for (; k < pairs.length && Math.floor(pairs[k]! / n) === from; k++)
      if (k === 0 || pairs[k] !== pairs[k - 1]) toCores.push(pairs[k]! % n);
    const pa = positions[from];
    if (!pa) continue;
    const list: [number, number][][] = [];
    let h = 0;
    for (const to of toCores) {
      const pb = positions[to];
      if (!pb) continue;
      h += hops(profile, pa, pb);
      if (paths)
        list.push(
          p2p
            ? [
                [pa.x, pa.y],
                [pb.x, pb.y],
              ]
            : xyPath(pa, pb),
        );
      if (sy) {
        // chip-level XY: each chip left gets the direction it is left by, the destination's chip "local"
        let x = Math.floor(pa.x / chipW);
        let y = Math.floor(pa.y / chipH);
        const bx = Math.floor(pb.x / chipW);
        const by = Math.floor(pb.y / chipH);
        while (x !== bx) {
          addEntry(y * sy.chipsX + x, x < bx ? BIT.E : BIT.W);
          x += x < bx ? 1 : -1;
        }
        while (y !== by) {
          addEntry(y * sy.chipsX + x, y < by ? BIT.S : BIT.N);
          y += y < by ? 1 : -1;
        }
        addEntry(by * sy.chipsX + bx, BIT.local);
        continue;
      }
      if (!p2p) {
        // dimension-ordered: along x, then along y; each tile left gets the direction it is left by
        let { x, y } = pa;
        while (x !== pb.x) {
          addEntry(tileOf(x, y), x < pb.x ? BIT.E : BIT.W);
          x += x < pb.x ? 1 : -1;
        }
        while (y !== pb.y) {
          addEntry(tileOf(x, y), y < pb.y ? BIT.S : BIT.N);
          y += y < pb.y ? 1 : -1;
        }
      }
      addEntry(pb.tile, BIT.local);
    }
    listEntries(from);
    routes.push(
      paths ? { fromCore: from, toCores, hops: h, path: list } : { fromCore: from, toCores, hops: h },
    );
  }
  const tables: Record<string, RoutingTableEntry[]> = {};
  for (const [key, t] of [...table].sort((x, y) => x[0] - y[0]))
    tables[String(key)] = t.map(([fromCore, bits]) => ({
      fromCore,
      out: DIRS.filter((d) => (bits & BIT[d]) !== 0),
    }));
  return sy ? { routes, tables: {}, chipTables: tables, trafficHops } : { routes, tables, trafficHops };
}
