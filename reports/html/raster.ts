// Spike rasters of the first sample, one panel per population (a dot per spike: step on x, neuron on y).

import type { RunRaster } from "../run-json.js";
import { esc, shortId, svgDoc, txt } from "./svg.js";

export function rasterPlot(r: RunRaster): string {
  const plotW = 520;
  const plotH = Math.max(40, Math.min(160, r.shownNeurons * 3));
  const left = 44;
  const top = 26;
  const steps = Math.max(1, r.steps);
  const sx = plotW / steps;
  const sy = plotH / Math.max(1, r.shownNeurons);
  const title = `Spike raster: ${shortId(r.id, 48)} (sample ${r.sample}, ${r.shownNeurons} of ${r.neurons} neurons)`;
  const body: string[] = [
    txt(8, 16, title, { size: 12, weight: "bold" }),
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#888"/>`,
  ];
  const dots = r.spikes.map(
    ([t, n]) =>
      `<rect x="${(left + t * sx).toFixed(1)}" y="${(top + n * sy).toFixed(1)}" width="${Math.max(1, sx).toFixed(1)}" height="${Math.max(1, sy).toFixed(1)}"/>`,
  );
  body.push(
    `<g class="spikes" fill="#111"><title>${esc(`${r.spikes.length} spikes`)}</title>${dots.join("")}</g>`,
  );
  if (r.spikes.length === 0)
    body.push(txt(left + plotW / 2, top + plotH / 2 + 4, "no spikes", { anchor: "middle", fill: "#888" }));
  body.push(
    txt(left, top + plotH + 14, "0", { size: 10 }),
    txt(left + plotW, top + plotH + 14, `step ${steps}`, { anchor: "end", size: 10 }),
    txt(left - 4, top + 10, "0", { anchor: "end", size: 10 }),
    txt(left - 4, top + plotH, String(r.shownNeurons - 1), { anchor: "end", size: 10 }),
  );
  return svgDoc(left + plotW + 16, top + plotH + 22, title, body);
}
