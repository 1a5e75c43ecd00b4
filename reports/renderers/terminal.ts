// Terminal renderer: aligned tables with SI units; estimate-based numbers in yellow with the estimate mark,
// over-budget numbers in red, a legend line when either appears (chalk; plain when colour is off).

import { Chalk } from "chalk";
import type { RunJson } from "../run-json.js";
import { renderTable } from "../terminal/table.js";
import { type Cell, ESTIMATE_LEGEND, ESTIMATE_MARK, formatCell, OVER_LEGEND, reportView } from "../view.js";
import type { Renderer } from "./registry.js";

export function renderTerminal(run: RunJson, colour = false): string {
  const c = new Chalk({ level: colour ? 1 : 0 });
  const v = reportView(run);
  const cell = (x: Cell): string => {
    let s = formatCell(x);
    if (x.estimate) s = c.yellow(`${ESTIMATE_MARK}${s}`);
    if (x.over) s = c.red.bold(`${s} !`);
    return s;
  };
  const out = [c.bold(v.title), c.dim(v.subtitle), ""];
  for (const t of v.tables) {
    out.push(c.bold(t.title));
    out.push(
      renderTable(
        t.columns.map((col) => ({ header: col.header, align: col.numeric ? "right" : "left" })),
        t.rows.map((r) => r.map(cell)),
      ),
      "",
    );
  }
  if (v.hasEstimates) out.push(c.yellow(ESTIMATE_LEGEND));
  if (v.hasOver) out.push(c.red(`! ${OVER_LEGEND}`));
  for (const w of v.warnings) out.push(c.yellow(`warning: ${w}`));
  return `${out.join("\n").trimEnd()}\n`;
}

export const terminalRenderer: Renderer = {
  name: "terminal",
  extension: "txt",
  describe: "aligned tables for the terminal (colour when it is a TTY)",
  render: (run, opts) => renderTerminal(run, opts?.colour ?? false),
};
