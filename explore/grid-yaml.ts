// Reads an explore grid from a YAML file; every problem (syntax, schema, profiles, bits) names file:line.
// Paths inside the file (model, input, labels, profile files) are read relative to the working directory.

import { readFileSync, statSync } from "node:fs";
import { SpikegridError } from "../common/errors.js";
import { parseYaml, yamlValue } from "../common/yaml.js";
import { PositionFinder } from "../hw-profiles/positions.js";
import { checkGridSpec, flagLocate, type GridSpec, type Locate } from "./grid.js";

/** Bytes a grid file may have: a grid is a few lines; anything much bigger is not one. */
export const GRID_FILE_BYTES = 1024 * 1024;

/** The raw object of a grid file and a locator of its key paths (`file:line:col (key.path)`). */
export function readGridFile(file: string): { value: Record<string, unknown>; locate: Locate } {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > GRID_FILE_BYTES)
      throw new SpikegridError(
        "USAGE",
        `${file}: ${size.toLocaleString("en-US")} bytes exceed the grid file budget of ${GRID_FILE_BYTES.toLocaleString("en-US")} bytes`,
        { hint: "an explore grid is a few lines of YAML (explore/examples/grid.yaml)" },
      );
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof SpikegridError) throw e;
    throw new SpikegridError("FILE_NOT_FOUND", `cannot read grid file ${file}`, {
      hint: (e as Error).message,
    });
  }
  const parsed = parseYaml(text);
  const { doc, lines } = parsed;
  const at = (p: { line?: number; column?: number }) =>
    `${file}${p.line === undefined ? "" : `:${p.line}:${p.column ?? 1}`}`;
  if (parsed.problems.length) {
    throw new SpikegridError("USAGE", `${file}: not valid YAML`, {
      details: parsed.problems.map((p) => ({ where: at(p), message: p.message })),
    });
  }
  const read = yamlValue(parsed);
  if ("problem" in read)
    throw new SpikegridError("USAGE", `${file}: cannot read the grid`, {
      details: [{ where: at(read.problem), message: read.problem.message }],
    });
  const value = read.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SpikegridError("USAGE", `${file}: an explore grid is a YAML mapping (model:, profiles:, …)`);
  }
  const finder = new PositionFinder(doc, lines);
  const locate: Locate = (path) => {
    const pos = finder.find(path);
    const where = path.map(String).join(".");
    return `${file}${pos ? `:${pos.line}:${pos.column}` : ""}${where ? ` (${where})` : ""}`;
  };
  return { value: normalizeYamlGrid(value as Record<string, unknown>), locate };
}

/** YAML conveniences: a single value where a list is expected, and `auto` for a default (`null`). */
function normalizeYamlGrid(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...v };
  for (const axis of ["profiles", "maxCores", "maxChips", "weightBits", "stateBits", "timesteps"]) {
    const x = out[axis];
    if (x === undefined) continue;
    const list = Array.isArray(x) ? x : [x];
    out[axis] = list.map((e) => (e === "auto" ? null : e));
  }
  return out;
}

/** A grid file checked in full, with `overrides` (from flags) applied over it first. */
export function loadGridFile(file: string, overrides: Record<string, unknown> = {}): GridSpec {
  const { value, locate } = readGridFile(file);
  const merged = { ...value, ...overrides };
  const where: Locate = (path) =>
    path[0] !== undefined && String(path[0]) in overrides ? `${flagLocate(path)} (flag)` : locate(path);
  return checkGridSpec(merged, where, file);
}
