// SVG plots of a sweep (self-contained strings, no scripts): a scatter of two objectives with the Pareto front
// drawn through its points, and accuracy against weight bits with one line per profile × core budget.

import { formatSI } from "../reports/terminal/table.js";
import type { PointResult } from "./result.js";

const W = 560;
const H = 340;
const M = { left: 70, right: 150, top: 24, bottom: 46 };
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

export const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Axis {
  label: string;
  unit: string;
  log: boolean;
  lo: number;
  hi: number;
}

function axis(label: string, unit: string, values: number[], log: boolean): Axis {
  const v = log ? values.filter((x) => x > 0) : values;
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (unit === "%") {
    // fractions: pad the data range a little, never past 0..1
    const pad = Math.max(0.02, (hi - lo) * 0.08);
    return { label, unit, log: false, lo: Math.max(0, lo - pad), hi: Math.min(1, hi + pad) };
  }
  if (lo === hi) [lo, hi] = log ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
  return { label, unit, log, lo, hi };
}

function scale(a: Axis, x: number, from: number, to: number): number {
  const t = a.log
    ? (Math.log(x) - Math.log(a.lo)) / (Math.log(a.hi) - Math.log(a.lo))
    : (x - a.lo) / (a.hi - a.lo);
  return from + t * (to - from);
}

function tickText(a: Axis, x: number): string {
  return a.unit === "%"
    ? `${(x * 100).toFixed(0)} %`
    : a.unit
      ? formatSI(x, a.unit)
      : String(+x.toPrecision(3));
}

function frame(x: Axis, y: Axis, title: string, body: string, legend: string[]): string {
  const [x0, x1, y0, y1] = [M.left, W - M.right, H - M.bottom, M.top];
  const ticks = [0, 0.5, 1].map((t) => {
    const xv = x.log
      ? Math.exp(Math.log(x.lo) + t * (Math.log(x.hi) - Math.log(x.lo)))
      : x.lo + t * (x.hi - x.lo);
    const yv = y.log
      ? Math.exp(Math.log(y.lo) + t * (Math.log(y.hi) - Math.log(y.lo)))
      : y.lo + t * (y.hi - y.lo);
    const px = x0 + t * (x1 - x0);
    const py = y0 + t * (y1 - y0);
    return (
      `<text x="${px}" y="${y0 + 16}" text-anchor="middle">${escapeXml(tickText(x, xv))}</text>` +
      `<text x="${x0 - 6}" y="${py + 4}" text-anchor="end">${escapeXml(tickText(y, yv))}</text>`
    );
  });
  // a legend entry starting with "○" is the front's ring, not a colour
  let colour = 0;
  const legendSvg = legend
    .map((l, i) => {
      const y = y1 + i * 16;
      const mark = l.startsWith("○")
        ? `<circle cx="${x1 + 17}" cy="${y + 5}" r="6" fill="none" stroke="#000" stroke-width="1.5"/>`
        : `<rect x="${x1 + 12}" y="${y}" width="10" height="10" fill="${COLORS[colour++ % COLORS.length]}"/>`;
      return `${mark}<text x="${x1 + 28}" y="${y + 9}">${escapeXml(l.replace(/^○\s*/, ""))}</text>`;
    })
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#999"/>` +
    ticks.join("") +
    `<text x="${(x0 + x1) / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(x.label)}${x.log ? " (log)" : ""}</text>` +
    `<text transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(y.label)}${y.log ? " (log)" : ""}</text>` +
    body +
    legendSvg +
    "</svg>"
  );
}

export interface ScatterSpec {
  title: string;
  x: { label: string; unit: string; value: (r: PointResult) => number | null | undefined };
  y: { label: string; unit: string; value: (r: PointResult) => number | null | undefined };
}

/** Fitting points coloured by profile; front points ringed and joined in x order. */
export function scatterSvg(
  results: readonly PointResult[],
  front: readonly PointResult[],
  spec: ScatterSpec,
): string {
  const pts = results.flatMap((r) => {
    const x = spec.x.value(r);
    const y = spec.y.value(r);
    return r.fits && typeof x === "number" && typeof y === "number" ? [{ r, x, y }] : [];
  });
  const xa = axis(
    spec.x.label,
    spec.x.unit,
    pts.map((p) => p.x),
    spec.x.unit !== "%",
  );
  const ya = axis(
    spec.y.label,
    spec.y.unit,
    pts.map((p) => p.y),
    spec.y.unit !== "%",
  );
  const profiles = [...new Set(pts.map((p) => p.r.profile))];
  const px = (v: number) => scale(xa, v, M.left, W - M.right);
  const py = (v: number) => scale(ya, v, H - M.bottom, M.top);
  const onFront = new Set(front.map((r) => r.key));
  const dots = pts
    .map((p) => {
      const c = COLORS[profiles.indexOf(p.r.profile) % COLORS.length];
      const ring = onFront.has(p.r.key)
        ? `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="7" fill="none" stroke="#000" stroke-width="1.5"/>`
        : "";
      return `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="4" fill="${c}" opacity="0.8"><title>${escapeXml(p.r.key)}</title></circle>${ring}`;
    })
    .join("");
  const line = pts
    .filter((p) => onFront.has(p.r.key))
    .sort((a, b) => a.x - b.x)
    .map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`)
    .join(" ");
  const path = line ? `<polyline points="${line}" fill="none" stroke="#000" stroke-dasharray="4 3"/>` : "";
  return frame(xa, ya, spec.title, path + dots, [...profiles, "○ Pareto front"]);
}

/** Accuracy against weight bits, one line per profile × core budget × state bits × timesteps. */
export function accuracyVsBitsSvg(results: readonly PointResult[]): string {
  const pts = results.filter((r) => r.fits && typeof r.accuracy === "number");
  const series = new Map<string, PointResult[]>();
  for (const r of pts) {
    const k = `${r.profile} cores=${r.maxCores ?? "all"}${new Set(pts.map((p) => p.stateBits)).size > 1 ? ` s=${r.stateBits}` : ""}${new Set(pts.map((p) => p.timesteps)).size > 1 ? ` T=${r.timesteps}` : ""}`;
    series.set(k, [...(series.get(k) ?? []), r]);
  }
  const xa = axis(
    "weight bits",
    "",
    pts.map((r) => r.weightBits),
    false,
  );
  const ya = axis("accuracy", "%", [0, 1, ...pts.map((r) => r.accuracy!)], false);
  const px = (v: number) => scale(xa, v, M.left, W - M.right);
  const py = (v: number) => scale(ya, v, H - M.bottom, M.top);
  const names = [...series.keys()];
  const body = names
    .map((name, i) => {
      const c = COLORS[i % COLORS.length];
      const s = series.get(name)!.sort((a, b) => a.weightBits - b.weightBits);
      const poly = s.map((r) => `${px(r.weightBits).toFixed(1)},${py(r.accuracy!).toFixed(1)}`).join(" ");
      return (
        `<polyline points="${poly}" fill="none" stroke="${c}" stroke-width="1.5"/>` +
        s
          .map(
            (r) =>
              `<circle cx="${px(r.weightBits)}" cy="${py(r.accuracy!)}" r="3.5" fill="${c}"><title>${escapeXml(`${r.key}: ${(r.accuracy! * 100).toFixed(1)} %`)}</title></circle>`,
          )
          .join("")
      );
    })
    .join("");
  return frame(xa, ya, "accuracy vs weight bits", body, names.slice(0, 12));
}
