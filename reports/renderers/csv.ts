// CSV renderer: the report view in tidy (long) form, one row per table cell with its raw number, unit, the
// JSON key path it comes from, and estimate / over-budget columns — ready for pandas or a spreadsheet.

import type { RunJson } from "../run-json.js";
import { reportView } from "../view.js";
import type { Renderer } from "./registry.js";

export const CSV_HEADER = [
  "table",
  "row",
  "column",
  "value",
  "unit",
  "estimate",
  "over_budget",
  "path",
] as const;

/** RFC 4180 quoting: fields with commas, quotes or newlines are quoted, quotes doubled. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(run: RunJson): string {
  const lines = [CSV_HEADER.join(",")];
  for (const t of reportView(run).tables) {
    for (const row of t.rows) {
      const label = String(row[0]?.value ?? "");
      row.forEach((c, i) => {
        if (i === 0 || c.value === null) return;
        const unit = c.format === "si" ? (c.unit ?? "") : c.format === "percent" ? "fraction" : "";
        lines.push(
          [
            t.id,
            label,
            t.columns[i]?.header ?? "",
            c.value,
            unit,
            c.estimate ? "true" : "false",
            c.over ? "true" : "false",
            c.path ?? "",
          ]
            .map(csvField)
            .join(","),
        );
      });
    }
  }
  return `${lines.join("\n")}\n`;
}

export const csvRenderer: Renderer = {
  name: "csv",
  extension: "csv",
  describe: "tidy CSV: table, row, column, raw value, unit, estimate, over_budget, JSON key path",
  render: (run) => renderCsv(run),
};
