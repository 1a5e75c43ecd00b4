// Public API of hw-profiles: load a chip profile by name or path, list the built-ins, ask for provenance.
// Other stages import from here, not from the files behind it.

export { isProfilePath, loadProfile, resolveProfile, validateProfileFile } from "./loader.js";
export { barrierLatencyS, coreLimits } from "./normalize.js";
export { clearProfileCache, parseProfileText, type ValidationResult } from "./parse.js";
export { formatProblem, invalidProfileError, type ProfileProblem } from "./problems.js";
export { estimatesAmong, isEstimate, provenanceCounts, provenanceOf } from "./provenance.js";
export { BUILTIN_PROFILES, listProfiles, profileNames, profileRegistry } from "./registry.js";
export { isSanafeArch, sanafeArchToProfile } from "./sanafe-arch.js";
export { sanafeArchToProfileYaml } from "./sanafe-import.js";
export {
  COST_NAMES,
  type CostName,
  MEMORY_MODELS,
  profileFileSchema,
  profileJsonSchema,
  STATUSES,
  type Status,
} from "./schema.js";
export type * from "./types.js";
