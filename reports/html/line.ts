// Line plots: accuracy vs samples seen for streaming runs, and activity per timestep with spikes on the left
// axis and synaptic ops on the right (they differ by orders of magnitude). Long series are decimated to min/max
// per pixel column, so a million-step run draws as fast as a short one and loses no peak.

import { decimateMinMax, maxOf, niceTicks } from "./series.js";
import { esc, label, SERIES, svgDoc, txt } from "./svg.js";

export interface LineSeries {
  name: string;
  values: readonly number[];
  /** Which y axis the series is read against (default left). */
  axis?: "left" | "right";
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  /** Axis titles; the right axis is drawn only when a series uses it. */
  yLabel: string;
  y2Label?: string;
  series: LineSeries[];
  /** "fraction" draws 0–100 % on y; otherwise counts from 0 to the maximum. */
  y: "fraction" | "count";
  /** A vertical marker (e.g. the algorithmic delay), in x units. */
  marker?: { x: number; label: string };
}

const PLOT_W = 520;
const PLOT_H = 180;

/** The value range of one axis, ending on a round tick. */
function yAxis(kind: "fraction" | "count", values: readonly (readonly number[])[]) {
  if (kind === "fraction") return { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  let m = 0;
  for (const v of values) m = maxOf(v, m);
  const ticks = niceTicks(0, m > 0 ? m : 1, 4);
  const last = ticks[ticks.length - 1]!;
  if (last < m) ticks.push(Number((last + (ticks[1]! - ticks[0]!)).toPrecision(12)));
  return { max: ticks[ticks.length - 1]!, ticks };
}

export function lineChart(spec: LineChartSpec): string {
  const rightIdx = spec.series.findIndex((s) => s.axis === "right");
  const right = rightIdx >= 0;
  const leftIdx = Math.max(
    0,
    spec.series.findIndex((s) => s.axis !== "right"),
  );
  const left = 70;
  const top = 50;
  const w = PLOT_W;
  const h = PLOT_H;
  const n = Math.max(2, maxOf(spec.series.map((s) => s.values.length)));
  const onAxis = (a: "left" | "right") =>
    spec.series.filter((s) => (s.axis ?? "left") === a).map((s) => s.values);
  const yl = yAxis(spec.y, onAxis("left"));
  const yr = yAxis(spec.y, onAxis("right"));
  // x: the index i of a series is step i + 1
  const X = (i: number) => left + (i / (n - 1)) * w;
  const Y = (v: number, max: number) => top + h - (v / max) * h;
  const fy = (v: number) => (spec.y === "fraction" ? `${Math.round(v * 100)} %` : label(v));
  const colour = (k: number) => SERIES[k % SERIES.length]!;
  const body: string[] = [
    txt(8, 16, spec.title, { size: 13, weight: "bold" }),
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="#fafafa" stroke="#888"/>`,
  ];
  for (const t of yl.ticks)
    body.push(
      `<line x1="${left}" y1="${Y(t, yl.max).toFixed(1)}" x2="${left + w}" y2="${Y(t, yl.max).toFixed(1)}" stroke="#e2e2e2"/>`,
      txt(left - 4, Y(t, yl.max) + 4, fy(t), { anchor: "end", size: 10 }),
    );
  if (right)
    for (const t of yr.ticks)
      body.push(txt(left + w + 4, Y(t, yr.max) + 4, fy(t), { size: 10, fill: colour(rightIdx) }));
  for (const t of niceTicks(1, n, 8)) {
    const x = X(t - 1);
    body.push(
      `<line x1="${x.toFixed(1)}" y1="${top + h}" x2="${x.toFixed(1)}" y2="${top + h + 4}" stroke="#888"/>`,
      txt(x, top + h + 15, label(t), { anchor: "middle", size: 10 }),
    );
  }
  // legend in a row under the title, never over the data
  let lx = left;
  spec.series.forEach((s, k) => {
    const name = right ? `${s.name} (${s.axis === "right" ? "right" : "left"} axis)` : s.name;
    body.push(
      `<rect x="${lx}" y="${top - 16}" width="14" height="3" fill="${colour(k)}"/>`,
      txt(lx + 18, top - 11, name, { size: 10 }),
    );
    lx += 30 + name.length * 5.6;
  });
  spec.series.forEach((s, k) => {
    const max = s.axis === "right" ? yr.max : yl.max;
    const pts = decimateMinMax(s.values, w)
      .map((p) => `${X(p.i).toFixed(1)},${Y(p.v, max).toFixed(1)}`)
      .join(" ");
    body.push(
      `<polyline class="series" points="${pts}" fill="none" stroke="${colour(k)}" stroke-width="1.6"${s.axis === "right" ? ' stroke-dasharray="5 2"' : ""}><title>${esc(s.name)}</title></polyline>`,
    );
  });
  if (spec.marker) {
    const x = X(spec.marker.x);
    body.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + h}" stroke="#c00" stroke-dasharray="4 3"/>`,
      txt(x + 3, top + 12, spec.marker.label, { size: 10, fill: "#c00" }),
    );
  }
  const mid = top + h / 2;
  body.push(
    txt(left + w / 2, top + h + 32, spec.xLabel, { anchor: "middle", size: 11 }),
    `<text transform="translate(14 ${mid}) rotate(-90)" text-anchor="middle" font-size="11" fill="${right ? colour(leftIdx) : "#222"}">${esc(spec.yLabel)}</text>`,
  );
  const width = left + w + (right ? 70 : 20);
  if (right)
    body.push(
      `<text transform="translate(${width - 10} ${mid}) rotate(90)" text-anchor="middle" font-size="11" fill="${colour(rightIdx)}">${esc(spec.y2Label ?? "")}</text>`,
    );
  return svgDoc(width, top + h + 42, spec.title, body);
}
