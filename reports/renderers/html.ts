// HTML renderer: one self-contained page (inline CSS and SVG, no scripts, no external URLs) with the plots of
// html/plots.ts and the report view's tables; every cell carries its raw value and JSON key path as data
// attributes, estimate-based numbers a visible mark, over-budget cells a red background.

import { runPlots } from "../html/plots.js";
import { esc, HATCH } from "../html/svg.js";
import type { RunJson } from "../run-json.js";
import {
  type Cell,
  ESTIMATE_LEGEND,
  ESTIMATE_MARK,
  formatCell,
  OVER_LEGEND,
  reportView,
  type ViewTable,
} from "../view.js";
import type { Renderer } from "./registry.js";

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;color:#222;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.sub{color:#666;margin-bottom:12px}
.plots{display:flex;flex-wrap:wrap;gap:16px}
figure.plot{margin:0;padding:8px;border:1px solid #e3e3e3;border-radius:6px;background:#fff}
figure.plot figcaption{font-size:12px;color:#555;max-width:640px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.est{color:#8a5a00;background:#fff4d6}.est sup{font-size:9px;margin-left:2px}
.over{color:#fff;background:#c62828;font-weight:bold}
.legend{font-size:13px;margin:8px 0;padding:8px;background:#f7f7f7;border-radius:4px}
.legend span{margin-right:16px}
.swatch{display:inline-block;width:14px;height:12px;vertical-align:middle;margin-right:4px;border:1px solid #999;
background:repeating-linear-gradient(45deg,#ccc 0 2px,#fff 2px 5px)}
dl{font-size:12px;color:#444}dt{font-family:monospace;margin-top:6px}dd{margin-left:16px}
`;

function cellHtml(c: Cell, numeric: boolean): string {
  const cls = [numeric ? "num" : "", c.estimate ? "est" : "", c.over ? "over" : ""].filter(Boolean).join(" ");
  const data = [
    typeof c.value === "number" ? ` data-value="${c.value}"` : "",
    c.path ? ` data-path="${esc(c.path)}"` : "",
  ].join("");
  let body = esc(formatCell(c));
  if (c.estimate) body = `${ESTIMATE_MARK}${body}<sup>est</sup>`;
  if (c.over) body += " !";
  return `<td${cls ? ` class="${cls}"` : ""}${data}>${body}</td>`;
}

function tableHtml(t: ViewTable): string {
  const head = t.columns.map((c) => `<th${c.numeric ? ' class="num"' : ""}>${esc(c.header)}</th>`).join("");
  const rows = t.rows.map(
    (r) => `<tr>${r.map((c, i) => cellHtml(c, t.columns[i]?.numeric ?? false)).join("")}</tr>`,
  );
  return `<h2>${esc(t.title)}</h2>\n<table data-table="${esc(t.id)}"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

export function renderHtml(run: RunJson): string {
  const v = reportView(run);
  const plots = runPlots(run);
  const legend: string[] = [];
  if (v.hasEstimates || run.latency?.estimate || (run.energy.chip?.estimates.length ?? 0) > 0) {
    legend.push(
      `<span class="est">${ESTIMATE_MARK}1.2 nJ<sup>est</sup></span> ${esc(ESTIMATE_LEGEND)}`,
      `<span><i class="swatch" data-pattern="${HATCH}"></i>hatched plot areas rest on estimates too</span>`,
    );
  }
  if (v.hasOver) legend.push(`<span class="over">120 % !</span> ${esc(OVER_LEGEND)}`);
  const figs = plots.map(
    (p) =>
      `<figure class="plot" data-plot="${esc(p.kind)}">\n${p.svg}\n${p.caption ? `<figcaption>${esc(p.caption)}</figcaption>` : ""}</figure>`,
  );
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>spikegrid report: ${esc(run.model.name)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${esc(v.title)}</h1>`,
    `<div class="sub">${esc(v.subtitle)} · spikegrid ${esc(run.tool.version)} · run JSON schema v${run.schemaVersion}</div>`,
    legend.length ? `<div class="legend">${legend.join("<br>")}</div>` : "",
    '<h2>Plots</h2><div class="plots">',
    ...figs,
    "</div>",
    ...v.tables.map(tableHtml),
    v.warnings.length
      ? `<h2>Warnings</h2><ul>${v.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`
      : "",
    `<h2>Conventions</h2><dl>${v.conventions.map(([k, c]) => `<dt>${esc(k)}</dt><dd>${esc(c)}</dd>`).join("")}</dl>`,
    "</body></html>",
    "",
  ].join("\n");
}

export const htmlRenderer: Renderer = {
  name: "html",
  extension: "html",
  describe: "one self-contained HTML page with SVG plots (no network, no scripts)",
  render: (run) => renderHtml(run),
};
