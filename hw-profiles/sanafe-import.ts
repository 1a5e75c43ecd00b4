// `profiles import-sanafe`: a SANA-FE architecture file written out as the equivalent spikegrid profile YAML,
// checked by reading it back, so what is written is exactly what `--profile arch.yaml` would use.

import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { SpikegridError } from "../common/errors.js";
import { parseYaml, yamlValue } from "../common/yaml.js";
import { parseProfileText } from "./parse.js";
import { PositionFinder } from "./positions.js";
import { invalidProfileError, ProblemList } from "./problems.js";
import { isSanafeArch, sanafeArchToProfile } from "./sanafe-arch.js";
import type { ChipProfile } from "./types.js";

/** The profile YAML for a SANA-FE arch file, its conversion notes and the profile it loads as. */
export function sanafeArchToProfileYaml(file: string): {
  yaml: string;
  notes: string[];
  profile: ChipProfile;
} {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    throw new SpikegridError(
      missing ? "FILE_NOT_FOUND" : "FILE_READ",
      `cannot read ${file}: ${(e as Error).message}`,
    );
  }
  const parsed = parseYaml(text);
  const list = new ProblemList(file, new PositionFinder(parsed.doc, parsed.lines));
  for (const p of parsed.problems)
    list.problems.push({ file, path: "", ...p, message: `YAML syntax error: ${p.message}` });
  const read = parsed.problems.length ? undefined : yamlValue(parsed);
  if (read && "problem" in read) list.problems.push({ file, path: "", ...read.problem });
  if (list.problems.length) throw invalidProfileError(file, list.problems);
  const data = read && "value" in read ? read.value : undefined;
  if (!isSanafeArch(data))
    throw new SpikegridError(
      "USAGE",
      `${file} is not a SANA-FE architecture file (no top-level \`architecture:\`)`,
      {
        hint: "give a SANA-FE arch .yaml such as SANA-FE's arch/loihi.yaml; a spikegrid profile needs no import",
      },
    );
  const converted = sanafeArchToProfile(data, file, list);
  if (!converted) throw invalidProfileError(file, list.problems);
  const yaml = `# spikegrid chip profile converted from the SANA-FE architecture file ${file}\n${stringify(converted.profile, { lineWidth: 0 })}`;
  const back = parseProfileText(yaml, file);
  // The converter builds only schema-valid files; a problem here is a fault of spikegrid, not of the input.
  if (!back.profile)
    throw new Error(`converted profile does not validate: ${back.problems.map((p) => p.message).join("; ")}`);
  return { yaml, notes: converted.notes, profile: back.profile };
}
