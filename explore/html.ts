// The explore section of an HTML report (and a self-contained page of its own): the points table, the Pareto
// front, the points that do not fit with why, and the SVG plots. Reads only the sweep's results.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatSI } from "../reports/terminal/table.js";
import { SANAFE_SWEEP_NOTE, sweepConvention, sweepFront } from "./pareto.js";
import { accuracyVsBitsSvg, escapeXml as esc, scatterSvg } from "./plots.js";
import type { PointResult } from "./result.js";

const si = (x: number | null | undefined, unit: string) =>
  typeof x === "number" && Number.isFinite(x) ? formatSI(x, unit) : "–";

function pointsTable(results: readonly PointResult[], front: Set<string>): string {
  const head = [
    "profile",
    "max cores",
    "weight bits",
    "state bits",
    "T",
    "fits",
    "cores",
    "accuracy",
    "E theoretical / sample",
    "E chip / sample",
    "latency / sample",
    "synapse memory",
    "front",
  ];
  const rows = results.map((r) => {
    const cells = [
      r.profile,
      r.maxCores === null ? "all" : String(r.maxCores),
      String(r.weightBits),
      String(r.stateBits),
      String(r.timesteps),
      r.fits ? "yes" : `no (${r.stage ?? "map"}: see below)`,
      r.fits ? String(r.cores?.used ?? "–") : r.cores?.needed ? `${r.cores.needed} needed` : "–",
      r.fits && typeof r.accuracy === "number" ? `${(r.accuracy * 100).toFixed(1)} %` : "–",
      r.fits ? si(r.energy?.theoreticalJ, "J") : "–",
      r.fits ? si(r.energy?.chipJ, "J") : "–",
      r.fits ? si(r.latency?.perSampleS, "s") : "–",
      r.fits ? si(r.memory?.synapseBits, "bit") : "–",
      front.has(r.key) ? "★" : "",
    ];
    return `<tr${r.fits ? "" : ' class="misfit"'}>${cells.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** An HTML fragment (a <section>) for a report page. */
export function exploreHtmlSection(results: readonly PointResult[]): string {
  const f = sweepFront(results);
  const keys = new Set(f.front.map((r) => r.key));
  const chip = results.some((r) => r.fits && typeof r.energy?.chipJ === "number");
  const latency = results.some((r) => r.fits && typeof r.latency?.perSampleS === "number");
  const energyOf = (r: PointResult) => (chip ? r.energy?.chipJ : r.energy?.theoreticalJ);
  const sanafe = sweepConvention(results) === "sanafe";
  const energyLabel = chip
    ? sanafe
      ? "energy per sample (chip simulator, convention sanafe)"
      : "energy per sample (chip simulator)"
    : "energy per sample (theoretical E_AC·AC + E_MAC·MAC)";
  const plots: string[] = [];
  if (latency)
    plots.push(
      scatterSvg(results, f.front, {
        title: "Energy × latency per sample (Pareto front ringed)",
        x: { label: energyLabel, unit: "J", value: energyOf },
        y: {
          label: sanafe ? "latency per sample (convention sanafe)" : "latency per sample",
          unit: "s",
          value: (r) => r.latency?.perSampleS,
        },
      }),
    );
  if (results.some((r) => typeof r.accuracy === "number")) {
    plots.push(
      scatterSvg(results, f.front, {
        title: "Energy × accuracy (Pareto front ringed)",
        x: { label: energyLabel, unit: "J", value: energyOf },
        y: { label: "accuracy", unit: "%", value: (r) => r.accuracy },
      }),
      accuracyVsBitsSvg(results),
    );
  }
  const notes = [
    ...(sanafe ? [SANAFE_SWEEP_NOTE] : []),
    ...new Set(results.flatMap((r) => (r.chip?.note ? [r.chip.note] : []))),
  ];
  const excluded = f.excluded.length
    ? `<h3>Does not fit (${f.excluded.length})</h3><ul>${f.excluded.map((x) => `<li><code>${esc(x.key)}</code>: ${esc(x.reason)}</li>`).join("")}</ul>`
    : "";
  const atChance = f.atChance.length
    ? `<h3>At chance, not on the front (${f.atChance.length})</h3><ul>${f.atChance.map((x) => `<li><code>${esc(x.key)}</code>: ${esc(x.reason)}</li>`).join("")}</ul>`
    : "";
  return [
    `<section class="explore"><h2>Explore: ${results.length} points</h2>`,
    `<p>Pareto front over ${esc(f.objectives.join(" × ") || "nothing measured")}: ${f.front.length} point(s) (★).`,
    f.unmeasured.length
      ? ` Not measured for every point, so not an objective: ${esc(f.unmeasured.join(", "))}.`
      : "",
    "</p>",
    notes.map((n) => `<p class="note">${esc(n)}</p>`).join(""),
    `<div class="plots">${plots.join("")}</div>`,
    pointsTable(results, keys),
    atChance,
    excluded,
    "</section>",
  ].join("");
}

const STYLE =
  "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;font-size:13px}" +
  "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}" +
  "tr.misfit td{color:#999}.plots svg{margin:0 1em 1em 0}.note{color:#a60}";

/** A self-contained HTML page with the explore section. */
export function exploreHtmlPage(results: readonly PointResult[], title: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body><h1>${esc(title)}</h1>${exploreHtmlSection(results)}</body></html>\n`;
}

export function writeExploreHtml(file: string, results: readonly PointResult[], o: { title: string }): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, exploreHtmlPage(results, o.title));
}
