// Report renderers keyed by name (terminal, markdown, csv, json, html): each turns one run JSON into text.
// Adding a format is one file exporting a Renderer plus one line in index.ts.

import { Registry } from "../../common/registry.js";
import type { RunJson } from "../run-json.js";

export interface RenderOptions {
  /** Terminal: emit ANSI colours (default false). */
  colour?: boolean;
}

export interface Renderer {
  name: string;
  /** File extension of the output, without the dot. */
  extension: string;
  describe: string;
  render(run: RunJson, opts?: RenderOptions): string;
}

export const rendererRegistry = new Registry<Renderer>("report format");
