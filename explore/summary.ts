// Terminal text of a sweep: the points table, the Pareto front and the points that do not fit with why.

import { untrainedWarning } from "../compiler/passes/weights-provenance.js";
import { formatSI, renderTable } from "../reports/terminal/table.js";
import { SANAFE_SWEEP_NOTE, type SweepFront, sweepConvention, sweepFront } from "./pareto.js";
import type { PointResult } from "./result.js";

const dash = "–";
const si = (x: number | null | undefined, unit: string) =>
  typeof x === "number" && Number.isFinite(x) ? formatSI(x, unit) : dash;
const pct = (x: number | null | undefined) => (typeof x === "number" ? `${(x * 100).toFixed(1)} %` : dash);

/** One row per point: coordinates, fit, cores, accuracy, energies, latency, synapse memory. */
export function renderPointsTable(results: readonly PointResult[], front?: SweepFront): string {
  const onFront = new Set((front ?? sweepFront(results)).front.map((r) => r.key));
  return renderTable(
    [
      { header: "profile" },
      { header: "max cores", align: "right" },
      { header: "w bits", align: "right" },
      { header: "s bits", align: "right" },
      { header: "T", align: "right" },
      { header: "fits" },
      { header: "cores", align: "right" },
      { header: "accuracy", align: "right" },
      { header: "E theor./sample", align: "right" },
      { header: "E chip/sample", align: "right" },
      { header: "latency/sample", align: "right" },
      { header: "synapse mem", align: "right" },
      { header: "front" },
    ],
    results.map((r) => [
      r.profile,
      r.maxCores === null ? "all" : String(r.maxCores),
      String(r.weightBits),
      String(r.stateBits),
      String(r.timesteps),
      r.fits ? "yes" : `no (${r.stage})`,
      r.fits ? String(r.cores?.used ?? dash) : r.cores?.needed ? `${r.cores.needed} needed` : dash,
      r.fits ? pct(r.accuracy) : dash,
      r.fits ? si(r.energy?.theoreticalJ, "J") : dash,
      r.fits ? si(r.energy?.chipJ, "J") : dash,
      r.fits ? si(r.latency?.perSampleS, "s") : dash,
      r.fits ? si(r.memory?.synapseBits, "bit") : dash,
      onFront.has(r.key) ? "*" : "",
    ]),
  );
}

/** The front and the excluded points, in words. */
export function renderFront(front: SweepFront): string {
  const lines = [
    `Pareto front (${front.objectives.join(" × ") || "no objective measured"}): ${front.front.length} point(s)`,
  ];
  for (const r of front.front) lines.push(`  * ${r.key}`);
  if (front.unmeasured.length)
    lines.push(
      `  not in the front's objectives (not measured for every point): ${front.unmeasured.join(", ")}`,
    );
  if (front.atChance.length) {
    lines.push(`at chance, not on the front (${front.atChance.length}):`);
    for (const x of front.atChance) lines.push(`  ${x.key}: ${x.reason}`);
  }
  if (front.excluded.length) {
    lines.push(`does not fit (${front.excluded.length}):`);
    for (const x of front.excluded) lines.push(`  ${x.key}: ${x.reason}`);
  }
  return lines.join("\n");
}

/** Once per sweep, not per point: the points' weights are untrained (every point shares the network). */
export function untrainedNotes(results: readonly PointResult[]): string[] {
  const kinds = [...new Set(results.map((r) => r.weights))];
  return kinds.flatMap((w) => {
    const text = untrainedWarning(w);
    return text ? [`warning: ${text}`] : [];
  });
}

export function renderSweep(results: readonly PointResult[]): string {
  const front = sweepFront(results);
  const notes = [
    ...(sweepConvention(results) === "sanafe" ? [SANAFE_SWEEP_NOTE] : []),
    ...new Set(results.flatMap((r) => (r.chip?.note ? [r.chip.note] : []))),
  ];
  return [
    renderPointsTable(results, front),
    "",
    renderFront(front),
    ...notes.map((n) => `note: ${n}`),
    ...untrainedNotes(results),
  ].join("\n");
}
