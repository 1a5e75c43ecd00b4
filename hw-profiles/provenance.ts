// The provenance table of a profile: for every number, its status, full source citation, note and the
// text as written, so a report can ask "does this result rest on an estimate?".

import { forEachQuantity } from "./checks.js";
import { dotted } from "./positions.js";
import type { ProfileFile, Status } from "./schema.js";
import type { ChipProfile, ProvenanceEntry, ProvenanceTable } from "./types.js";
import { CYCLES, dimensionOfUnit, SI_UNIT, toSI } from "./units.js";

export { provenanceOf } from "./lookups.js";

/** Builds the table from a schema-valid file; `clockHz` turns cycles into seconds when known. */
export function buildProvenance(file: ProfileFile, clockHz: number | undefined): ProvenanceTable {
  const table: ProvenanceTable = new Map();
  forEachQuantity(file, (q, path) => {
    const keyPath = dotted(path);
    // a flag (e.g. memoryModel.sharedWeights) counts as 1 / 0; `original` keeps true / false
    const value = typeof q.value === "boolean" ? Number(q.value) : (q.value as number);
    const unit = typeof q.unit === "string" ? q.unit : undefined;
    const dim = unit === undefined ? undefined : dimensionOfUnit(unit);
    // Cycles without a clock stay cycles; everything else becomes SI.
    const raw = unit === CYCLES && clockHz === undefined;
    const entry: ProvenanceEntry = {
      keyPath,
      status: q.status as Status,
      sourceKey: q.source as string,
      source: file.sources[q.source as string] ?? "",
      original: unit === undefined ? String(q.value) : `${value} ${unit}`,
      value:
        dim === undefined || unit === undefined || raw ? value : (toSI(dim, value, unit, clockHz) ?? value),
      unit: dim === undefined ? "" : raw ? CYCLES : SI_UNIT[dim],
    };
    if (typeof q.note === "string") entry.note = q.note;
    table.set(keyPath, entry);
  });
  // A single `hop` cost stands for both directions; make the direction paths answer too.
  for (const part of ["energy", "latency"]) {
    const hop = table.get(`costs.hop.${part}`);
    if (hop && !table.has(`costs.hopEW.${part}`)) table.set(`costs.hopEW.${part}`, hop);
    if (hop && !table.has(`costs.hopNS.${part}`)) table.set(`costs.hopNS.${part}`, hop);
  }
  return table;
}

/** Whether the number at `keyPath` is an estimate (false when it is absent or published/derived). */
export function isEstimate(profile: ChipProfile, keyPath: string): boolean {
  return profile.provenance.get(keyPath)?.status === "estimate";
}

/**
 * The estimates among the given key paths (or among all numbers under a prefix such as `costs.`):
 * empty when a result built from those numbers rests only on published or derived values.
 */
export function estimatesAmong(
  profile: ChipProfile,
  keyPathsOrPrefix: readonly string[] | string,
): ProvenanceEntry[] {
  const entries =
    typeof keyPathsOrPrefix === "string"
      ? [...profile.provenance.entries()].filter(([k]) => k.startsWith(keyPathsOrPrefix)).map(([, e]) => e)
      : keyPathsOrPrefix
          .map((k) => profile.provenance.get(k))
          .filter((e): e is ProvenanceEntry => e !== undefined);
  return [...new Set(entries)].filter((e) => e.status === "estimate");
}

/** Counts of the numbers a profile file holds, by status (aliases such as hopEW→hop counted once). */
export function provenanceCounts(profile: ChipProfile): Record<Status, number> & { numbers: number } {
  const counts = { numbers: 0, published: 0, derived: 0, estimate: 0 };
  for (const e of new Set(profile.provenance.values())) {
    counts.numbers++;
    counts[e.status]++;
  }
  return counts;
}
