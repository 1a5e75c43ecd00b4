// The core grid as a heat map: one cell per tile coloured by a per-core metric (utilization, energy, traffic),
// summed (max for utilization) over the cores of a tile; mesh links drawn between tile centres, shaded and
// thickened by their packet load. Tiles over budget get a red outline.

import type { RunCore, RunLink } from "../run-json.js";
import { ESTIMATE_MARK } from "../view.js";
import { esc, HATCH, label, ramp, svgDoc, txt } from "./svg.js";

export type GridMetric = "utilization" | "energy" | "traffic";

export interface HeatmapSpec {
  metric: GridMetric;
  width: number;
  height: number;
  cores: readonly RunCore[];
  links: readonly RunLink[];
  /** The energy rests on estimates (hatched cells, marked legend). */
  estimate?: boolean;
}

const coreValue = (c: RunCore, m: GridMetric): number =>
  m === "utilization"
    ? Math.max(0, ...Object.values(c.memory.utilization))
    : m === "energy"
      ? c.energyJ
      : c.packetsIn + c.packetsOut;

const TITLES: Record<GridMetric, string> = {
  utilization: "Core grid: highest memory utilization per tile",
  energy: "Core grid: energy per tile",
  traffic: "Core grid: packets in + out per tile, links shaded by load",
};

export function gridHeatmap(spec: HeatmapSpec): string {
  const { width: gw, height: gh, metric } = spec;
  const cell = Math.max(8, Math.min(44, Math.floor(520 / Math.max(gw, gh, 1))));
  const left = 30;
  const top = 30;
  const tiles = new Map<string, { v: number; cores: number; over: boolean }>();
  for (const c of spec.cores) {
    const key = `${c.tile[0]},${c.tile[1]}`;
    const t = tiles.get(key) ?? { v: 0, cores: 0, over: false };
    const v = coreValue(c, metric);
    t.v = metric === "utilization" ? Math.max(t.v, v) : t.v + v;
    t.cores++;
    t.over ||= Math.max(0, ...Object.values(c.memory.utilization)) > 1;
    tiles.set(key, t);
  }
  const max = metric === "utilization" ? 1 : Math.max(0, ...[...tiles.values()].map((t) => t.v));
  const unit = metric === "energy" ? "J" : undefined;
  const fmt = (v: number) =>
    metric === "utilization" ? `${Number((v * 100).toPrecision(3))} %` : label(v, unit);
  const body: string[] = [txt(8, 16, TITLES[metric], { size: 13, weight: "bold" })];
  const est = metric === "energy" && spec.estimate === true;
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const t = tiles.get(`${x},${y}`);
      const px = left + x * cell;
      const py = top + y * cell;
      if (!t) {
        body.push(`<rect x="${px}" y="${py}" width="${cell - 1}" height="${cell - 1}" fill="#eee"/>`);
        continue;
      }
      const tip = `tile ${x},${y} · ${t.cores} core(s) · ${est ? ESTIMATE_MARK : ""}${fmt(t.v)}`;
      body.push(
        `<rect class="tile" x="${px}" y="${py}" width="${cell - 1}" height="${cell - 1}" fill="${ramp(max > 0 ? t.v / max : 0)}"${t.over ? ' stroke="#d00" stroke-width="2.5"' : ""}><title>${esc(tip)}</title></rect>`,
      );
      if (est)
        body.push(
          `<rect x="${px}" y="${py}" width="${cell - 1}" height="${cell - 1}" fill="url(#${HATCH})"/>`,
        );
    }
  }
  if (metric === "traffic") {
    const lmax = Math.max(1, ...spec.links.map((l) => l.packets));
    for (const l of spec.links) {
      const c = (p: readonly number[]) => [left + p[0]! * cell + cell / 2, top + p[1]! * cell + cell / 2];
      const [x1, y1] = c(l.from);
      const [x2, y2] = c(l.to);
      const f = l.packets / lmax;
      body.push(
        `<line class="link" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="rgb(${Math.round(255 * f)},${Math.round(90 * (1 - f))},${Math.round(60 * (1 - f))})" stroke-width="${(1 + 5 * f).toFixed(2)}" stroke-opacity="0.85" stroke-linecap="round"><title>${esc(`link ${l.from.join(",")} → ${l.to.join(",")}: ${label(l.packets)} packets`)}</title></line>`,
      );
    }
  }
  // Colour scale.
  const sy = top + gh * cell + 14;
  for (let i = 0; i < 50; i++)
    body.push(`<rect x="${left + i * 4}" y="${sy}" width="4" height="10" fill="${ramp(i / 49)}"/>`);
  body.push(
    txt(left, sy + 24, fmt(0), { size: 10 }),
    txt(left + 200, sy + 24, `${est ? ESTIMATE_MARK : ""}${fmt(max)}`, { anchor: "end", size: 10 }),
  );
  const w = Math.max(left + gw * cell + 20, 300);
  return svgDoc(w, sy + 34, TITLES[metric], body);
}
