// SVG plots of a sweep (self-contained strings, no scripts), each with a visible title: a scatter of two
// objectives with the Pareto front drawn through its points, and accuracy against weight bits with one line
// per profile × core budget. Points that land on the same spot are drawn once and marked ×n.

import { extent, niceTicks } from "../reports/html/series.js";
import { formatSI } from "../reports/terminal/table.js";
import type { PointResult } from "./result.js";

const PLOT_W = 410;
const H = 350;
const M = { left: 74, top: 44, bottom: 48 };
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

export const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Axis {
  label: string;
  unit: string;
  log: boolean;
  lo: number;
  hi: number;
  /** Tick values; default: round values in [lo, hi]. */
  ticks?: number[];
}

function axis(label: string, unit: string, values: number[], log: boolean): Axis {
  const e = extent(log ? values.filter((x) => x > 0) : values);
  let [lo, hi] = e ?? [0, 1];
  if (unit === "%") {
    // fractions: pad the data range a little, never past 0..1
    const pad = Math.max(0.02, (hi - lo) * 0.08);
    return { label, unit, log: false, lo: Math.max(0, lo - pad), hi: Math.min(1, hi + pad) };
  }
  if (lo === hi) [lo, hi] = log ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
  // a margin so points at the ends are not cut by the frame
  if (log) {
    const f = (hi / lo) ** 0.05;
    [lo, hi] = [lo / f, hi * f];
  } else [lo, hi] = [lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05];
  return { label, unit, log, lo, hi };
}

function scale(a: Axis, x: number, from: number, to: number): number {
  const t = a.log
    ? (Math.log(x) - Math.log(a.lo)) / (Math.log(a.hi) - Math.log(a.lo))
    : (x - a.lo) / (a.hi - a.lo);
  return from + t * (to - from);
}

/** Ticks: the given ones, else 1-2-5 steps per decade on a log axis, round values on a linear one. */
function ticksOf(a: Axis): number[] {
  if (a.ticks) return a.ticks;
  if (!a.log) return niceTicks(a.lo, a.hi, 4).filter((t) => t >= a.lo && t <= a.hi);
  const out: number[] = [];
  for (let d = Math.floor(Math.log10(a.lo)); d <= Math.ceil(Math.log10(a.hi)); d++)
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** d;
      if (t >= a.lo && t <= a.hi) out.push(Number(t.toPrecision(6)));
    }
  // a narrow range (under a factor 2): the ends and the middle
  return out.length >= 2 ? out : [a.lo, Math.sqrt(a.lo * a.hi), a.hi].map((t) => Number(t.toPrecision(3)));
}

function tickText(a: Axis, x: number): string {
  return a.unit === "%"
    ? `${(x * 100).toFixed(0)} %`
    : a.unit
      ? formatSI(x, a.unit)
      : String(+x.toPrecision(3));
}

/** The frame, title, ticks, axis labels and a legend to the right (as wide as its longest entry). */
function frame(x: Axis, y: Axis, title: string, body: string, legend: string[]): string {
  const legendW = Math.min(300, 40 + 6.2 * Math.max(0, ...legend.map((l) => l.length)));
  const W = M.left + PLOT_W + legendW;
  const [x0, x1, y0, y1] = [M.left, M.left + PLOT_W, H - M.bottom, M.top];
  const ticks = [
    ...ticksOf(x).map((t) => {
      const px = scale(x, t, x0, x1);
      return `<line x1="${px}" y1="${y0}" x2="${px}" y2="${y0 + 4}" stroke="#999"/><text x="${px}" y="${y0 + 16}" text-anchor="middle">${escapeXml(tickText(x, t))}</text>`;
    }),
    ...ticksOf(y).map((t) => {
      const py = scale(y, t, y0, y1);
      return `<line x1="${x0}" y1="${py}" x2="${x1}" y2="${py}" stroke="#eee"/><text x="${x0 - 6}" y="${py + 4}" text-anchor="end">${escapeXml(tickText(y, t))}</text>`;
    }),
  ];
  // a legend entry starting with "○" is the front's ring, "×n" the overlap mark, else a colour
  let colour = 0;
  const legendSvg = legend
    .map((l, i) => {
      const ly = y1 + i * 16;
      const mark = l.startsWith("…")
        ? ""
        : l.startsWith("○")
          ? `<circle cx="${x1 + 17}" cy="${ly + 5}" r="6" fill="none" stroke="#000" stroke-width="1.5"/>`
          : l.startsWith("×")
            ? `<text x="${x1 + 17}" y="${ly + 9}" text-anchor="middle" font-weight="bold">×n</text>`
            : `<rect x="${x1 + 12}" y="${ly}" width="10" height="10" fill="${COLORS[colour++ % COLORS.length]}"/>`;
      return `${mark}<text x="${x1 + 30}" y="${ly + 9}">${escapeXml(l.replace(/^[○×]\s*/, ""))}</text>`;
    })
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">` +
    `<title>${escapeXml(title)}</title>` +
    `<text x="8" y="18" font-size="13" font-weight="bold">${escapeXml(title)}</text>` +
    ticks.join("") +
    `<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#999"/>` +
    `<text x="${(x0 + x1) / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(x.label)}${x.log ? " (log)" : ""}</text>` +
    `<text transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(y.label)}${y.log ? " (log)" : ""}</text>` +
    body +
    legendSvg +
    "</svg>"
  );
}

interface Placed<T> {
  x: number;
  y: number;
  items: T[];
}

/** Groups items drawn within 3 px of each other (same pixel cell): one mark per group, ×n when several. */
function overlapGroups<T>(items: readonly T[], at: (t: T) => [number, number]): Placed<T>[] {
  const groups = new Map<string, Placed<T>>();
  for (const t of items) {
    const [x, y] = at(t);
    const key = `${Math.round(x / 3)},${Math.round(y / 3)}`;
    const g = groups.get(key);
    if (g) g.items.push(t);
    else groups.set(key, { x, y, items: [t] });
  }
  return [...groups.values()];
}

const countMark = (g: Placed<unknown>) =>
  g.items.length > 1
    ? `<text class="overlap" x="${(g.x + 8).toFixed(1)}" y="${(g.y - 6).toFixed(1)}" font-size="10" font-weight="bold">×${g.items.length}</text>`
    : "";

export interface ScatterSpec {
  title: string;
  x: { label: string; unit: string; value: (r: PointResult) => number | null | undefined };
  y: { label: string; unit: string; value: (r: PointResult) => number | null | undefined };
}

/** Fitting points coloured by profile; front points ringed and joined in x order; coincident points ×n. */
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
  const px = (v: number) => scale(xa, v, M.left, M.left + PLOT_W);
  const py = (v: number) => scale(ya, v, H - M.bottom, M.top);
  const onFront = new Set(front.map((r) => r.key));
  const groups = overlapGroups(pts, (p) => [px(p.x), py(p.y)]);
  const dots = groups
    .map((g) => {
      const first = g.items[0]!;
      const c = COLORS[profiles.indexOf(first.r.profile) % COLORS.length];
      const ring = g.items.some((p) => onFront.has(p.r.key))
        ? `<circle cx="${g.x}" cy="${g.y}" r="7" fill="none" stroke="#000" stroke-width="1.5"/>`
        : "";
      const tip = g.items.map((p) => p.r.key).join("\n");
      return `<circle class="point" cx="${g.x}" cy="${g.y}" r="4" fill="${c}" opacity="0.8"><title>${escapeXml(tip)}</title></circle>${ring}${countMark(g)}`;
    })
    .join("");
  const line = pts
    .filter((p) => onFront.has(p.r.key))
    .sort((a, b) => a.x - b.x)
    .map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`)
    .join(" ");
  const path = line ? `<polyline points="${line}" fill="none" stroke="#000" stroke-dasharray="4 3"/>` : "";
  const overlaps = groups.some((g) => g.items.length > 1) ? ["× points at the same place"] : [];
  return frame(xa, ya, spec.title, path + dots, [...profiles, "○ Pareto front", ...overlaps]);
}

/** Accuracy against weight bits (ticks at the bits tried), one line per profile × core budget × state bits × T. */
export function accuracyVsBitsSvg(results: readonly PointResult[]): string {
  const pts = results.filter((r) => r.fits && typeof r.accuracy === "number");
  const multiS = new Set(pts.map((p) => p.stateBits)).size > 1;
  const multiT = new Set(pts.map((p) => p.timesteps)).size > 1;
  const series = new Map<string, PointResult[]>();
  for (const r of pts) {
    const k = `${r.profile} cores=${r.maxCores ?? "all"}${multiS ? ` s=${r.stateBits}` : ""}${multiT ? ` T=${r.timesteps}` : ""}`;
    const list = series.get(k);
    if (list) list.push(r);
    else series.set(k, [r]);
  }
  const bits = [...new Set(pts.map((r) => r.weightBits))].sort((a, b) => a - b);
  const xa = { ...axis("weight bits", "", bits, false), ticks: bits };
  const ya = { ...axis("accuracy", "%", [0, 1], false), ticks: [0, 0.25, 0.5, 0.75, 1] };
  const px = (v: number) => scale(xa, v, M.left, M.left + PLOT_W);
  const py = (v: number) => scale(ya, v, H - M.bottom, M.top);
  const names = [...series.keys()].slice(0, 12);
  const colourOf = new Map(names.map((n, i) => [n, COLORS[i % COLORS.length]!]));
  const lines = names
    .map((name) => {
      const s = series.get(name)!.sort((a, b) => a.weightBits - b.weightBits);
      const poly = s.map((r) => `${px(r.weightBits).toFixed(1)},${py(r.accuracy!).toFixed(1)}`).join(" ");
      return `<polyline class="series" points="${poly}" fill="none" stroke="${colourOf.get(name)}" stroke-width="1.5"/>`;
    })
    .join("");
  const shown = names.flatMap((name) => series.get(name)!.map((r) => ({ r, name })));
  const groups = overlapGroups(shown, (p) => [px(p.r.weightBits), py(p.r.accuracy!)]);
  const dots = groups
    .map((g) => {
      const tip = g.items.map((p) => `${p.r.key}: ${(p.r.accuracy! * 100).toFixed(1)} %`).join("\n");
      return `<circle class="point" cx="${g.x}" cy="${g.y}" r="3.5" fill="${colourOf.get(g.items[0]!.name)}"><title>${escapeXml(tip)}</title></circle>${countMark(g)}`;
    })
    .join("");
  const more = series.size > names.length ? [`… ${series.size - names.length} more not drawn`] : [];
  const overlaps = groups.some((g) => g.items.length > 1) ? ["× lines through the same points"] : [];
  return frame(xa, ya, "Accuracy vs weight bits", lines + dots, [...names, ...more, ...overlaps]);
}
