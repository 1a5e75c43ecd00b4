// Reads a run JSON file for the renderers: size checked before reading, JSON parsed, sizes checked against the
// report budgets, then the schema — every failure one USAGE error naming the file.

import { readFileSync } from "node:fs";
import { SpikegridError } from "../common/errors.js";
import { checkRunFileSize } from "./run-budgets.js";
import { checkRunJson, type RunJson } from "./run-json.js";

export function readRunJsonFile(path: string): RunJson {
  checkRunFileSize(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SpikegridError("FILE_NOT_FOUND", `cannot read ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SpikegridError("FILE_READ", `${path} is not JSON: ${(e as Error).message}`, {
      hint: "give the run JSON `spikegrid simulate … --json run.json` wrote",
    });
  }
  return checkRunJson(value, path);
}
