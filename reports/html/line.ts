// Line plots: accuracy vs samples seen for streaming runs, and activity (spikes, synaptic ops) per timestep.

import { esc, label, SERIES, svgDoc, txt } from "./svg.js";

export interface LineSeries {
  name: string;
  values: readonly number[];
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  series: LineSeries[];
  /** "fraction" draws 0–100 % on y; otherwise counts from 0 to the maximum. */
  y: "fraction" | "count";
  /** A vertical marker (e.g. the algorithmic delay), in x units. */
  marker?: { x: number; label: string };
}

export function lineChart(spec: LineChartSpec): string {
  const left = 56;
  const top = 28;
  const w = 520;
  const h = 180;
  const n = Math.max(2, ...spec.series.map((s) => s.values.length));
  const max = spec.y === "fraction" ? 1 : Math.max(1e-300, ...spec.series.flatMap((s) => [...s.values]));
  const X = (i: number) => left + (i / (n - 1)) * w;
  const Y = (v: number) => top + h - (v / max) * h;
  const fy = (v: number) => (spec.y === "fraction" ? `${Math.round(v * 100)} %` : label(v));
  const body: string[] = [
    txt(8, 16, spec.title, { size: 13, weight: "bold" }),
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="#fafafa" stroke="#888"/>`,
  ];
  for (const f of [0, 0.5, 1]) {
    body.push(
      `<line x1="${left}" y1="${Y(f * max)}" x2="${left + w}" y2="${Y(f * max)}" stroke="#ddd"/>`,
      txt(left - 4, Y(f * max) + 4, fy(f * max), { anchor: "end", size: 10 }),
    );
  }
  spec.series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${X(i).toFixed(1)},${Y(v).toFixed(1)}`).join(" ");
    body.push(
      `<polyline class="series" points="${pts}" fill="none" stroke="${SERIES[k % SERIES.length]}" stroke-width="1.8"><title>${esc(s.name)}</title></polyline>`,
      `<rect x="${left + w - 150}" y="${top + 6 + k * 14}" width="10" height="3" fill="${SERIES[k % SERIES.length]}"/>`,
      txt(left + w - 136, top + 11 + k * 14, s.name, { size: 10 }),
    );
  });
  if (spec.marker) {
    const x = X(spec.marker.x);
    body.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + h}" stroke="#c00" stroke-dasharray="4 3"/>`,
      txt(x + 3, top + 12, spec.marker.label, { size: 10, fill: "#c00" }),
    );
  }
  body.push(
    txt(left, top + h + 14, "1", { size: 10 }),
    txt(left + w, top + h + 14, String(n), { anchor: "end", size: 10 }),
    txt(left + w / 2, top + h + 28, spec.xLabel, { anchor: "middle", size: 10 }),
  );
  return svgDoc(left + w + 16, top + h + 36, spec.title, body);
}
