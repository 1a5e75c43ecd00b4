// Size budgets of an NMIR module, checked by verify() with arithmetic only, before any consumer (mapper,
// simulators) allocates per-neuron or per-step state: total neurons, projection delays and delay history.

import type { SourceInfo } from "./graph.js";
import type { NmirModule } from "./types.js";

/** The largest sizes a valid module may declare; a file cannot raise them (they protect every consumer). */
export const NMIR_LIMITS = {
  /** Neurons of all inputs, populations and dynamic matmuls together (2^26 ≈ 67 M; large SNNs hold < 2 M). */
  neurons: 2 ** 26,
  /** Steps a projection may delay its source (uint16; chips allow far less, e.g. Loihi 62). */
  delay: 2 ** 16 - 1,
  /** Σ over sources of neurons × (largest delay read + 2): the values a simulator keeps as delay history. */
  historyValues: 2 ** 28,
} as const;

const fmt = (n: number) => (Number.isFinite(n) ? n.toLocaleString("en-US") : String(n));

/** Problems (as module-level messages) when the module's sizes exceed NMIR_LIMITS; [] when within. */
export function checkBudgets(ir: NmirModule, sources: ReadonlyMap<string, SourceInfo>): string[] {
  const out: string[] = [];
  let total = 0;
  let largest: SourceInfo | undefined;
  for (const s of sources.values()) {
    // Malformed shapes are reported elsewhere; a NaN size must not hide the rest.
    if (!Number.isFinite(s.size)) continue;
    total += s.size;
    if (!largest || s.size > largest.size) largest = s;
  }
  if (total > NMIR_LIMITS.neurons) {
    out.push(
      `declares ${fmt(total)} neurons (largest: ${largest?.kind} "${largest?.id}" with ${fmt(largest?.size ?? 0)}), ` +
        `more than the NMIR limit of ${fmt(NMIR_LIMITS.neurons)} (NMIR_LIMITS.neurons); ` +
        "compile a smaller network or split it",
    );
    return out; // the history bound below would only repeat this
  }
  const deepest = new Map<string, number>();
  for (const p of ir.projections) {
    const d = p.delay;
    if (!Number.isInteger(d) || d < 0 || d > NMIR_LIMITS.delay) continue; // reported per projection
    deepest.set(p.src, Math.max(deepest.get(p.src) ?? 0, d));
  }
  let history = 0;
  for (const [id, d] of deepest) {
    const size = sources.get(id)?.size;
    if (size !== undefined && Number.isFinite(size)) history += size * (d + 2);
  }
  if (history > NMIR_LIMITS.historyValues) {
    out.push(
      `its projection delays need ${fmt(history)} values of delay history (Σ source neurons × (largest delay + 2)), ` +
        `more than the NMIR limit of ${fmt(NMIR_LIMITS.historyValues)} (NMIR_LIMITS.historyValues); ` +
        "shorten the longest delays",
    );
  }
  return out;
}
