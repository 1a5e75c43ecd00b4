// Where cores sit: core i is on tile ⌊i / coresPerTile⌋, tiles numbered row-major over the grid without
// the unavailable tiles. Manhattan distance between tiles is the XY hop count.

import type { ChipProfile } from "../../hw-profiles/index.js";

export interface CorePosition {
  tile: number;
  x: number;
  y: number;
}

/** Usable tiles, row-major (y outer, x inner). */
export function tiles(profile: ChipProfile): [number, number][] {
  const g = profile.grid;
  const off = new Set(g.unavailableTiles.map(([x, y]) => `${x},${y}`));
  const out: [number, number][] = [];
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++) if (!off.has(`${x},${y}`)) out.push([x, y]);
  return out;
}

/** Positions of cores 0 .. coresPerChip − 1. */
export function corePositions(profile: ChipProfile): CorePosition[] {
  const t = tiles(profile);
  const n = Math.min(profile.grid.coresPerChip, t.length * profile.grid.coresPerTile);
  return Array.from({ length: n }, (_, i) => {
    const tile = Math.floor(i / profile.grid.coresPerTile);
    const [x, y] = t[tile] ?? [0, 0];
    return { tile, x, y };
  });
}

/** Hops between two cores: Manhattan tile distance for XY meshes; 1 between distinct cores point-to-point. */
export function hops(profile: ChipProfile, a: CorePosition, b: CorePosition): number {
  if (profile.grid.routing === "point-to-point") return a.tile === b.tile ? 0 : 1;
  return Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
}
