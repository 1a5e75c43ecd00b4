// A terminal view of the core grid: one character per tile showing the fullest core's utilisation (the
// largest usage/limit fraction over every limit), with a legend and the busiest cores listed.

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { FitReport } from "./fit-types.js";
import { formatChipGrid } from "./system-view.js";
import type { Mapping } from "./types.js";

const LEVELS = [".", "1", "2", "3", "4", "5", "6", "7", "8", "9", "#"] as const;

function levelChar(f: number): string {
  return LEVELS[Math.min(10, Math.max(1, Math.ceil(f * 10)))] ?? "#";
}

export function formatGrid(profile: ChipProfile, mapping: Mapping, fit: FitReport, top = 5): string {
  const g = profile.grid;
  const off = new Set(g.unavailableTiles.map(([x, y]) => `${x},${y}`));
  const worst = new Map<string, number>();
  const coreFrac = mapping.cores.map((c) => {
    const f = Object.entries(c.limits).reduce(
      (a, [k, l]) => Math.max(a, l > 0 ? (c.usage[k] ?? 0) / l : 0),
      0,
    );
    const key = `${c.x},${c.y}`;
    worst.set(key, Math.max(worst.get(key) ?? 0, f));
    return { c, f };
  });
  // a system's global grid: its chips side by side (grid.ts)
  const gw = g.width * (profile.system?.chipsX ?? 1);
  const gh = g.height * (profile.system?.chipsY ?? 1);
  const width = Math.min(gw, 128);
  const lines = [
    ...(profile.system ? [formatChipGrid(profile, mapping)] : []),
    `core grid of ${profile.name} (${gw} × ${gh} tiles, ${g.coresPerTile} core(s) per tile)`,
  ];
  for (let y = 0; y < Math.min(gh, 64); y++) {
    let row = "  ";
    for (let x = 0; x < width; x++) {
      const key = `${x},${y}`;
      const f = worst.get(key);
      row += off.has(`${x % g.width},${y % g.height}`) ? "x" : f === undefined ? "·" : levelChar(f);
    }
    lines.push(row);
  }
  if (gh > 64 || gw > 128) lines.push("  (grid clipped to 128 × 64 tiles)");
  lines.push("  legend: · unused, 1–9 = up to 10–90% of the fullest limit, # over 90%, x unavailable tile");
  const busiest = coreFrac.sort((a, b) => b.f - a.f).slice(0, top);
  for (const { c, f } of busiest) {
    const key = Object.entries(c.limits).reduce(
      (a, [k, l]) => ((c.usage[k] ?? 0) / (l || 1) > (c.usage[a] ?? 0) / (c.limits[a] || 1) ? k : a),
      "neurons",
    );
    const what = c.slices.map((s) => `${s.population}[${s.start}..${s.start + s.count - 1}]`).join(", ");
    lines.push(`  core ${c.index} (${c.x}, ${c.y}): ${(100 * f).toFixed(0)}% ${key} — ${what}`);
  }
  lines.push(
    `  traffic × hops ${mapping.cost.trafficHops} (${mapping.cost.trafficSource}, ${mapping.placement} placement), ${fit.coresUsed} cores`,
  );
  return lines.join("\n");
}
