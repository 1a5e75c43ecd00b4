// `loadProfile` from the profile loader's CommonJS bundle with its code cache (cli/bundles.ts builds both;
// common/code-cache.ts runs them): what a direct SANA-FE run's scheduling thread imports to load the profile
// (cli/commands/simulate-direct.ts), where the loader's compile is on the run's critical path. The caller checks
// the bundle is current (cli/bundles.ts `bundleFor`); without a cache, or with one V8 refuses, the bundle
// compiles as usual.

import { fileURLToPath } from "node:url";
import { runWithCodeCache } from "../common/code-cache.js";
import type { ChipProfile } from "./types.js";

/** Beside this module in dist/hw-profiles/: cli/bundles.ts's `profileLoader` output and its code cache. */
export const LOADER_BUNDLE = "loader.bundle.cjs";
export const LOADER_CODE_CACHE = "loader.bundle.cache";

let loader: { loadProfile: (nameOrPath: string) => ChipProfile; cacheTaken: boolean } | undefined;

function bundled() {
  if (!loader) {
    const at = (name: string) => fileURLToPath(new URL(name, import.meta.url));
    const { exports, cacheTaken } = runWithCodeCache(at(LOADER_BUNDLE), at(LOADER_CODE_CACHE));
    loader = { loadProfile: exports.loadProfile as (nameOrPath: string) => ChipProfile, cacheTaken };
  }
  return loader;
}

/** hw-profiles/loader.ts `loadProfile`, run from the bundle. */
export function loadProfile(nameOrPath: string): ChipProfile {
  return bundled().loadProfile(nameOrPath);
}

/** Whether V8 took the bundle's code cache (for the tests and the bench). */
export function codeCacheTaken(): boolean {
  return bundled().cacheTaken;
}
