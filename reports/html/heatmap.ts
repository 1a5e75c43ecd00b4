// The core grid as a heat map: one cell per tile coloured by a per-core metric (utilization, energy, traffic),
// summed (max for utilization) over the cores of a tile; mesh links drawn between tile centres, shaded and
// thickened by their packet load. Tiles over budget get a red outline. The map shows the bounding box of the
// tiles in use when that is a small part of the mesh, and bins tiles into blocks on meshes too big to draw.

import type { RunCore, RunLink } from "../run-json.js";
import { ESTIMATE_MARK } from "../view.js";
import { maxOf } from "./series.js";
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

/** Cells per side beyond which tiles are binned into k × k blocks. */
const MAX_CELLS_PER_SIDE = 128;

const highestUtilization = (c: RunCore): number => maxOf(Object.values(c.memory.utilization), 0);

const coreValue = (c: RunCore, m: GridMetric): number =>
  m === "utilization" ? highestUtilization(c) : m === "energy" ? c.energyJ : c.packetsIn + c.packetsOut;

const TITLES: Record<GridMetric, string> = {
  utilization: "Core grid: highest memory utilization per tile",
  energy: "Core grid: energy per tile",
  traffic: "Core grid: packets in + out per tile, links shaded by load",
};

/** The window of the mesh drawn: its first tile, size in tiles and tiles per cell (bin). */
export interface GridView {
  x0: number;
  y0: number;
  cols: number;
  rows: number;
  bin: number;
  zoomed: boolean;
}

/** Zoom to the tiles in use (and link ends) when they cover under a quarter of the mesh; bin big meshes. */
export function gridView(
  width: number,
  height: number,
  cores: readonly RunCore[],
  links: readonly RunLink[],
): GridView {
  let [x0, y0, x1, y1] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1];
  const see = (x: number, y: number) => {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  };
  for (const c of cores) see(c.tile[0], c.tile[1]);
  for (const l of links) {
    see(l.from[0], l.from[1]);
    see(l.to[0], l.to[1]);
  }
  const full = { x0: 0, y0: 0, w: Math.max(1, width), h: Math.max(1, height) };
  let win = full;
  if (x1 >= 0) {
    // tiles outside the declared mesh (a hand-edited file) widen the window instead of vanishing
    const inside = x0 >= 0 && y0 >= 0 && x1 < width && y1 < height;
    if (!inside || (x1 - x0 + 1) * (y1 - y0 + 1) * 4 <= full.w * full.h) {
      // one tile of the mesh around the ones in use, for context
      const [a, b] = inside ? [Math.max(0, x0 - 1), Math.max(0, y0 - 1)] : [x0, y0];
      const [c, d] = inside ? [Math.min(width - 1, x1 + 1), Math.min(height - 1, y1 + 1)] : [x1, y1];
      if ((c - a + 1) * (d - b + 1) < full.w * full.h) win = { x0: a, y0: b, w: c - a + 1, h: d - b + 1 };
    }
  }
  const bin = Math.max(1, Math.ceil(Math.max(win.w, win.h) / MAX_CELLS_PER_SIDE));
  return {
    x0: win.x0,
    y0: win.y0,
    cols: Math.ceil(win.w / bin),
    rows: Math.ceil(win.h / bin),
    bin,
    zoomed: win !== full,
  };
}

interface Cell {
  v: number;
  cores: number;
  over: boolean;
}

export function gridHeatmap(spec: HeatmapSpec): string {
  const { metric } = spec;
  const view = gridView(spec.width, spec.height, spec.cores, spec.links);
  const { cols, rows, bin } = view;
  const cellOf = (x: number, y: number) =>
    [Math.floor((x - view.x0) / bin), Math.floor((y - view.y0) / bin)] as const;
  const cell = Math.max(4, Math.min(44, Math.floor(520 / Math.max(cols, rows, 1))));
  const gap = cell >= 8 ? 1 : 0;
  const labels = bin === 1 && cell >= 16;
  const left = labels ? 44 : 30;
  const top = labels ? 44 : 30;
  const cells = new Map<string, Cell>();
  for (const c of spec.cores) {
    const [cx, cy] = cellOf(c.tile[0], c.tile[1]);
    const key = `${cx},${cy}`;
    const t = cells.get(key) ?? { v: 0, cores: 0, over: false };
    const v = coreValue(c, metric);
    t.v = metric === "utilization" ? Math.max(t.v, v) : t.v + v;
    t.cores++;
    t.over ||= highestUtilization(c) > 1;
    cells.set(key, t);
  }
  let max = 1;
  if (metric !== "utilization") {
    max = 0;
    for (const t of cells.values()) if (t.v > max) max = t.v;
  }
  const unit = metric === "energy" ? "J" : undefined;
  const fmt = (v: number) =>
    metric === "utilization" ? `${Number((v * 100).toPrecision(3))} %` : label(v, unit);
  const body: string[] = [txt(8, 16, TITLES[metric], { size: 13, weight: "bold" })];
  const est = metric === "energy" && spec.estimate === true;
  const tileName = (cx: number, cy: number) => {
    const [x, y] = [view.x0 + cx * bin, view.y0 + cy * bin];
    return bin === 1 ? `tile ${x},${y}` : `tiles ${x}–${x + bin - 1},${y}–${y + bin - 1}`;
  };
  // Empty cells: one by one on small maps (the grid look), one background on big ones.
  if (cols * rows <= 4096) {
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < cols; x++)
        if (!cells.has(`${x},${y}`))
          body.push(
            `<rect x="${left + x * cell}" y="${top + y * cell}" width="${cell - gap}" height="${cell - gap}" fill="#eee"/>`,
          );
  } else
    body.push(`<rect x="${left}" y="${top}" width="${cols * cell}" height="${rows * cell}" fill="#eee"/>`);
  for (const [key, t] of cells) {
    const [x, y] = key.split(",").map(Number) as [number, number];
    const px = left + x * cell;
    const py = top + y * cell;
    const tip = `${tileName(x, y)} · ${t.cores} core(s) · ${est ? ESTIMATE_MARK : ""}${fmt(t.v)}`;
    body.push(
      `<rect class="tile" x="${px}" y="${py}" width="${cell - gap}" height="${cell - gap}" fill="${ramp(max > 0 ? t.v / max : 0)}"${t.over ? ' stroke="#d00" stroke-width="2.5"' : ""}><title>${esc(tip)}</title></rect>`,
    );
    if (est)
      body.push(
        `<rect x="${px}" y="${py}" width="${cell - gap}" height="${cell - gap}" fill="url(#${HATCH})"/>`,
      );
  }
  // tile coordinates along the edges when the cells are big enough to carry them
  if (labels) {
    for (let x = 0; x < cols; x++)
      body.push(
        txt(left + x * cell + cell / 2, top - 5, String(view.x0 + x), {
          anchor: "middle",
          size: 9,
          fill: "#666",
        }),
      );
    for (let y = 0; y < rows; y++)
      body.push(
        txt(left - 5, top + y * cell + cell / 2 + 3, String(view.y0 + y), {
          anchor: "end",
          size: 9,
          fill: "#666",
        }),
      );
    body.push(txt(left - 5, top - 5, "y \\ x", { anchor: "end", size: 9, fill: "#666" }));
  }
  if (metric === "traffic")
    body.push(
      ...linkLines(spec.links, cellOf, (c) => [left + c[0] * cell + cell / 2, top + c[1] * cell + cell / 2]),
    );
  // Which part of the mesh this is, when not all of it at one tile per cell.
  let y = top + rows * cell + 14;
  if (view.zoomed || bin > 1) {
    const span = (a: number, n: number) => (n === 1 ? `${a}` : `${a}–${a + n - 1}`);
    const xs = span(view.x0, cols * bin);
    const ys = span(view.y0, rows * bin);
    body.push(
      txt(
        left,
        y,
        `tiles x ${xs}, y ${ys} of the ${spec.width} × ${spec.height} mesh${bin > 1 ? ` (${bin} × ${bin} tiles per cell)` : ""}`,
        { size: 10, fill: "#555" },
      ),
    );
    y += 10;
  }
  // Colour scale.
  for (let i = 0; i < 50; i++)
    body.push(`<rect x="${left + i * 4}" y="${y}" width="4" height="10" fill="${ramp(i / 49)}"/>`);
  body.push(
    txt(left, y + 24, fmt(0), { size: 10 }),
    txt(left + 200, y + 24, `${est ? ESTIMATE_MARK : ""}${fmt(max)}`, { anchor: "end", size: 10 }),
  );
  const w = Math.max(left + cols * cell + 20, 420);
  return svgDoc(w, y + 34, TITLES[metric], body);
}

/** Links between cell centres, summed per pair of cells (links inside one binned cell are not drawn). */
function linkLines(
  links: readonly RunLink[],
  cellOf: (x: number, y: number) => readonly [number, number],
  centre: (c: readonly [number, number]) => [number, number],
): string[] {
  const pairs = new Map<
    string,
    { a: readonly [number, number]; b: readonly [number, number]; packets: number; names: string }
  >();
  for (const l of links) {
    const a = cellOf(l.from[0], l.from[1]);
    const b = cellOf(l.to[0], l.to[1]);
    if (a[0] === b[0] && a[1] === b[1]) continue;
    const key = `${a.join(",")}>${b.join(",")}`;
    const p = pairs.get(key);
    if (p) p.packets += l.packets;
    else pairs.set(key, { a, b, packets: l.packets, names: `${l.from.join(",")} → ${l.to.join(",")}` });
  }
  let lmax = 1;
  for (const p of pairs.values()) if (p.packets > lmax) lmax = p.packets;
  const out: string[] = [];
  for (const p of pairs.values()) {
    const [x1, y1] = centre(p.a);
    const [x2, y2] = centre(p.b);
    const f = p.packets / lmax;
    out.push(
      `<line class="link" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="rgb(${Math.round(255 * f)},${Math.round(90 * (1 - f))},${Math.round(60 * (1 - f))})" stroke-width="${(1 + 5 * f).toFixed(2)}" stroke-opacity="0.85" stroke-linecap="round"><title>${esc(`link ${p.names}: ${label(p.packets)} packets`)}</title></line>`,
    );
  }
  return out;
}
