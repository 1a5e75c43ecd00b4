// Builds the fit report from packed bins and misfits: utilisation of every limit per core and in total,
// the core count needed (first fit, never below the demand lower bound), one explained misfit per problem. Also renders it for a terminal.

import type { ChipProfile } from "../../hw-profiles/index.js";
import type { Encoding } from "./encoding.js";
import type { FitReport, Misfit } from "./fit-types.js";
import { MAX_KEYS } from "./memory-models.js";
import type { Bin } from "./pack.js";
import type { Usage } from "./types.js";

function fractions(usage: Usage, limits: Usage): Record<string, number> {
  const f: Record<string, number> = {};
  for (const [k, l] of Object.entries(limits))
    f[k] = l > 0 ? (usage[k] ?? 0) / l : (usage[k] ?? 0) > 0 ? Infinity : 0;
  return f;
}

/**
 * What to change when the cores run out, from the limit the bins fill most (Σ usage / limit over the bins:
 * the resource that needs the most cores' worth): neurons call for a smaller network, not fewer weight bits.
 */
export function bindingAdvice(bins: readonly Bin[]): string {
  const fill = new Map<string, number>();
  for (const b of bins)
    for (const [k, l] of Object.entries(b.limits))
      if (!MAX_KEYS.has(k) && l > 0) fill.set(k, (fill.get(k) ?? 0) + (b.usage[k] ?? 0) / l);
  let key: string | undefined;
  for (const [k, f] of fill) if (key === undefined || f > fill.get(key)!) key = k;
  const worth = key === undefined ? "" : ` (${Math.ceil(fill.get(key)! - 1e-9)} cores' worth)`;
  switch (key) {
    case "neurons":
      return `neurons bind${worth}: use a smaller network (fewer channels, tokens or heads) or a profile with more cores`;
    case "synapseBits":
      return `synapse memory binds${worth}: use fewer weight bits, smaller or sparser layers, or another profile`;
    case "stateBits":
      return `neuron state binds${worth}: use fewer state bits, a smaller network or another profile`;
    case "inputAxons":
      return `input axons bind${worth}: reduce the layers' fan-in, or use another profile`;
    case "outputRoutes":
      return `output routes bind${worth}: reduce the fan-out, or use another profile`;
    default:
      return `${key === undefined ? "" : `${key} binds${worth}: `}use a smaller network or another profile`;
  }
}

export function buildFitReport(
  profile: ChipProfile,
  bins: Bin[],
  coresAvailable: number,
  misfits: Misfit[],
  place?: readonly number[],
  encodings: Record<string, Encoding> = {},
  atLeast = 0,
): FitReport {
  const all = [...misfits];
  // First fit packs only the nodes that fit a core; the demand bound also counts the others.
  const needed = Math.max(bins.length, atLeast);
  if (needed > coresAvailable) {
    const chip = profile.grid.coresPerChip;
    const how =
      needed > bins.length
        ? `at least ${needed}: total demand over the largest core`
        : `first-fit; at least ${atLeast}`;
    all.push({
      population: "*",
      limit: "cores",
      needed,
      available: coresAvailable,
      suggestion:
        coresAvailable < chip && needed <= chip
          ? `needs ${needed} cores (${how}): raise --max-cores to ${needed}`
          : `needs ${needed} cores (${how}), ${needed - coresAvailable} more than the ${coresAvailable} available: ${bindingAdvice(bins)}`,
    });
  }
  const perCore = bins.map((b, i) => ({
    index: place?.[i] ?? b.core,
    usage: b.usage,
    limits: b.limits,
    fraction: fractions(b.usage, b.limits),
  }));
  const totals: FitReport["totals"] = {};
  for (const b of bins) {
    for (const [k, v] of Object.entries(b.usage)) {
      const t = totals[k] ?? { used: 0, available: 0 };
      t.used = MAX_KEYS.has(k) ? Math.max(t.used, v) : t.used + v;
      totals[k] = t;
    }
    for (const [k, v] of Object.entries(b.limits)) {
      const t = totals[k] ?? { used: 0, available: 0 };
      t.available = MAX_KEYS.has(k) ? v : t.available + v;
      totals[k] = t;
    }
  }
  return {
    fits: all.length === 0,
    profile: profile.name,
    coresUsed: Math.min(needed, coresAvailable),
    coresAvailable,
    coresNeeded: needed,
    coresAtLeast: atLeast,
    perCore,
    totals,
    misfits: all,
    ...(Object.keys(encodings).length > 0 ? { encodings } : {}),
  };
}

/** Which graded populations travel as bit planes, grouped by width: "encoding: graded → bit planes …". */
export function formatEncodings(profile: string, encodings: Record<string, Encoding>): string {
  const byBits = new Map<number, string[]>();
  for (const [id, e] of Object.entries(encodings)) byBits.set(e.bits, [...(byBits.get(e.bits) ?? []), id]);
  const groups = [...byBits].map(([b, ids]) => {
    const shown =
      ids.length > 4 ? `${ids.slice(0, 4).join(", ")} and ${ids.length - 4} more` : ids.join(", ");
    return `${b} bit planes: ${shown}`;
  });
  return `  encoding       ${profile} sends binary spikes only; graded events as ${groups.join("; ")} (axons and synapses × bits, one spike per set bit)`;
}

/** One line per misfit. */
export function describeMisfit(m: Misfit): string {
  const who = m.population === "*" ? "network" : m.population;
  return `${who}: ${describeMisfitLimit(m)}`;
}

/** A misfit without its population (for error details, whose `where` names it). */
export function describeMisfitLimit(m: Misfit): string {
  return `${m.limit} needs ${m.needed}, available ${m.available} — ${m.suggestion}`;
}

/** The fit summary: cores used and the total utilisation of every limit. */
export function formatFitSummary(r: FitReport): string {
  const lines = [
    `${r.fits ? "fits" : "does not fit"} on ${r.profile}: ${r.coresNeeded} of ${r.coresAvailable} cores${r.chipsNeeded !== undefined ? `, ${r.chipsNeeded} of ${r.chipsAvailable} chips` : ""}`,
  ];
  for (const [k, t] of Object.entries(r.totals)) {
    if (t.available > 0)
      lines.push(
        `  ${k.padEnd(14)} ${t.used} / ${t.available} (${((100 * t.used) / t.available).toFixed(1)}%)`,
      );
    else lines.push(`  ${k.padEnd(14)} ${t.used}`);
  }
  if (r.encodings) lines.push(formatEncodings(r.profile, r.encodings));
  for (const m of r.misfits) lines.push(`  ✗ ${describeMisfit(m)}`);
  if (r.profilesThatFit?.length) lines.push(`  fits on: ${r.profilesThatFit.join(", ")}`);
  return lines.join("\n");
}
