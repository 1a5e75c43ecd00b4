// Where cores sit: core i is on tile ⌊i / coresPerTile⌋, tiles numbered row-major over the grid without
// the unavailable tiles. Manhattan distance between tiles is the XY hop count. A system (profile.system) is
// one global grid: chip c sits at chip (c mod chipsX, ⌊c / chipsX⌋), its core l is global core
// c·coresPerChip + l, its tiles shifted by the chip's position × the chip's mesh size.

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

/** Positions of every core: one chip's, or a system's global grid (all its chips). */
export function corePositions(profile: ChipProfile): CorePosition[] {
  const local = chipCorePositions(profile);
  const sy = profile.system;
  if (!sy) return local;
  const g = profile.grid;
  const tilesPerChip = tiles(profile).length;
  const out: CorePosition[] = [];
  for (let c = 0; c < sy.chipsX * sy.chipsY; c++) {
    const dx = (c % sy.chipsX) * g.width;
    const dy = Math.floor(c / sy.chipsX) * g.height;
    for (const p of local) out.push({ tile: p.tile + c * tilesPerChip, x: p.x + dx, y: p.y + dy });
  }
  return out;
}

/** Chip of a (global) core; 0 on a single chip. */
export function chipOfCore(profile: ChipProfile, core: number): number {
  return Math.floor(core / profile.grid.coresPerChip);
}

/** Chips of the profile: the system's, else 1. */
export function systemChips(profile: ChipProfile): number {
  return profile.system ? profile.system.chipsX * profile.system.chipsY : 1;
}

/** Positions of one chip's cores 0 .. coresPerChip − 1. */
export function chipCorePositions(profile: ChipProfile): CorePosition[] {
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
