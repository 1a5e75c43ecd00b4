// A multi-chip system's router tables (route-xy.ts): the chips on which a source core's events are delivered,
// following its entries chip by chip from its own chip over the chip grid.

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { RoutingTableEntry } from "./types.js";

/** `delivered(from)`: the chips with a "local" entry for core `from` reached from its chip (cached per core). */
export function chipDelivery(
  tables: Record<string, RoutingTableEntry[]>,
  profile: ChipProfile,
): (from: number) => Set<number> {
  const chipsX = profile.system?.chipsX ?? 1;
  const chipsY = profile.system?.chipsY ?? 1;
  const byChip = new Map<number, Map<number, RoutingTableEntry["out"]>>();
  for (const [chip, entries] of Object.entries(tables)) {
    const byCore = new Map<number, RoutingTableEntry["out"]>();
    for (const e of entries) if (!byCore.has(e.fromCore)) byCore.set(e.fromCore, e.out);
    byChip.set(Number(chip), byCore);
  }
  const cache = new Map<number, Set<number>>();
  return (from) => {
    let got = cache.get(from);
    if (got) return got;
    got = new Set();
    const start = Math.floor(from / profile.grid.coresPerChip);
    const seen = new Set<number>();
    const queue = [start];
    for (let qi = 0; qi < queue.length; qi++) {
      const chip = queue[qi]!;
      if (seen.has(chip)) continue;
      seen.add(chip);
      const x = chip % chipsX;
      const y = Math.floor(chip / chipsX);
      for (const d of byChip.get(chip)?.get(from) ?? []) {
        if (d === "local") got.add(chip);
        else if (d === "E" && x + 1 < chipsX) queue.push(chip + 1);
        else if (d === "W" && x > 0) queue.push(chip - 1);
        else if (d === "S" && y + 1 < chipsY) queue.push(chip + chipsX);
        else if (d === "N" && y > 0) queue.push(chip - chipsX);
      }
    }
    cache.set(from, got);
    return got;
  };
}
