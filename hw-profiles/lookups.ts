// Lookups on a loaded ChipProfile that need nothing but the profile: the simulators' hot start (a direct SANA-FE
// run) imports them from here, without the schema and YAML modules behind the rest of hw-profiles (index.ts
// re-exports them for everyone else).

import type { ChipProfile, ProvenanceEntry } from "./types.js";

/**
 * Barrier latency for a number of tiles in use: linear between table points, clamped outside them; 0 for
 * `none`. For a `tick` it is the tick period, which is a floor on the step time rather than an added cost.
 * Undefined when the profile does not model the barrier.
 */
export function barrierLatencyS(profile: ChipProfile, tilesInUse: number): number | undefined {
  const b = profile.barrier;
  if (!b) return undefined;
  if (b.kind === "none") return 0;
  if (b.kind === "tick") return b.periodS;
  const pts = b.points;
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  if (tilesInUse <= first.tiles) return first.latencyS;
  if (tilesInUse >= last.tiles) return last.latencyS;
  const i = pts.findIndex((p) => p.tiles >= tilesInUse);
  const a = pts[i - 1]!;
  const c = pts[i]!;
  return a.latencyS + ((c.latencyS - a.latencyS) * (tilesInUse - a.tiles)) / (c.tiles - a.tiles);
}

/** The provenance of one number, e.g. `provenanceOf(p, "costs.synopAC.energy")`. */
export function provenanceOf(profile: ChipProfile, keyPath: string): ProvenanceEntry | undefined {
  return profile.provenance.get(keyPath);
}
