// `extends: NAME` — a profile file that starts from a built-in profile's keys: its own top-level keys replace
// the base's, `sources` merge. System profiles (a board of loihi2 chips) name the chip this way.

import { existsSync, readFileSync } from "node:fs";
import { packagePath } from "../common/package-root.js";
import { parseYaml, yamlValue } from "../common/yaml.js";
import type { ProblemList } from "./problems.js";

type Data = Record<string, unknown>;

const isMapping = (v: unknown): v is Data => typeof v === "object" && v !== null && !Array.isArray(v);

/** The file's data with its base merged in; undefined (and a problem) when the base cannot be read. */
export function applyExtends(data: Data, list: ProblemList): Data | undefined {
  const name = data.extends;
  if (name === undefined) return data;
  const file =
    typeof name === "string" && /^[a-z0-9][a-z0-9._-]*$/.test(name)
      ? packagePath("hw-profiles", `${name}.yaml`)
      : "";
  if (!file || !existsSync(file)) {
    list.add(
      ["extends"],
      `"${String(name)}" is not a built-in profile; expected one of \`spikegrid profiles list\``,
    );
    return undefined;
  }
  const read = yamlValue(parseYaml(readFileSync(file, "utf8")));
  const base = "value" in read ? read.value : undefined;
  if (!isMapping(base) || base.extends !== undefined) {
    list.add(["extends"], `built-in profile "${name}" cannot be extended (it is not a plain chip profile)`);
    return undefined;
  }
  const { extends: _, ...own } = data;
  const sources = {
    ...(isMapping(base.sources) ? base.sources : {}),
    ...(isMapping(own.sources) ? own.sources : {}),
  };
  return { ...base, ...own, sources };
}
