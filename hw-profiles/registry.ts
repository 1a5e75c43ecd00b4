// The built-in chip profiles: name → YAML file shipped in this folder. Adding one is a YAML file plus
// one name in BUILTIN_PROFILES.

import { packagePath } from "../common/package-root.js";
import { Registry } from "../common/registry.js";
import { readProfileFile } from "./parse.js";
import { invalidProfileError } from "./problems.js";
import type { ChipProfile } from "./types.js";

export const BUILTIN_PROFILES = [
  "loihi",
  "loihi-sanafe",
  "loihi2",
  "truenorth",
  "spinnaker2",
  "speck",
  "xylo",
  "generic-45nm",
  "loihi2-kapoho-point",
  "loihi2-hala-point",
  "loihi-pohoiki-springs",
  "spinnaker2-48",
  "spinnaker2-sandia",
] as const;

/** Built-in profile name → absolute path of its YAML file. */
export const profileRegistry = new Registry<string>("chip profile");
for (const name of BUILTIN_PROFILES)
  profileRegistry.register(name, packagePath("hw-profiles", `${name}.yaml`));

export function profileNames(): string[] {
  return profileRegistry.names();
}

/** Every built-in profile, loaded (cached). A broken built-in file throws PROFILE_INVALID. */
export function listProfiles(): ChipProfile[] {
  return profileRegistry.entries().map(([, file]) => {
    const r = readProfileFile(file);
    if (!r.profile) throw invalidProfileError(file, r.problems);
    return r.profile;
  });
}
