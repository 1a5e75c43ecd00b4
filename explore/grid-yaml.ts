// Reads an explore grid from a YAML file; every problem (syntax, schema, profiles, bits) names file:line.
// Paths inside the file (model, input, labels, profile files) are read relative to the working directory.

import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { SpikegridError } from "../common/errors.js";
import { PositionFinder } from "../hw-profiles/positions.js";
import { checkGridSpec, type GridSpec, type Locate } from "./grid.js";

/** The raw object of a grid file and a locator of its key paths (`file:line:col (key.path)`). */
export function readGridFile(file: string): { value: Record<string, unknown>; locate: Locate } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new SpikegridError("FILE_NOT_FOUND", `cannot read grid file ${file}`, {
      hint: (e as Error).message,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new SpikegridError("USAGE", `${file}: not valid YAML`, {
      details: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return {
          where: `${file}:${pos.line}:${pos.col}`,
          message: e.message.split("\n")[0] ?? e.message,
        };
      }),
    });
  }
  const value = doc.toJS() as unknown;
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
  for (const axis of ["profiles", "maxCores", "weightBits", "stateBits", "timesteps"]) {
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
    path[0] !== undefined && String(path[0]) in overrides ? `--${String(path[0])} (flag)` : locate(path);
  return checkGridSpec(merged, where, file);
}
