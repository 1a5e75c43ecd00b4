// Reads one profile file (YAML or JSON) into a ChipProfile or a list of positioned problems.
// Collects every problem it can find in one pass instead of stopping at the first. Caches by path.

import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { SpikegridError } from "../common/errors.js";
import { parseYaml, yamlValue } from "../common/yaml.js";
import { checkConsistency, checkSources } from "./checks.js";
import { applyExtends } from "./extends.js";
import { normalizeProfile } from "./normalize.js";
import { PositionFinder } from "./positions.js";
import { addZodIssues, describeFound, ProblemList, type ProfileProblem } from "./problems.js";
import { isSanafeArch, sanafeArchToProfile } from "./sanafe-arch.js";
import { profileFileSchema } from "./schema.js";
import type { ChipProfile } from "./types.js";

export interface ValidationResult {
  file: string;
  /** Empty when the file is valid. */
  problems: ProfileProblem[];
  /** Present exactly when `problems` is empty. */
  profile?: ChipProfile;
}

const TOP_KEYS = Object.keys(profileFileSchema.shape).join(", ");

/** Validates profile text; `file` is only used to label problems and `ChipProfile.file`. */
export function parseProfileText(text: string, file: string): ValidationResult {
  // JSON is YAML 1.2, so one parser gives positions for both formats.
  const yaml = parseYaml(text);
  const { doc, lines } = yaml;
  const list = new ProblemList(file, new PositionFinder(doc, lines));
  if (yaml.problems.length > 0) {
    for (const p of yaml.problems)
      list.problems.push({
        file,
        path: "",
        line: p.line,
        column: p.column,
        message: `YAML syntax error: ${p.message}`,
      });
    return { file, problems: list.problems };
  }
  if (doc.contents === null) {
    list.problems.push({
      file,
      path: "",
      message: `the file is empty; expected a mapping with keys ${TOP_KEYS}`,
    });
    return { file, problems: list.problems };
  }
  const read = yamlValue(yaml);
  if ("problem" in read) {
    list.problems.push({
      file,
      path: "",
      line: read.problem.line,
      column: read.problem.column,
      message: read.problem.message,
    });
    return { file, problems: list.problems };
  }
  let data = read.value;
  // A SANA-FE architecture file is a profile too: converted, then checked like any profile.
  if (isSanafeArch(data)) {
    const converted = sanafeArchToProfile(data, file, list);
    if (!converted) return { file, problems: list.problems };
    data = converted.profile;
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    list.add([], `expected a mapping at the top level (keys ${TOP_KEYS}), found ${describeFound(data)}`);
    return { file, problems: list.problems };
  }
  const merged = applyExtends(data as Record<string, unknown>, list);
  if (!merged) return { file, problems: list.problems };
  data = merged;
  const parsed = profileFileSchema.safeParse(data);
  if (!parsed.success) addZodIssues(list, parsed.error.issues, data, profileFileSchema);
  checkSources(data, list);
  if (parsed.success) checkConsistency(parsed.data, list);
  const problems = [...list.problems].sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
  if (problems.length > 0 || !parsed.success) return { file, problems };
  return { file, problems, profile: normalizeProfile(parsed.data, file) };
}

const cache = new Map<string, { mtimeMs: number; size: number; result: ValidationResult }>();

/** Reads and validates a profile file. Throws FILE_NOT_FOUND / FILE_READ only; content problems are returned. */
export function readProfileFile(path: string): ValidationResult {
  const abs = resolve(path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(abs);
  } catch {
    throw new SpikegridError("FILE_NOT_FOUND", `profile file not found: ${path}`, {
      hint: "give a built-in profile name (`spikegrid profiles list`) or a path to a .yaml/.yml/.json profile",
    });
  }
  if (!stat.isFile()) throw new SpikegridError("FILE_READ", `not a file: ${path}`);
  const hit = cache.get(abs);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.result;
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    throw new SpikegridError("FILE_READ", `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const result = parseProfileText(text, path);
  cache.set(abs, { mtimeMs: stat.mtimeMs, size: stat.size, result });
  return result;
}

/** Forgets cached loads (for tests that rewrite a file within the same millisecond). */
export function clearProfileCache(): void {
  cache.clear();
}
