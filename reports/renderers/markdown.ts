// Markdown renderer: the report view's tables as GitHub pipe tables, estimate-based numbers prefixed with the
// estimate mark, over-budget cells in bold with "(over)", then warnings, legend and conventions.

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

const escapeMd = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The markdown text of one cell (the inverse the tests rely on: marker, then the formatted value). */
export function markdownCell(c: Cell): string {
  let s = escapeMd(formatCell(c));
  if (c.estimate) s = `${ESTIMATE_MARK}${s}`;
  if (c.over) s = `**${s} (over)**`;
  return s;
}

export function markdownTable(t: ViewTable): string {
  const head = `| ${t.columns.map((c) => escapeMd(c.header)).join(" | ")} |`;
  const rule = `| ${t.columns.map((c) => (c.numeric ? "---:" : "---")).join(" | ")} |`;
  const body = t.rows.map((r) => `| ${r.map(markdownCell).join(" | ")} |`);
  return [`### ${t.title}`, "", head, rule, ...body].join("\n");
}

export function renderMarkdown(run: RunJson): string {
  const v = reportView(run);
  const out = [`# ${escapeMd(v.title)}`, "", `${v.subtitle}`, ""];
  for (const t of v.tables) out.push(markdownTable(t), "");
  const legend: string[] = [];
  if (v.hasEstimates) legend.push(`- ${ESTIMATE_LEGEND}`);
  if (v.hasOver) legend.push(`- **bold (over)**: ${OVER_LEGEND}`);
  if (legend.length) out.push("### Legend", "", ...legend, "");
  if (v.warnings.length) out.push("### Warnings", "", ...v.warnings.map((w) => `- ${escapeMd(w)}`), "");
  out.push("### Conventions", "", ...v.conventions.map(([k, c]) => `- \`${k}\`: ${escapeMd(c)}`), "");
  return out.join("\n");
}

export const markdownRenderer: Renderer = {
  name: "md",
  extension: "md",
  describe: "markdown tables with legend and conventions",
  render: (run) => renderMarkdown(run),
};
