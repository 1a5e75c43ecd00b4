// Terminal views of a multi-chip system: the chip grid (one cell per chip: its cores in use, or its position
// when nothing is mapped) and the chip-to-chip link figures, for `map` and `profiles show`.

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { Mapping } from "./types.js";

/** Chips drawn at most per side; a larger grid is clipped with a note. */
const MAX_DRAWN = 32;

/** The chip grid; with a mapping, each cell is the number of cores in use on that chip (· for none). */
export function formatChipGrid(profile: ChipProfile, mapping?: Mapping): string {
  const sy = profile.system;
  if (!sy) return "";
  const perChip = profile.grid.coresPerChip;
  const used = new Map<number, number>();
  for (const c of mapping?.cores ?? []) {
    const chip = Math.floor(c.index / perChip);
    used.set(chip, (used.get(chip) ?? 0) + 1);
  }
  const cell = Math.max(1, String(perChip).length);
  const lines = [
    `chip grid of ${profile.name}: ${sy.chipsX} × ${sy.chipsY} chips of ${profile.grid.width} × ${profile.grid.height} tiles (${perChip} cores each), joined by chip-to-chip links${mapping ? "; cores in use per chip" : ""}`,
  ];
  const w = Math.min(sy.chipsX, MAX_DRAWN);
  const h = Math.min(sy.chipsY, MAX_DRAWN);
  // [n]─[n]─[n]: a cell per chip, ─ and │ the links between neighbours
  const link = `${" ".repeat(Math.floor(cell / 2) + 1)}│${" ".repeat(cell - Math.floor(cell / 2))}`;
  for (let y = 0; y < h; y++) {
    const cells: string[] = [];
    for (let x = 0; x < w; x++) {
      const chip = y * sy.chipsX + x;
      const n = used.get(chip);
      cells.push(`[${(mapping ? (n === undefined ? "·" : String(n)) : " ").padStart(cell)}]`);
    }
    lines.push(`  ${cells.join("─")}`);
    if (y + 1 < h) lines.push(`  ${Array.from({ length: w }, () => link).join(" ")}`.trimEnd());
  }
  if (sy.chipsX > MAX_DRAWN || sy.chipsY > MAX_DRAWN)
    lines.push(`  (chip grid clipped to ${MAX_DRAWN} × ${MAX_DRAWN} chips)`);
  if (mapping) lines.push(`  chips in use: ${used.size} of ${sy.chipsX * sy.chipsY}`);
  return lines.join("\n");
}

/** The system's link numbers, one line each (absent = not modelled). */
export function formatSystemLinks(profile: ChipProfile): string[] {
  const sy = profile.system;
  if (!sy) return [];
  const l = sy.link;
  const show = (v: number | undefined, unit: string, f = 1) =>
    v === undefined ? "not modelled" : `${+(v * f).toPrecision(4)} ${unit}`;
  const occ = l.bandwidthBitsPerS ? sy.packetBits / l.bandwidthBitsPerS : undefined;
  return [
    `  chip-to-chip link (per direction, adjacent chips; × ${l.hops} hop${l.hops === 1 ? "" : "s"}):`,
    `    energy per packet   ${show(l.energyPerPacketJ, "pJ", 1e12)} (${sy.packetBits}-bit packets)`,
    `    latency             ${show(l.latencyS, "ns", 1e9)}`,
    `    bandwidth           ${show(l.bandwidthBitsPerS, "Gbit/s", 1e-9)} (one packet holds the link ${show(occ, "ns", 1e9)})`,
    `    static power / chip ${show(sy.staticPowerPerChipW ?? profile.staticPower.perChipW, "W")}${sy.staticPowerPerChipW === undefined ? " (the chip's)" : ""}`,
    `    system barrier      ${show(sy.barrierS, "µs", 1e6)} per step when more than one chip is in use`,
  ];
}
