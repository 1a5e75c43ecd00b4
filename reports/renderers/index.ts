// Public entry of the renderers: the registry with every built-in format registered, and `renderReport`.

import { checkRunBudgets } from "../run-budgets.js";
import type { RunJson } from "../run-json.js";
import { csvRenderer } from "./csv.js";
import { htmlRenderer } from "./html.js";
import { jsonRenderer } from "./json.js";
import { markdownRenderer } from "./markdown.js";
import { type Renderer, type RenderOptions, rendererRegistry } from "./registry.js";
import { terminalRenderer } from "./terminal.js";

for (const r of [terminalRenderer, markdownRenderer, csvRenderer, jsonRenderer, htmlRenderer])
  if (!rendererRegistry.has(r.name)) rendererRegistry.register(r.name, r);

export { type Renderer, type RenderOptions, rendererRegistry };

/**
 * Renders `run` in the named format ("terminal", "md", "csv", "json", "html"); unknown names list the known ones.
 * A run over the report budgets (run-budgets.ts) is refused before any rendering.
 */
export function renderReport(run: RunJson, format: string, opts: RenderOptions = {}): string {
  checkRunBudgets(run, `run of ${run.model.name}`);
  return rendererRegistry.get(format).render(run, opts);
}
