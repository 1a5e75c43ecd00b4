// Entry point for getting a chip profile: a built-in name or a path to a user's .yaml/.yml/.json file.
// Everything a user can get wrong becomes a SpikegridError listing every problem with its position.

import { SpikegridError } from "../common/errors.js";
import { readProfileFile, type ValidationResult } from "./parse.js";
import { didYouMean } from "./positions.js";
import { invalidProfileError } from "./problems.js";
import { profileNames, profileRegistry } from "./registry.js";
import type { ChipProfile } from "./types.js";

/** A path rather than a name: contains a slash, or ends in .yaml/.yml/.json. */
export function isProfilePath(nameOrPath: string): boolean {
  return /[/\\]/.test(nameOrPath) || /\.(ya?ml|json)$/i.test(nameOrPath);
}

/** The file a name or path refers to; PROFILE_UNKNOWN (listing the known names) for an unknown name. */
export function resolveProfile(nameOrPath: string): string {
  if (isProfilePath(nameOrPath)) return nameOrPath;
  if (profileRegistry.has(nameOrPath)) return profileRegistry.get(nameOrPath);
  const guess = didYouMean(nameOrPath, profileNames());
  throw new SpikegridError(
    "PROFILE_UNKNOWN",
    `unknown chip profile "${nameOrPath}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
    {
      hint: `known profiles: ${profileNames().join(", ")}; or give a path to your own .yaml/.yml/.json profile`,
    },
  );
}

/** Loads (cached) and validates a profile; throws PROFILE_INVALID, PROFILE_UNKNOWN or FILE_NOT_FOUND. */
export function loadProfile(nameOrPath: string): ChipProfile {
  const file = resolveProfile(nameOrPath);
  const r = readProfileFile(file);
  if (!r.profile) throw invalidProfileError(file, r.problems);
  return r.profile;
}

/**
 * Validates a profile (name or path) and returns its problems instead of throwing them. Still throws
 * FILE_NOT_FOUND / PROFILE_UNKNOWN: there is no file to report on then.
 */
export function validateProfileFile(nameOrPath: string): ValidationResult {
  return readProfileFile(resolveProfile(nameOrPath));
}
