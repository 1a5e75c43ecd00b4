// Horizontal (stacked) bar charts: per-layer ACs/MACs, per-layer energy, firing rates, energy by event kind.
// Segments resting on estimates are hatched and their labels carry the estimate mark.

import { ESTIMATE_MARK } from "../view.js";
import { maxOf } from "./series.js";
import { esc, HATCH, label, SERIES, shortId, svgDoc, txt } from "./svg.js";

export interface BarSegment {
  series: string;
  value: number;
  estimate?: boolean;
}

export interface BarRow {
  label: string;
  segments: BarSegment[];
}

export interface BarChartSpec {
  title: string;
  rows: BarRow[];
  /** SI unit of the values (J); none for counts; "%" for fractions shown as percent. */
  unit?: string;
  /** Series in legend order (colours follow this order). */
  series: string[];
}

const fmt = (v: number, unit?: string) =>
  unit === "%" ? `${Number((v * 100).toPrecision(3))} %` : label(v, unit);

/** A horizontal bar chart, one row per label, segments stacked left to right; value label after each bar. */
export function barChart(spec: BarChartSpec): string {
  const rowH = 18;
  const left = 190;
  const plotW = 420;
  const top = 28;
  const width = left + plotW + 110;
  const max = maxOf(
    spec.rows.map((r) => r.segments.reduce((a, s) => a + s.value, 0)),
    0,
  );
  const scale = max > 0 ? plotW / max : 0;
  const colour = (s: string) => SERIES[Math.max(0, spec.series.indexOf(s)) % SERIES.length]!;
  const body: string[] = [txt(8, 16, spec.title, { size: 13, weight: "bold" })];
  spec.rows.forEach((r, i) => {
    const y = top + i * rowH;
    body.push(txt(left - 6, y + 12, shortId(r.label), { anchor: "end", size: 10 }));
    let x = left;
    for (const s of r.segments) {
      const w = s.value * scale;
      if (w <= 0) continue;
      const tip = `${r.label} · ${s.series}: ${fmt(s.value, spec.unit)}${s.estimate ? " (estimate)" : ""}`;
      body.push(
        `<rect class="bar" x="${x.toFixed(2)}" y="${y + 2}" width="${Math.max(0.5, w).toFixed(2)}" height="${rowH - 4}" fill="${colour(s.series)}"><title>${esc(tip)}</title></rect>`,
      );
      if (s.estimate)
        body.push(
          `<rect x="${x.toFixed(2)}" y="${y + 2}" width="${Math.max(0.5, w).toFixed(2)}" height="${rowH - 4}" fill="url(#${HATCH})"/>`,
        );
      x += w;
    }
    const total = r.segments.reduce((a, s) => a + s.value, 0);
    const est = r.segments.some((s) => s.estimate && s.value > 0);
    body.push(txt(x + 4, y + 12, `${est ? ESTIMATE_MARK : ""}${fmt(total, spec.unit)}`, { size: 10 }));
  });
  body.push(
    `<line x1="${left}" y1="${top - 2}" x2="${left}" y2="${top + spec.rows.length * rowH}" stroke="#555"/>`,
  );
  // The legend wraps within the chart's width; rows that are their own series (one bar per kind) need none.
  const selfLabelled = spec.rows.every((r) => r.segments.length === 1 && r.segments[0]!.series === r.label);
  let lx = left;
  let ly = top + spec.rows.length * rowH + 20;
  const legend =
    !selfLabelled && (spec.series.length > 1 || spec.rows.some((r) => r.segments.some((s) => s.estimate)));
  if (legend) {
    for (const s of spec.series) {
      const w = 24 + s.length * 6;
      if (lx > left && lx + w > width - 8) {
        lx = left;
        ly += 16;
      }
      body.push(
        `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${colour(s)}"/>`,
        txt(lx + 14, ly, s, { size: 10 }),
      );
      lx += w;
    }
  }
  const height = legend ? ly + 16 : top + spec.rows.length * rowH + 12;
  return svgDoc(width, height, spec.title, body);
}
