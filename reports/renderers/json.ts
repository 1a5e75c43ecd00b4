// JSON renderer: the run JSON itself, validated and 2-space indented (the report model is the output).

import { formatRunJson } from "../run-json.js";
import type { Renderer } from "./registry.js";

export const jsonRenderer: Renderer = {
  name: "json",
  extension: "json",
  describe: "the run JSON, validated (machine-readable; every other format is derived from it)",
  render: (run) => formatRunJson(run),
};
